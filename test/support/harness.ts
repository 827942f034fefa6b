import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import pino from 'pino';
import { createKameng, type Kameng } from '../../src/app';
import type { Config } from '../../src/config';
import { checkLedger } from '../../src/ledger/check';
import { freshDatabase } from './databases';
import { Api } from './api';

export interface TestApp {
  kameng: Kameng;
  api: Api;
  /** The test file's PostgreSQL database (undefined on PGlite). */
  databaseUrl?: string;
}

/**
 * One Kameng per test file on a fresh database (PGlite, or PostgreSQL when DATABASE_URL is set),
 * with the sandbox on, the supplier simulator answering only when told, and no background
 * scheduler: tests move the clock. After every test the ledger check must pass.
 */
export function useTestApp(options: { checkLedgerAfterEach?: boolean; config?: () => Partial<Config> } = {}): TestApp {
  const holder = {} as TestApp;
  beforeAll(async () => {
    process.env.KAMENG_TEST_RUN = inject('testRun');
    const database = await freshDatabase();
    holder.kameng = await createKameng({
      database,
      logger: pino({ level: process.env.KAMENG_TEST_LOG ?? 'silent' }),
      config: { sandbox: true, secret: 'test-secret-not-for-production', topupSimulator: 'manual', schedulerIntervalMs: 0, dataDir: '/tmp/kameng-test', logLevel: 'silent', trustProxy: true, ...options.config?.() },
    });
    holder.api = new Api(holder.kameng.server);
    holder.databaseUrl = database.url;
    holder.kameng.database = database;
  });
  afterEach(async () => {
    if (options.checkLedgerAfterEach === false || !holder.kameng) return;
    const report = await checkLedger(holder.kameng.ctx.db);
    expect(report.violations).toEqual([]);
  });
  afterAll(async () => {
    if (!holder.kameng) return;
    await holder.kameng.close();
    await holder.kameng.database.close();
  });
  return holder;
}
