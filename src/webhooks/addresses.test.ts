import { describe, expect, it } from 'vitest';
import { isPrivateAddress, resolveTarget } from './addresses';
import { retryDelayMs, signatureHeader } from './webhooks';
import { createHmac } from 'node:crypto';

describe('webhook address classifier', () => {
  it.each([
    '127.0.0.1', '127.255.255.254', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
    '0.0.0.0', '0.1.2.3', '224.0.0.1', '239.255.255.250', '255.255.255.255', '240.0.0.1', '192.0.2.10', '198.18.0.1',
    '::', '::1', 'fe80::1', 'fe80::1%eth0', 'fc00::1', 'fd12:3456:789a::1', 'ff02::1', 'ff05::1:3', '2001:db8::1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:a9fe:a9fe', '0:0:0:0:0:ffff:c0a8:0101', '64:ff9b::10.0.0.1', '::127.0.0.1',
    'not an address', '1.2.3', '::ffff:999.1.1.1', '1:2:3:4:5:6:7:8:9',
  ])('%s is refused', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    '8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '172.15.255.255', '100.128.0.1', '192.169.0.1', '11.0.0.1', '223.255.255.254',
    '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '::ffff:808:808', '64:ff9b::8.8.8.8', '2001:4860:4860::8888',
  ])('%s is public', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('judges every address a name resolves to, and only http(s) without credentials', async () => {
    expect(await resolveTarget(new URL('http://localhost:8080/hook'), false)).toEqual({ problem: 'private' });
    expect(await resolveTarget(new URL('http://[::1]/hook'), false)).toEqual({ problem: 'private' });
    expect(await resolveTarget(new URL('http://[::ffff:127.0.0.1]/hook'), false)).toEqual({ problem: 'private' });
    expect(await resolveTarget(new URL('http://127.0.0.1/hook'), true)).toEqual({ address: '127.0.0.1', family: 4 });
    expect(await resolveTarget(new URL('ftp://8.8.8.8/hook'), false)).toEqual({ problem: 'scheme' });
    expect(await resolveTarget(new URL('http://u:p@8.8.8.8/hook'), false)).toEqual({ problem: 'credentials' });
    expect(await resolveTarget(new URL('http://8.8.8.8/hook'), false)).toEqual({ address: '8.8.8.8', family: 4 });
  });
});

describe('webhook signature and backoff', () => {
  it('signs t + "." + body with HMAC-SHA256 in hex', () => {
    const header = signatureHeader('whsec_test', '{"a":1}', new Date('2026-01-01T00:00:00.900Z'));
    const t = 1767225600;
    expect(header).toBe(`t=${t},v1=${createHmac('sha256', 'whsec_test').update(`${t}.{"a":1}`).digest('hex')}`);
  });

  it('backs off exponentially with jitter, capped at an hour', () => {
    expect(retryDelayMs(1, () => 0)).toBe(15_000);
    expect(retryDelayMs(1, () => 1)).toBe(30_000);
    expect(retryDelayMs(4, () => 1)).toBe(240_000);
    expect(retryDelayMs(30, () => 1)).toBe(3_600_000);
    expect(retryDelayMs(30, () => 0)).toBe(1_800_000);
  });
});
