import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownVariables, loadConfig, secretLengthMin, sessionCacheTtlMsDefault, shutdownTimeoutMsDefault, StartupError, trustCacheTtlMsDefault, unknownVariables } from './config';

const dataDir = path.join(os.tmpdir(), 'kameng-config-unit-test');
const productionSecret = 'p'.repeat(secretLengthMin);
const load = (env: Record<string, string>) => loadConfig({ KAMENG_DATA_DIR: dataDir, ...env });

/** The error a bad environment gives: a StartupError whose message is one line. */
function startupError(env: Record<string, string>): StartupError {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).not.toContain('\n');
    return error as StartupError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('loadConfig', () => {
  it('defaults to the sandbox with a generated secret', () => {
    const config = load({});
    expect(config).toMatchObject({ sandbox: true, port: 3000, trustProxy: false, schedulerIntervalMs: 1000, topupSimulator: 'auto', logLevel: 'info' });
    expect(config.secret.length).toBeGreaterThanOrEqual(secretLengthMin);
  });

  it.each([
    ['1', true], ['true', true], ['TRUE', true], ['yes', true], ['on', true], [' On ', true],
    ['0', false], ['false', false], ['False', false], ['no', false], ['off', false], ['', true],
  ])('KAMENG_SANDBOX=%j means sandbox %s', (value, sandbox) => {
    expect(load({ KAMENG_SANDBOX: value, KAMENG_SECRET: productionSecret }).sandbox).toBe(sandbox);
  });

  it.each(['2', 'enabled', 'nein', 'f', '-1'])('refuses KAMENG_SANDBOX=%s', (value) => {
    expect(startupError({ KAMENG_SANDBOX: value }).message).toMatch(/^KAMENG_SANDBOX must be one of 1\/true\/yes\/on or 0\/false\/no\/off, got "/);
  });

  it.each([['yes', true], ['off', false]])('KAMENG_TRUST_PROXY=%s means %s', (value, trust) => {
    expect(load({ KAMENG_TRUST_PROXY: value }).trustProxy).toBe(trust);
  });

  it('refuses KAMENG_TRUST_PROXY=maybe', () => {
    expect(startupError({ KAMENG_TRUST_PROXY: 'maybe' }).message).toMatch(/^KAMENG_TRUST_PROXY must be/);
  });

  it('refuses production without KAMENG_SECRET', () => {
    expect(startupError({ KAMENG_SANDBOX: 'off' }).message).toMatch(/^KAMENG_SECRET is required/);
  });

  it.each(['x', 's3cret', 'p'.repeat(secretLengthMin - 1)])('refuses a production KAMENG_SECRET of %j (too short)', (secret) => {
    expect(startupError({ KAMENG_SANDBOX: 'false', KAMENG_SECRET: secret }).message).toMatch(new RegExp(`^KAMENG_SECRET must be at least ${secretLengthMin} characters`));
  });

  it(`accepts a production KAMENG_SECRET of ${secretLengthMin} characters`, () => {
    expect(load({ KAMENG_SANDBOX: 'no', KAMENG_SECRET: productionSecret })).toMatchObject({ sandbox: false, secret: productionSecret });
  });

  it('accepts a short KAMENG_SECRET in the sandbox', () => {
    expect(load({ KAMENG_SECRET: 'x' }).secret).toBe('x');
  });

  it.each([['0', 0], ['8080', 8080], ['65535', 65535]])('PORT=%s', (value, port) => {
    expect(load({ PORT: value }).port).toBe(port);
  });

  it.each(['http', '-1', '70000', '80.5', '1e3', '0x50'])('refuses PORT=%s', (value) => {
    expect(startupError({ PORT: value }).message).toBe(`PORT must be a whole number from 0 to 65535, got "${value}"`);
  });

  it.each([['0', 0], ['250', 250]])('KAMENG_SCHEDULER_INTERVAL_MS=%s', (value, ms) => {
    expect(load({ KAMENG_SCHEDULER_INTERVAL_MS: value }).schedulerIntervalMs).toBe(ms);
  });

  it.each(['soon', '-5', '1.5', '99999999999'])('refuses KAMENG_SCHEDULER_INTERVAL_MS=%s', (value) => {
    expect(startupError({ KAMENG_SCHEDULER_INTERVAL_MS: value }).message).toMatch(/^KAMENG_SCHEDULER_INTERVAL_MS must be a whole number from 0 to/);
  });

  it.each([
    [{ KAMENG_TOPUP_SIMULATOR: 'manuel' }, /^KAMENG_TOPUP_SIMULATOR must be one of auto, manual/],
    [{ LOG_LEVEL: 'verbose' }, /^LOG_LEVEL must be one of fatal, error/],
    [{ DATABASE_URL: 'mysql://localhost/kameng' }, /^DATABASE_URL must be a postgres:\/\/… or postgresql:\/\/… URL$/],
    [{ DATABASE_URL: 'not a url' }, /^DATABASE_URL must be/],
    [{ SMTP_URL: 'http://mail.example.com' }, /^SMTP_URL must be a smtp:\/\/… or smtps:\/\/… URL$/],
  ])('refuses %j', (env, message) => {
    expect(startupError(env).message).toMatch(message);
  });

  it('takes well-formed URLs and treats empty variables as unset', () => {
    const config = load({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/kameng', SMTP_URL: 'smtp://127.0.0.1:2525', PORT: '', LOG_LEVEL: '' });
    expect(config).toMatchObject({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/kameng', smtpUrl: 'smtp://127.0.0.1:2525', port: 3000, logLevel: 'info' });
    expect(load({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  it('defaults the shutdown timeout below the usual 5 s grace of a process manager, and no metrics token', () => {
    expect(load({})).toMatchObject({ shutdownTimeoutMs: shutdownTimeoutMsDefault, metricsToken: undefined });
    expect(shutdownTimeoutMsDefault).toBeLessThan(5000);
    expect(load({ KAMENG_SHUTDOWN_TIMEOUT_MS: '10000', KAMENG_METRICS_TOKEN: 'm'.repeat(16) })).toMatchObject({ shutdownTimeoutMs: 10000, metricsToken: 'm'.repeat(16) });
  });

  it('caches sessions for 5 s by default; 0 turns the cache off', () => {
    expect(load({}).sessionCacheTtlMs).toBe(sessionCacheTtlMsDefault);
    expect(load({ KAMENG_SESSION_CACHE_TTL_MS: '0' }).sessionCacheTtlMs).toBe(0);
    expect(load({ KAMENG_SESSION_CACHE_TTL_MS: '2000' }).sessionCacheTtlMs).toBe(2000);
  });

  it('serves the catalogue trust figures from memory for 5 s by default; 0 reads them every time', () => {
    expect(load({}).trustCacheTtlMs).toBe(trustCacheTtlMsDefault);
    expect(load({ KAMENG_TRUST_CACHE_TTL_MS: '0' }).trustCacheTtlMs).toBe(0);
  });

  it.each([
    [{ KAMENG_SESSION_CACHE_TTL_MS: '60001' }, /^KAMENG_SESSION_CACHE_TTL_MS must be a whole number from 0 to 60000, got "60001"$/],
    [{ KAMENG_TRUST_CACHE_TTL_MS: '-1' }, /^KAMENG_TRUST_CACHE_TTL_MS must be a whole number from 0 to 60000, got "-1"$/],
    [{ KAMENG_SHUTDOWN_TIMEOUT_MS: '0' }, /^KAMENG_SHUTDOWN_TIMEOUT_MS must be a whole number from 100 to 120000, got "0"$/],
    [{ KAMENG_SHUTDOWN_TIMEOUT_MS: '5s' }, /^KAMENG_SHUTDOWN_TIMEOUT_MS must be a whole number/],
    [{ KAMENG_METRICS_TOKEN: 'short' }, /^KAMENG_METRICS_TOKEN must be at least 16 characters/],
    [{ KAMENG_PUBLIC_URL: 'kameng.example' }, /^KAMENG_PUBLIC_URL must be a http:\/\/… or https:\/\/… URL$/],
    [{ KAMENG_S3_BUCKET: 'evidence', KAMENG_S3_ACCESS_KEY_ID: 'id' }, /^set both KAMENG_S3_ACCESS_KEY_ID and KAMENG_S3_SECRET_ACCESS_KEY, or neither$/],
    [{ KAMENG_S3_BUCKET: 'evidence', KAMENG_S3_ENDPOINT: 'minio:9000' }, /^KAMENG_S3_ENDPOINT must be a http:\/\/… or https:\/\/… URL$/],
    [{ KAMENG_S3_BUCKET: 'evidence', KAMENG_S3_FORCE_PATH_STYLE: 'sometimes' }, /^KAMENG_S3_FORCE_PATH_STYLE must be one of/],
  ])('refuses %j with one line', (env, message) => {
    expect(startupError(env).message).toMatch(message);
  });

  it('names the KAMENG_* variables nothing reads (typos), not the known ones or the test tools\' ones', () => {
    const env = { KAMENG_SANDBOX: '1', KAMENG_SECRETT: 'x', KAMENG_SCHEDULER_INTERVAL: '5', KAMENG_TEST_RUN: 'abc', KAMENG_FUZZ_RUNS: '5', PORT: '1', HOME: '/root' };
    expect(unknownVariables(env)).toEqual(['KAMENG_SCHEDULER_INTERVAL', 'KAMENG_SECRETT']);
    expect(unknownVariables(Object.fromEntries(knownVariables.map((name) => [name, 'x'])))).toEqual([]);
  });

  it('knows every KAMENG_* variable the source reads (add a new one to knownVariables)', () => {
    const files = readdirSync(import.meta.dirname, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const read = new Set(files.flatMap((f) => readFileSync(path.join(import.meta.dirname, f), 'utf8').match(/KAMENG_[A-Z0-9_]*[A-Z0-9]\b/g) ?? []));
    expect(read.size).toBeGreaterThan(5);
    expect(unknownVariables(Object.fromEntries([...read].map((name) => [name, 'x'])))).toEqual([]);
  });
});
