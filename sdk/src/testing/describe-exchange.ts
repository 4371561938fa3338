import type { RecordedRequest } from './recording-schema.js';

/** `exchange #2 (POST https://api.example.test/v1/items)`: how messages name an exchange. */
export function describeExchange(number: number, request: RecordedRequest): string {
  return `exchange #${number} (${request.method} ${request.url})`;
}
