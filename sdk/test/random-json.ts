/** Deterministic generators of JSON values for property tests (mulberry32 PRNG). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPECIAL_NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.1,
  1e21,
  1e-7,
  5e-324,
  -5e-324,
  1.7976931348623157e308,
  2 ** 53,
  -(2 ** 53),
  123.456,
  1e23,
  4.5,
  0.000001,
];
// Code units and points that stress escaping and UTF-16 ordering.
const SPECIAL_CHARS = [
  '\u0000',
  '\u001f',
  '"',
  '\\',
  '/',
  '\u007f',
  '\u0080',
  '\u00f6',
  '\u20ac',
  '\ufb33',
  '\u{1f602}',
  '\u{10ffff}',
  '\u2028',
  '\ud7ff',
  '\ue000',
  'a',
  'Z',
  '1',
  ' ',
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function randomNumber(random: () => number): number {
  const roll = random();
  if (roll < 0.3) return pick(random, SPECIAL_NUMBERS);
  if (roll < 0.5) return Math.floor((random() - 0.5) * 2 ** 31);
  // Random bit patterns cover the whole double range; skip NaN and infinities.
  const view = new DataView(new ArrayBuffer(8));
  for (;;) {
    view.setUint32(0, Math.floor(random() * 2 ** 32));
    view.setUint32(4, Math.floor(random() * 2 ** 32));
    const value = view.getFloat64(0);
    if (Number.isFinite(value)) return value;
  }
}

export function randomString(random: () => number, maxLength = 8): string {
  let out = '';
  const length = Math.floor(random() * maxLength);
  for (let i = 0; i < length; i++) {
    out +=
      random() < 0.5
        ? pick(random, SPECIAL_CHARS)
        : String.fromCodePoint(Math.floor(random() * 0xd7ff));
  }
  return out;
}

export function randomJson(random: () => number, depth: number): unknown {
  const roll = random();
  if (depth <= 0 || roll < 0.4) {
    const leaf = random();
    if (leaf < 0.1) return null;
    if (leaf < 0.2) return random() < 0.5;
    if (leaf < 0.6) return randomNumber(random);
    return randomString(random);
  }
  if (roll < 0.7)
    return Array.from({ length: Math.floor(random() * 5) }, () => randomJson(random, depth - 1));
  const object: Record<string, unknown> = {};
  const size = Math.floor(random() * 6);
  for (let i = 0; i < size; i++) object[randomString(random, 4)] = randomJson(random, depth - 1);
  return object;
}
