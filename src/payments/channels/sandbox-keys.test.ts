import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** A fresh copy of the simulator module: its keys are per process, as after a restart. */
const freshSimulator = async () => {
  vi.resetModules();
  return import('./simulator');
};
const pem = (key: { export(options: { type: 'pkcs8'; format: 'pem' }): string | Buffer }) => key.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('sandbox keys in the data folder', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kameng-keys-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => { for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true }); });

  it('are generated and written (owner-only) on a first start, and read back on the next', async () => {
    const dir = tempDir();
    const first = await freshSimulator();
    await first.loadSandboxKeys(dir);
    const file = path.join(dir, first.sandboxKeysFileName);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const firstKey = pem(first.sandboxRailConfigs().alipay.privateKey);
    expect(JSON.parse(readFileSync(file, 'utf8')).alipayApp).toBe(firstKey);

    const restarted = await freshSimulator();
    await restarted.loadSandboxKeys(dir);
    expect(pem(restarted.sandboxRailConfigs().alipay.privateKey)).toBe(firstKey);
  });

  it('replaces a damaged file', async () => {
    const dir = tempDir();
    const simulator = await freshSimulator();
    const file = path.join(dir, simulator.sandboxKeysFileName);
    writeFileSync(file, '{"alipayApp":"not a key"}');
    await simulator.loadSandboxKeys(dir);
    expect(JSON.parse(readFileSync(file, 'utf8')).unionpayMerchant).toBe(pem(simulator.sandboxRailConfigs().unionpay.privateKey));
  });
});
