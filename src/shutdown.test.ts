import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeOnSignals } from './shutdown';

function setup(close: () => Promise<void>) {
  const signals = new EventEmitter();
  const exits: number[] = [];
  const log = { info: vi.fn(), error: vi.fn() };
  closeOnSignals({ close, log: log as never, timeoutMs: 4000, exit: (code) => void exits.push(code), on: (signal, listener) => void signals.on(signal, listener) });
  return { signals, exits, log };
}

afterEach(() => { vi.useRealTimers(); });

describe('closeOnSignals', () => {
  it.each(['SIGTERM', 'SIGINT'])('%s closes once and exits 0', async (signal) => {
    const close = vi.fn(async () => undefined);
    const { signals, exits } = setup(close);
    signals.emit(signal);
    await vi.waitFor(() => expect(exits).toEqual([0]));
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('a close that fails exits 1', async () => {
    const { signals, exits, log } = setup(async () => { throw new Error('disk gone'); });
    signals.emit('SIGTERM');
    await vi.waitFor(() => expect(exits).toEqual([1]));
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ err: expect.any(Error) }), 'shutdown failed');
  });

  it('a second signal while closing exits 1 at once, without closing twice', () => {
    const close = vi.fn(() => new Promise<void>(() => undefined)); // never finishes
    const { signals, exits } = setup(close);
    signals.emit('SIGTERM');
    expect(exits).toEqual([]);
    signals.emit('SIGINT');
    expect(exits).toEqual([1]);
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('a close that hangs is cut off after the timeout with exit 1', () => {
    vi.useFakeTimers();
    const { signals, exits } = setup(() => new Promise<void>(() => undefined));
    signals.emit('SIGTERM');
    vi.advanceTimersByTime(3999);
    expect(exits).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(exits).toEqual([1]);
  });
});
