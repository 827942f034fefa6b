import type { Logger } from 'pino';
import type { Db } from '../db/connect';
import { type Clock, moveClockTo } from '../shared/clock';
import { claimDueJobs, completeJob, failJob, nextDueAt } from './jobs';

export type JobHandler = (refId: string, now: Date) => Promise<void>;

const claimBatchSize = 16;
const advanceStepsMax = 10_000;

/** Runs due jobs: a loop in every server, and on demand when the sandbox clock moves. */
export class Scheduler {
  private readonly handlers = new Map<string, JobHandler>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Db, private readonly clock: Clock, private readonly log: Logger) {}

  register(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  /** Runs every job due now; returns how many ran. */
  async runDue(): Promise<number> {
    let ran = 0;
    for (;;) {
      const now = this.clock.now();
      const jobs = await claimDueJobs(this.db, now, claimBatchSize);
      if (jobs.length === 0) return ran;
      for (const job of jobs) {
        const handler = this.handlers.get(job.kind);
        try {
          if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
          await handler(job.ref_id, now);
          await completeJob(this.db, job.id, now);
        } catch (error) {
          this.log.error({ err: error, job }, 'job failed');
          await failJob(this.db, job, error, now);
        }
        ran += 1;
      }
    }
  }

  /**
   * Sandbox: moves the clock forward to `target`, stopping at each due job on the way so
   * chained deadlines run at their own times, as they would in real time.
   */
  async advanceTo(target: Date): Promise<Date> {
    for (let step = 0; step < advanceStepsMax; step += 1) {
      const due = await nextDueAt(this.db, target);
      if (!due) break;
      moveClockTo(this.clock, due);
      await this.runExclusive();
    }
    moveClockTo(this.clock, target);
    await this.runExclusive();
    return this.clock.now();
  }

  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    const tick = () => {
      this.runExclusive().catch((error) => this.log.error({ err: error }, 'scheduler tick failed'))
        .finally(() => { if (this.timer) this.timer = setTimeout(tick, intervalMs); });
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running.catch(() => undefined);
  }

  /** One runner at a time inside a process; other servers coordinate through SKIP LOCKED. */
  private runExclusive(): Promise<number> {
    const next = this.running.catch(() => undefined).then(() => this.runDue());
    this.running = next;
    return next;
  }
}
