/**
 * A fingerprint of the built-ins a connector could poison for the calls after it (prototype methods,
 * JSON, Promise, the sandbox's own fetch). Taken before the connector loads and compared after each
 * call: a difference fails the call (reported as CONNECTOR_THREW: only the host may claim a sandbox code) and the host recycles the child.
 */
const WATCHED: [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
  ['Number.prototype', Number.prototype],
  ['Promise.prototype', Promise.prototype],
  ['RegExp.prototype', RegExp.prototype],
  ['Object', Object],
  ['JSON', JSON],
  ['Promise', Promise],
  ['Reflect', Reflect],
  ['globalThis', globalThis],
];

// Captured now, so a connector that replaces them cannot blind the comparison.
const ownKeys = Reflect.ownKeys;
const describe = Reflect.getOwnPropertyDescriptor;
const protoOf = Reflect.getPrototypeOf;
const extensible = Reflect.isExtensible;
const same = Object.is;

/** One watched object: its own keys, and per key its descriptor's value, getter, setter and flags. */
interface Watched {
  name: string;
  target: object;
  keys: (string | symbol)[];
  /** Four slots per key: value, get, set, flags (writable | enumerable << 1 | configurable << 2). */
  slots: unknown[];
  proto: object | null;
  extensible: boolean;
}

export type GlobalSnapshot = Watched[];

function flagsOf(d: PropertyDescriptor): number {
  return (d.writable ? 1 : 0) | (d.enumerable ? 2 : 0) | (d.configurable ? 4 : 0);
}

export function takeGlobalSnapshot(): GlobalSnapshot {
  // Node defines some globals lazily (a getter that replaces itself on first read): read them all
  // once so the first read by a connector does not look like tampering.
  for (const key of ownKeys(globalThis)) {
    try {
      Reflect.get(globalThis, key);
    } catch {}
  }
  return WATCHED.map(([name, target]) => {
    const keys = ownKeys(target);
    const slots: unknown[] = [];
    for (const key of keys) {
      const d = describe(target, key)!;
      slots.push(d.value, d.get, d.set, flagsOf(d));
    }
    return { name, target, keys, slots, proto: protoOf(target), extensible: extensible(target) };
  });
}

/**
 * Names what changed since `before`, or null. New plain globals (a module cache) are allowed. It
 * runs after every call, so it compares in place and builds no second snapshot: every key's whole
 * descriptor (value, getter, setter and flags), the prototype, extensibility, and added keys.
 */
export function diffGlobalSnapshot(before: GlobalSnapshot): string | null {
  for (const { name, target, keys, slots, proto, extensible: wasExtensible } of before) {
    if (!same(protoOf(target), proto)) return `${name}.proto was changed`;
    if (extensible(target) !== wasExtensible) return `${name}.frozen was changed`;
    for (let i = 0; i < keys.length; i++) {
      const d = describe(target, keys[i]!);
      const at = i * 4;
      if (
        d === undefined ||
        !same(d.value, slots[at]) ||
        d.get !== slots[at + 1] ||
        d.set !== slots[at + 2] ||
        flagsOf(d) !== slots[at + 3]
      )
        return `${name}.${String(keys[i])} was changed`;
    }
    if (name === 'globalThis') continue;
    // Every key seen before is still there (checked above), so more keys means some were added.
    const now = ownKeys(target);
    if (now.length !== keys.length) {
      const known = new Set(keys);
      const added = now.find((key) => !known.has(key));
      return `${name}.${String(added)} was added`;
    }
  }
  return null;
}
