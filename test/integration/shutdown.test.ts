import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/databases';

/**
 * `npm run start:prod` (the built server on plain node, as in production) stops on SIGTERM and
 * SIGINT within 5 s: npm's shell execs node, so the signal reaches the server, which closes the
 * HTTP server, the scheduler and the database, then exits 0 with its port free and the PGlite
 * folder unlocked. (`npm start` is checked the same way by scripts/shutdown-test.sh in CI: its web
 * build would race the tests that read web/dist.)
 */
const repo = path.resolve(import.meta.dirname, '../..');
const root = mkdtempSync(path.join(os.tmpdir(), 'kameng-shutdown-'));
let databaseUrl = '';
let closeDatabase = async () => undefined as void;

beforeAll(async () => {
  execFileSync('npm', ['run', 'build:server', '--silent'], { cwd: repo, stdio: 'pipe' });
  if (process.env.DATABASE_URL) {
    const database = await freshDatabase(1);
    databaseUrl = database.url!;
    closeDatabase = () => database.close();
  }
}, 120_000);
afterAll(async () => {
  await closeDatabase();
  rmSync(root, { recursive: true, force: true });
});

interface Running { child: ChildProcess; port: number; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }

async function startProd(name: string): Promise<Running> {
  const dataDir = path.join(root, name);
  const child = spawn('npm', ['run', 'start:prod'], {
    cwd: repo, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', KAMENG_DATA_DIR: dataDir, DATABASE_URL: databaseUrl, KAMENG_SANDBOX: '1', LOG_LEVEL: 'info' },
  });
  let output = '';
  child.stdout!.on('data', (chunk) => { output += chunk; });
  child.stderr!.on('data', (chunk) => { output += chunk; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise<number>((resolve, reject) => {
    const check = () => {
      const match = /running at http:\/\/localhost:(\d+)/.exec(output);
      if (match) return resolve(Number(match[1]));
      setTimeout(check, 100);
    };
    void exited.then(({ code }) => reject(new Error(`start:prod exited (${code}) before listening:\n${output}`)));
    check();
  });
  return { child, port, output: () => output, exited };
}

const portIsFree = (port: number) => new Promise<boolean>((resolve) => {
  const probe = net.createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
});

describe.each(['SIGTERM', 'SIGINT'] as const)('npm run start:prod and %s', (signal) => {
  it('serves the API and the web app, then stops within 5 s with its port free and its database closed', async () => {
    const server = await startProd(signal);
    const base = `http://127.0.0.1:${server.port}`;
    expect(await (await fetch(`${base}/api/health`)).json()).toMatchObject({ ok: true, engine: databaseUrl ? 'postgres' : 'pglite' });
    expect((await fetch(`${base}/api/ready`)).status).toBe(200);
    if (existsSync(path.join(repo, 'web/dist/index.html'))) expect(await (await fetch(`${base}/`)).text()).toContain('<div id="root">');

    const sentAt = performance.now();
    server.child.kill(signal);
    const { code } = await server.exited;
    const seconds = (performance.now() - sentAt) / 1000;
    expect(code, server.output()).toBe(0);
    expect(seconds).toBeLessThan(5);
    expect(server.output()).toContain(`${signal}: shutting down`);
    expect(server.output()).toContain('shut down cleanly');
    expect(await portIsFree(server.port)).toBe(true);
    if (!databaseUrl) expect(existsSync(path.join(root, signal, 'pglite.lock'))).toBe(false);
  }, 180_000);
});
