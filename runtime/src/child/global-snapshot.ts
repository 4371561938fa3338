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

type Snapshot = Map<string, Map<string | symbol, unknown>>;

export function takeGlobalSnapshot(): Snapshot {
  // Node defines some globals lazily (a getter that replaces itself on first read): read them all
  // once so the first read by a connector does not look like tampering.
  for (const key of Reflect.ownKeys(globalThis)) {
    try {
      Reflect.get(globalThis, key);
    } catch {}
  }
  const snapshot: Snapshot = new Map();
  for (const [name, target] of WATCHED) {
    const values = new Map<string | symbol, unknown>();
    for (const key of Reflect.ownKeys(target)) {
      const d = Object.getOwnPropertyDescriptor(target, key);
      // Data values by identity; accessors by their getter and setter.
      values.set(key, d ? (d.get ?? d.set ?? d.value) : undefined);
    }
    values.set(' proto', Object.getPrototypeOf(target));
    values.set(' frozen', Object.isExtensible(target));
    snapshot.set(name, values);
  }
  return snapshot;
}

/** Names what changed since `before`, or null. New plain globals (a module cache) are allowed. */
export function diffGlobalSnapshot(before: Snapshot): string | null {
  const after = takeGlobalSnapshot();
  for (const [name, values] of before) {
    const now = after.get(name)!;
    for (const [key, value] of values) {
      if (!Object.is(now.get(key), value)) return `${name}.${String(key).trim()} was changed`;
    }
    if (name === 'globalThis') continue;
    for (const key of now.keys()) if (!values.has(key)) return `${name}.${String(key)} was added`;
  }
  return null;
}
