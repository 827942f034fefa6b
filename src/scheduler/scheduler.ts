import type { Logger } from 'pino';
import type { Db } from '../db/connect';
import { type Clock, moveClockTo } from '../shared/clock';
import { type ClaimedJob, claimDueJobs, completeJob, failJob, nextDueAt } from './jobs';

export type JobHandler = (refId: string, now: Date) => Promise<void>;

const claimBatchSize = 16;
const advanceStepsMax = 10_000;

/**
 * Jobs that wait on another system (a webhook endpoint, a mail or SMS server, a payment provider)
 * run in their own lane, concurrently within a claimed batch, so one slow endpoint never holds up
 * deadlines, expiries and confirmations, which run one after another in the main lane.
 */
export type Lane = 'main' | 'outbound';
const lanes: readonly Lane[] = ['main', 'outbound'];

export interface JobOptions { lane?: Lane }

/** Runs due jobs: a loop in every server, and on demand when the sandbox clock moves. */
export class Scheduler {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly outboundKinds = new Set<string>();
  private timers = new Map<Lane, NodeJS.Timeout>();
  private started = false;
  private running: Record<Lane, Promise<unknown>> = { main: Promise.resolve(), outbound: Promise.resolve() };

  constructor(private readonly db: Db, private readonly clock: Clock, private readonly log: Logger) {}

  register(kind: string, handler: JobHandler, options: JobOptions = {}): void {
    this.handlers.set(kind, handler);
    if (options.lane === 'outbound') this.outboundKinds.add(kind);
  }

  /** Runs every job due now in both lanes, until none is left; returns how many ran. */
  async runDue(): Promise<number> {
    let ran = 0;
    for (;;) {
      const main = await this.runExclusive('main');
      const outbound = await this.runExclusive('outbound');
      ran += main + outbound;
      if (main + outbound === 0) return ran;
    }
  }

  private async runLane(lane: Lane): Promise<number> {
    let ran = 0;
    const kinds = [...this.outboundKinds];
    for (;;) {
      const now = this.clock.now();
      const jobs = await claimDueJobs(this.db, now, claimBatchSize, lane === 'outbound' ? { only: kinds } : { except: kinds });
      if (jobs.length === 0) return ran;
      if (lane === 'outbound') await Promise.all(jobs.map((job) => this.runJob(job, now)));
      else for (const job of jobs) await this.runJob(job, now);
      ran += jobs.length;
    }
  }

  private async runJob(job: ClaimedJob, now: Date): Promise<void> {
    const handler = this.handlers.get(job.kind);
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(job.ref_id, now);
      await completeJob(this.db, job.id, now);
    } catch (error) {
      this.log.error({ err: error, job }, 'job failed');
      await failJob(this.db, job, error, now);
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
      await this.runDue();
    }
    moveClockTo(this.clock, target);
    await this.runDue();
    return this.clock.now();
  }

  /** Starts one polling loop per lane. */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.started) return;
    this.started = true;
    for (const lane of lanes) {
      const tick = () => {
        this.runExclusive(lane).catch((error) => this.log.error({ err: error, lane }, 'scheduler tick failed'))
          .finally(() => { if (this.started) this.timers.set(lane, setTimeout(tick, intervalMs)); });
      };
      this.timers.set(lane, setTimeout(tick, intervalMs));
    }
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(lanes.map((lane) => this.running[lane].catch(() => undefined)));
  }

  /** One runner per lane at a time inside a process; other servers coordinate through SKIP LOCKED. */
  private runExclusive(lane: Lane): Promise<number> {
    const next = this.running[lane].catch(() => undefined).then(() => this.runLane(lane));
    this.running[lane] = next;
    return next;
  }
}
