/** Money is integer fen (分); rates are basis points (1 bp = 0.01%). */
export type Fen = number;

export function assertFen(value: number, what = 'amount'): Fen {
  if (!Number.isSafeInteger(value)) throw new Error(`${what} must be an integer number of fen, got ${value}`);
  return value;
}

/** A fee at a basis-point rate, rounded down so the payer is never overcharged. */
export function feeAt(amount: Fen, rateBp: number): Fen {
  assertFen(amount);
  return Math.floor((amount * rateBp) / 10_000);
}

/** ¥12.50 from 1250 fen. */
export function formatYuan(amount: Fen): string {
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Splits an amount into n parts that differ by at most one fen and sum exactly to it. */
export function splitEvenly(amount: Fen, parts: number): Fen[] {
  const base = Math.floor(amount / parts);
  const remainder = amount - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < remainder ? 1 : 0));
}
