/** Backoff while the database is unreachable: 100 ms doubling to 5 s, with jitter in [d/2, d). */
export function reconnectDelay(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(5_000, 100 * 2 ** Math.max(0, failures - 1));
  return Math.floor(ceiling * (0.5 + random() / 2));
}
