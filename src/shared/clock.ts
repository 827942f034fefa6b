/**
 * The one source of time. Production uses the wall clock; sandbox mode adds an offset
 * that `POST /api/sandbox/clock/advance` moves forward (a test clock, like Stripe's).
 */
export class Clock {
  private offsetMs = 0;
  constructor(readonly adjustable: boolean) {}

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(minutes: number): Date {
    if (!this.adjustable) throw new Error('this clock cannot be moved');
    this.offsetMs += Math.round(minutes * 60_000);
    return this.now();
  }
}

export const minutesFrom = (at: Date, minutes: number): Date => new Date(at.getTime() + minutes * 60_000);

/** Moves an adjustable clock forward to a moment (never backward). */
export function moveClockTo(clock: Clock, at: Date): void {
  const minutes = (at.getTime() - clock.now().getTime()) / 60_000;
  if (minutes > 0) clock.advance(minutes);
}
