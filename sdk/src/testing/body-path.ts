import type { JsonValue } from '../types.js';

/** A path into a JSON body: keys, array indexes as digits, `*` for any key or index. */
export type BodyPath = string[];

/** `$.items[*].id`, `items.*.id` and `items[0].id` all name paths the same way. */
export function parseBodyPath(path: string): BodyPath {
  return path
    .replace(/^\$\.?/, '')
    .replace(/\[(\d+|\*)\]/g, '.$1')
    .split('.')
    .filter((part) => part !== '');
}

/** The value with what `path` names removed (an array element becomes null, keeping positions). */
export function withoutPath(value: JsonValue, path: BodyPath): JsonValue {
  const [head, ...rest] = path;
  if (head === undefined || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (head !== '*' && !/^\d+$/.test(head)) return value;
    const out: JsonValue[] = [];
    value.forEach((item, index) => {
      const hit = head === '*' || Number(head) === index;
      if (!hit) out.push(item);
      else if (rest.length > 0) out.push(withoutPath(item, rest));
      else out.push(null);
    });
    return out;
  }
  const out: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value)) {
    const hit = head === '*' || head === key;
    if (!hit) out[key] = item;
    else if (rest.length > 0) out[key] = withoutPath(item, rest);
  }
  return out;
}
