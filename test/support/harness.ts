import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import pino from 'pino';
import { createKameng, type Kameng } from '../../src/app';
import type { Config } from '../../src/config';
import { checkLedger } from '../../src/ledger/check';
import { freshDatabase } from './databases';
import { Api } from './api';
import { responseCheck } from './response-check';

export interface TestApp {
  kameng: Kameng;
  api: Api;
  /** The test file's PostgreSQL database (undefined on PGlite). */
  databaseUrl?: string;
  /** With `captureErrors`: every error the server logged (unhandled request errors, failed jobs), oldest first. */
  loggedErrors: LoggedError[];
  /** Answers that did not match the response schema their route declares (test/support/response-check.ts). */
  schemaViolations: string[];
}

export interface LoggedError {
  msg: string;
  /** The error's code: a PostgreSQL SQLSTATE such as 40P01 (deadlock) or 40001 (serialization failure), when it has one. */
  code?: string;
  message?: string;
  /** PostgreSQL's context: which row or constraint check was waiting (e.g. a foreign key's FOR KEY SHARE). */
  where?: string;
  job?: string;
}

/** Logged errors grouped: `40P01 deadlock detected [while locking tuple (0,9) in relation "ledger_accounts"] ×3`. */
export function summarizeLoggedErrors(errors: LoggedError[]): string[] {
  const counts = new Map<string, number>();
  for (const e of errors) {
    const where = e.where?.replace(/\(\d+,\d+\)/g, '(…)').slice(0, 160);
    const key = `${e.code ?? '-'} ${e.message ?? e.msg}${where ? ` [${where}]` : ''}${e.job ? ` (job ${e.job})` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => `${key} ×${n}`);
}

/** A logger that keeps what the server logs at error level, so a test can say what caused a 500. */
function errorCapturingLogger(into: LoggedError[]) {
  return pino({ level: 'error' }, {
    write(line: string) {
      const entry = JSON.parse(line) as { msg: string; err?: { code?: string; message?: string; where?: string }; job?: { kind?: string } };
      into.push({ msg: entry.msg, code: entry.err?.code, message: entry.err?.message, where: entry.err?.where?.replace(/\s+/g, ' '), job: entry.job?.kind });
    },
  });
}

/**
 * One Kameng per test file on a fresh database (PGlite, or PostgreSQL when DATABASE_URL is set),
 * with the sandbox on, the supplier simulator answering only when told, and no background
 * scheduler: tests move the clock. After every test the ledger check must pass.
 */
export function useTestApp(options: { checkLedgerAfterEach?: boolean; captureErrors?: boolean; config?: () => Partial<Config> } = {}): TestApp {
  const holder = { loggedErrors: [], schemaViolations: [] } as unknown as TestApp;
  beforeAll(async () => {
    process.env.KAMENG_TEST_RUN = inject('testRun');
    const database = await freshDatabase();
    holder.kameng = await createKameng({
      database,
      logger: options.captureErrors ? errorCapturingLogger(holder.loggedErrors) : pino({ level: process.env.KAMENG_TEST_LOG ?? 'silent' }),
      routes: [responseCheck(holder.schemaViolations)],
      // Trust figures read fresh unless a test asks for the catalogue's cache: tests look right after a change.
      config: { sandbox: true, secret: 'test-secret-not-for-production', topupSimulator: 'manual', schedulerIntervalMs: 0, dataDir: '/tmp/kameng-test', logLevel: 'silent', trustProxy: true, trustCacheTtlMs: 0, ...options.config?.() },
    });
    holder.api = new Api(holder.kameng.server);
    holder.databaseUrl = database.url;
    holder.kameng.database = database;
  });
  afterEach(async () => {
    // Every answer matched the response schema its route publishes in /api/openapi.json.
    const violations = holder.schemaViolations.splice(0);
    expect(violations, 'answers that differ from their OpenAPI response schema').toEqual([]);
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

/**
 * One Kameng per test file in production mode (sandbox off, a real secret, no scheduler) on a fresh
 * database; `config` adds what the file is about (a payment channel, a public URL …).
 */
export function useProductionApp(config: Partial<Config> = {}): { kameng: Kameng; api: Api } {
  const holder = {} as { kameng: Kameng; api: Api };
  beforeAll(async () => {
    process.env.KAMENG_TEST_RUN = inject('testRun');
    const database = await freshDatabase();
    holder.kameng = await createKameng({
      database,
      config: { sandbox: false, secret: 'production-secret-for-test', schedulerIntervalMs: 0, topupSimulator: 'manual', dataDir: '/tmp/kameng-prod-test', logLevel: 'silent', trustCacheTtlMs: 0, ...config },
      logger: pino({ level: 'silent' }),
    });
    holder.kameng.database = database;
    holder.api = new Api(holder.kameng.server);
  });
  afterAll(async () => {
    if (!holder.kameng) return;
    await holder.kameng.close();
    await holder.kameng.database.close();
  });
  return holder;
}
