import type { Logger } from 'pino';

export interface ShutdownOptions {
  /** Stops the server: no new connections, in-flight requests finished, scheduler stopped, database closed. */
  close: () => Promise<void>;
  log: Pick<Logger, 'info' | 'error'>;
  /** After this long the process exits anyway (code 1). */
  timeoutMs: number;
  signals?: readonly NodeJS.Signals[];
  exit?: (code: number) => void;
  /** Where the signals come from (tests pass an EventEmitter). */
  on?: (signal: NodeJS.Signals, listener: () => void) => void;
}

/**
 * Graceful shutdown on SIGTERM/SIGINT: the first signal closes everything and exits 0 (1 if closing
 * failed); a second signal, or `timeoutMs` without the close finishing, exits 1 at once. Returns a
 * function that starts the same shutdown (for a signal that arrived before the server was up).
 */
export function closeOnSignals(options: ShutdownOptions): (reason: string) => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const on = options.on ?? ((signal, listener) => void process.on(signal, listener));
  let closing = false;
  const shutdown = (reason: string) => {
    if (closing) {
      options.log.error(`${reason} again: exiting without waiting`);
      exit(1);
      return;
    }
    closing = true;
    options.log.info(`${reason}: shutting down (finishing in-flight requests, at most ${options.timeoutMs} ms)`);
    const timer = setTimeout(() => {
      options.log.error(`shutdown did not finish within ${options.timeoutMs} ms: exiting`);
      exit(1);
    }, options.timeoutMs);
    options.close().then(
      () => { clearTimeout(timer); options.log.info('shut down cleanly'); exit(0); },
      (error: unknown) => { clearTimeout(timer); options.log.error({ err: error }, 'shutdown failed'); exit(1); },
    );
  };
  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) on(signal, () => shutdown(signal));
  return shutdown;
}
