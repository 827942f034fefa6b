import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Database } from '../../src/db/connect';
import { withTransaction } from '../../src/db/transaction';
import { scheduleJob } from '../../src/scheduler/jobs';
import { Scheduler } from '../../src/scheduler/scheduler';
import { Clock } from '../../src/shared/clock';
import { freshDatabase } from '../support/databases';

describe('scheduler lanes', () => {
  let database: Database;
  beforeAll(async () => {
    process.env.KAMENG_TEST_RUN = inject('testRun');
    database = await freshDatabase(4);
  });
  afterAll(async () => { await database?.close(); });

  it('a job waiting on another system does not hold up deadlines in the main lane', async () => {
    const clock = new Clock(false);
    const scheduler = new Scheduler(database.db, clock, pino({ level: 'silent' }));
    let releaseSlow!: () => void;
    const slowGate = new Promise<void>((resolve) => { releaseSlow = resolve; });
    const events: string[] = [];
    scheduler.register('test_slow_call', async (ref) => { events.push(`slow started ${ref}`); await slowGate; events.push(`slow done ${ref}`); }, { lane: 'outbound' });
    scheduler.register('test_deadline', async (ref) => { events.push(`deadline ${ref}`); });
    const now = clock.now();
    await withTransaction(database.db, async (tx) => {
      // The slow call is due first, so a single loop would claim it first and wait on it.
      await scheduleJob(tx, 'test_slow_call', 'a', new Date(now.getTime() - 2_000), now);
      await scheduleJob(tx, 'test_slow_call', 'b', new Date(now.getTime() - 1_500), now);
      await scheduleJob(tx, 'test_deadline', 'x', new Date(now.getTime() - 1_000), now);
    });
    scheduler.start(10);
    try {
      // Whichever lane gets to the database first: the deadline runs, and both slow calls are started
      // together (the lane runs its batch concurrently) while neither has finished.
      await expect.poll(() => events.includes('deadline x') && events.filter((event) => event.startsWith('slow started')).length === 2, { timeout: 10_000 }).toBe(true);
      expect(events.filter((event) => event.startsWith('slow started')).sort()).toEqual(['slow started a', 'slow started b']);
      expect(events.some((event) => event.startsWith('slow done'))).toBe(false);
    } finally {
      releaseSlow();
      await scheduler.stop();
    }
    const jobs = await database.db.selectFrom('jobs').select(['kind', 'ref_id', 'status']).where('kind', 'like', 'test_%').orderBy('ref_id').execute();
    expect(jobs).toEqual([
      { kind: 'test_slow_call', ref_id: 'a', status: 'done' },
      { kind: 'test_slow_call', ref_id: 'b', status: 'done' },
      { kind: 'test_deadline', ref_id: 'x', status: 'done' },
    ]);
  });
});
