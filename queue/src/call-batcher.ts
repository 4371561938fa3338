/** Limits of one batch: how many items, and how much of `weigh` they may add up to. */
export interface CallBatcherOptions<I> {
  maxItems: number;
  maxWeight?: number;
  weigh?: (item: I) => number;
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Batches calls without a timer: the first goes at once, and the ones made while it is in flight
 * go together in the next (as many as the limits allow; an item over `maxWeight` goes alone). A
 * batch that fails is retried item by item, so one bad item fails alone and the rest are stored.
 * `send` returns one answer per item, in order.
 *
 * @example
 * const record = createCallBatcher((runs) => sendRuns(runs), { maxItems: 50 });
 * const answer = await record(run);
 */
export function createCallBatcher<I, O>(
  send: (items: I[]) => Promise<O[]>,
  options: CallBatcherOptions<I>,
): (item: I) => Promise<O> {
  const weigh = options.weigh ?? (() => 0);
  const maxWeight = options.maxWeight ?? Number.POSITIVE_INFINITY;
  let pending: Waiting<I, O>[] = [];
  let busy = false;

  const take = (): Waiting<I, O>[] => {
    let weight = 0;
    let n = 0;
    while (n < pending.length && n < options.maxItems) {
      weight += weigh(pending[n]!.item);
      if (n > 0 && weight > maxWeight) break;
      n++;
    }
    const batch = pending.slice(0, n);
    pending = pending.slice(n);
    return batch;
  };

  const settle = async (batch: Waiting<I, O>[]): Promise<void> => {
    try {
      const answers = await send(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        w.resolve(answers[i]!);
      });
    } catch (error) {
      if (batch.length === 1) batch[0]!.reject(error);
      else for (const w of batch) await settle([w]);
    }
  };

  const pump = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      while (pending.length > 0) await settle(take());
    } finally {
      busy = false;
    }
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      void pump();
    });
}
