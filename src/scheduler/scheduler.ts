import type { Logger } from 'pino';
import type { Db } from '../db/connect';
import { type Clock, moveClockTo } from '../shared/clock';
import { type ClaimedJob, claimDueJobs, completeJobs, failJob, nextDueAt, releaseJobs } from './jobs';

export type JobHandler = (refId: string, now: Date) => Promise<void>;
/**
 * Runs many due jobs of one kind together, in a few statements for the lot (auto-confirm settles a
 * batch of orders in one transaction). All or nothing: when it throws, each job runs alone through
 * the kind's single handler, so one bad row never holds up the rest.
 */
export type BatchHandler = (refIds: string[], now: Date) => Promise<void>;

/**
 * Work found by an indexed query instead of job rows (unpaid orders past their expiry): `run` does
 * at most `limit` items, each exactly once across servers (SKIP LOCKED), and says how many it did.
 */
export interface Sweep {
  name: string;
  /** The earliest time at or before `until` when the sweep has work (for the sandbox clock). */
  next(until: Date): Promise<Date | undefined>;
  run(now: Date, limit: number): Promise<number>;
}

/**
 * Jobs claimed at once by the main lane: one statement claims them, batch kinds run them in a few more
 * (an auto-confirm batch settles them in one transaction of a fixed number of statements). Large, so
 * the per-claim costs (round trips, commits) spread thin; small enough that the batch in hand, which
 * a shutdown waits for, takes about a second even on a busy machine.
 */
const mainClaimSize = 1_000;
/** The outbound lane runs its claim concurrently, so it stays small. */
const outboundClaimSize = 16;
/** Items a sweep handles between two looks at the job queue (and at a shutdown request). */
const sweepStep = 64;
const advanceStepsMax = 10_000;

/**
 * Jobs that wait on another system (a webhook endpoint, a mail or SMS server, a payment provider)
 * run in their own lane, concurrently within a claimed batch, so one slow endpoint never holds up
 * deadlines, expiries and confirmations, which run one after another in the main lane.
 */
export type Lane = 'main' | 'outbound';
const lanes: readonly Lane[] = ['main', 'outbound'];

export interface JobOptions { lane?: Lane; batch?: BatchHandler }

/** Runs due jobs: a loop in every server, and on demand when the sandbox clock moves. */
export class Scheduler {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly batchHandlers = new Map<string, BatchHandler>();
  private readonly outboundKinds = new Set<string>();
  private readonly sweeps: Sweep[] = [];
  private timers = new Map<Lane, NodeJS.Timeout>();
  private started = false;
  /** Set by stop(): runners finish the job (or batch) in hand, give the rest of their claim back, and return. */
  private stopping = false;
  private running: Record<Lane, Promise<unknown>> = { main: Promise.resolve(), outbound: Promise.resolve() };

  constructor(private readonly db: Db, private readonly clock: Clock, private readonly log: Logger) {}

  register(kind: string, handler: JobHandler, options: JobOptions = {}): void {
    this.handlers.set(kind, handler);
    if (options.batch) this.batchHandlers.set(kind, options.batch);
    if (options.lane === 'outbound') this.outboundKinds.add(kind);
  }

  /** A sweep runs in the main lane, after each claim of jobs. */
  registerSweep(sweep: Sweep): void {
    this.sweeps.push(sweep);
  }

  /** Runs every job due now in both lanes, until none is left (or stop() is called); returns how many ran. */
  async runDue(): Promise<number> {
    let ran = 0;
    for (;;) {
      const main = await this.runExclusive('main');
      const outbound = await this.runExclusive('outbound');
      ran += main + outbound;
      if (main + outbound === 0 || this.stopping) return ran;
    }
  }

  private async runLane(lane: Lane): Promise<number> {
    let ran = 0;
    const kinds = [...this.outboundKinds];
    while (!this.stopping) {
      const now = this.clock.now();
      const jobs = await claimDueJobs(this.db, now, lane === 'outbound' ? outboundClaimSize : mainClaimSize, lane === 'outbound' ? { only: kinds } : { except: kinds });
      if (lane === 'outbound') {
        const done = await Promise.all(jobs.map(async (job) => ((await this.runJob(job, now)) ? job.id : null)));
        await completeJobs(this.db, done.filter((id): id is string => id !== null), now);
        ran += jobs.length;
      } else {
        ran += await this.runMainClaim(jobs, now);
      }
      const swept = lane === 'main' ? await this.runSweeps(now) : 0;
      ran += swept;
      if (jobs.length === 0 && swept === 0) break;
    }
    return ran;
  }

  /**
   * Runs a main-lane claim: each batch kind's jobs together, the others one after another. Between
   * two runs it looks for a shutdown request; what it did not start goes back to the queue.
   */
  private async runMainClaim(jobs: ClaimedJob[], now: Date): Promise<number> {
    const byBatchKind = new Map<string, ClaimedJob[]>();
    const single: ClaimedJob[] = [];
    for (const job of jobs) {
      if (this.batchHandlers.has(job.kind)) byBatchKind.set(job.kind, [...(byBatchKind.get(job.kind) ?? []), job]);
      else single.push(job);
    }
    const units: ClaimedJob[][] = [...byBatchKind.values(), ...single.map((job) => [job])];
    const done: string[] = [];
    let ran = 0;
    try {
      for (const [index, unit] of units.entries()) {
        if (this.stopping) {
          await releaseJobs(this.db, units.slice(index).flat(), now);
          break;
        }
        const batch = this.batchHandlers.get(unit[0].kind);
        if (batch && (await this.runBatch(batch, unit, now))) done.push(...unit.map((job) => job.id));
        else for (const job of unit) if (await this.runJob(job, now)) done.push(job.id);
        ran += unit.length;
      }
    } finally {
      await completeJobs(this.db, done, now);
    }
    return ran;
  }

  private async runBatch(batch: BatchHandler, jobs: ClaimedJob[], now: Date): Promise<boolean> {
    try {
      await batch(jobs.map((job) => job.ref_id), now);
      return true;
    } catch (error) {
      this.log.warn({ err: error, kind: jobs[0].kind, jobs: jobs.length }, 'batch failed: running its jobs one by one');
      return false;
    }
  }

  /** Runs one job; true when it ran (the caller marks it done), false when it failed (retried later). */
  private async runJob(job: ClaimedJob, now: Date): Promise<boolean> {
    const handler = this.handlers.get(job.kind);
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(job.ref_id, now);
      return true;
    } catch (error) {
      this.log.error({ err: error, job }, 'job failed');
      await failJob(this.db, job, error, now);
      return false;
    }
  }

  private async runSweeps(now: Date): Promise<number> {
    let ran = 0;
    for (const sweep of this.sweeps) {
      if (this.stopping) break;
      try {
        ran += await sweep.run(now, sweepStep);
      } catch (error) {
        this.log.error({ err: error, sweep: sweep.name }, 'sweep failed');
      }
    }
    return ran;
  }

  /**
   * Sandbox: moves the clock forward to `target`, stopping at each due job on the way so
   * chained deadlines run at their own times, as they would in real time.
   */
  async advanceTo(target: Date): Promise<Date> {
    for (let step = 0; step < advanceStepsMax; step += 1) {
      const due = await this.nextDue(target);
      if (!due) break;
      moveClockTo(this.clock, due);
      await this.runDue();
    }
    moveClockTo(this.clock, target);
    await this.runDue();
    return this.clock.now();
  }

  private async nextDue(until: Date): Promise<Date | undefined> {
    const times = [await nextDueAt(this.db, until)];
    for (const sweep of this.sweeps) times.push(await sweep.next(until));
    return times.filter((t): t is Date => t !== undefined).sort((a, b) => a.getTime() - b.getTime())[0];
  }

  /** Starts one polling loop per lane. */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.started) return;
    this.started = true;
    this.stopping = false;
    for (const lane of lanes) {
      const tick = () => {
        this.runExclusive(lane).catch((error) => this.log.error({ err: error, lane }, 'scheduler tick failed'))
          .finally(() => { if (this.started) this.timers.set(lane, setTimeout(tick, intervalMs)); });
      };
      this.timers.set(lane, setTimeout(tick, intervalMs));
    }
  }

  /**
   * Stops at once whatever the backlog: the job or batch in hand finishes (its transaction commits or
   * rolls back), the rest of the claim is given back, and the queue stays for the next start.
   */
  async stop(): Promise<void> {
    this.started = false;
    this.stopping = true;
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
