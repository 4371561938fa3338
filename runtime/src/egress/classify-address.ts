import { BlockList, isIP } from 'node:net';

/** Address ranges no connector may reach, by the name a denial reports. */
const RANGES: [label: string, cidrs: string[]][] = [
  ['unspecified', ['0.0.0.0/8', '::/128']],
  ['loopback', ['127.0.0.0/8', '::1/128']],
  ['private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']],
  ['link-local', ['169.254.0.0/16', 'fe80::/10']],
  ['cgnat', ['100.64.0.0/10']],
  ['metadata-service', ['169.254.169.254/32', '100.100.100.200/32', 'fd00:ec2::254/128']],
  ['ipv4-mapped', ['::ffff:0:0/96', '::/96']],
  ['nat64', ['64:ff9b::/96', '64:ff9b:1::/48']],
  ['tunnel', ['2002::/16', '2001::/32']],
  [
    'reserved',
    [
      '192.0.0.0/24',
      '192.0.2.0/24',
      '198.18.0.0/15',
      '198.51.100.0/24',
      '203.0.113.0/24',
      '224.0.0.0/4',
      '240.0.0.0/4',
      '2001:db8::/32',
      'ff00::/8',
      '100::/64',
    ],
  ],
];

// Most specific first, so 169.254.169.254 reports as the metadata service, not just link-local,
// and ::1 as loopback before the IPv4-compatible ::/96 that contains it.
const ORDER = [
  'metadata-service',
  'loopback',
  'unspecified',
  'ipv4-mapped',
  'nat64',
  'link-local',
  'cgnat',
  'private',
  'tunnel',
  'reserved',
];

// One list per family: a BlockList checks an IPv4 address against IPv6 rules through its mapped
// form, which would make every IPv4 address match ::ffff:0:0/96.
const LISTS = ORDER.map((label) => {
  const lists = { ipv4: new BlockList(), ipv6: new BlockList() };
  for (const cidr of RANGES.find(([l]) => l === label)![1]) {
    const [net, bits] = cidr.split('/') as [string, string];
    const type = isIP(net) === 6 ? 'ipv6' : 'ipv4';
    lists[type].addSubnet(net, Number(bits), type);
  }
  return [label, lists] as const;
});

/**
 * The forbidden range an IP address falls in (`loopback`, `metadata-service`, `ipv4-mapped`, ...),
 * or null for a public address. Checks each family only against its own ranges, so an IPv4-mapped
 * IPv6 address is caught as such and never compared as the IPv4 it wraps.
 */
export function classifyAddress(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return 'not-an-ip';
  const type = family === 6 ? 'ipv6' : 'ipv4';
  for (const [label, lists] of LISTS) {
    try {
      if (lists[type].check(address, type)) return label;
    } catch {}
  }
  return null;
}
