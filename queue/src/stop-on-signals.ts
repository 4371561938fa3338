import type { Worker } from './run-worker.js';

/**
 * Stops the worker gracefully on SIGTERM or SIGINT (stop claiming, finish in-flight jobs up to the
 * grace period, release the rest). A second signal exits at once. Returns a function that removes
 * the listeners.
 *
 * @example
 * stopOnSignals(worker, () => process.exit(0));
 */
export function stopOnSignals(worker: Worker, onStopped: () => void = () => {}): () => void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
    stopping = true;
    worker.stop().then(onStopped, onStopped);
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
  return () => {
    process.off('SIGTERM', handle);
    process.off('SIGINT', handle);
  };
}
