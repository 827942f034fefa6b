import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localizedErrorMessage, zhErrorMessages } from './error-messages';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every error code the server can raise, read from the source the way a reviewer would grep it. */
function raisedCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const file of sourceFiles(join(import.meta.dirname, '..'))) {
    const text = readFileSync(file, 'utf8');
    const add = (code: string) => codes.has(code) || codes.set(code, file);
    for (const m of text.matchAll(/(?:new AppError|conflict|badRequest|refused)\(\s*'([A-Z][A-Z0-9_]+)'/g)) add(m[1]!);
    for (const m of text.matchAll(/notFound\(\s*'([a-z_]+)'(?:\s*,\s*'([A-Z0-9_]+)')?/g)) add(m[2] ?? `${m[1]!.toUpperCase()}_NOT_FOUND`);
    for (const m of text.matchAll(/\bcode: '([A-Z][A-Z0-9_]+)'/g)) add(m[1]!);
  }
  return codes;
}

describe('error messages in Chinese', () => {
  const codes = raisedCodes();

  it('finds the codes (the scan itself works)', () => {
    expect(codes.size).toBeGreaterThan(60);
    expect(codes.has('ORDER_NOT_FOUND')).toBe(true);
    expect(codes.has('REFUND_WINDOW_CLOSED')).toBe(true);
  });

  /** Payment providers' own answer codes (WeChat Pay, the simulators speak them): never shown to a reader. */
  const providerWireCodes = ['SUCCESS', 'FAIL', 'SIGN_ERROR', 'ORDER_NOT_EXIST', 'NOT_ENOUGH', 'RESOURCE_NOT_EXISTS', 'PARAM_ERROR', 'INVALID_REQUEST'];

  it('has a Chinese wording for every code raised in src/', () => {
    const missing = [...codes].filter(([code]) => !(code in zhErrorMessages) && !providerWireCodes.includes(code)).map(([code, file]) => `${code} (${file})`);
    expect(missing).toEqual([]);
  });

  it('fills details, formats fen as yuan, and keeps English as raised', () => {
    expect(localizedErrorMessage('zh', 'INSUFFICIENT_BALANCE', 'wallet balance 500 fen is less', { balance: 500 })).toContain('¥5.00');
    expect(localizedErrorMessage('zh', 'REFUND_WINDOW_CLOSED', 'x', { windowMinutes: 1440 })).toBe('已超过发货后 1440 分钟的售后期。');
    expect(localizedErrorMessage('en', 'REFUND_WINDOW_CLOSED', 'the window has passed', { windowMinutes: 1440 })).toBe('the window has passed');
    expect(localizedErrorMessage('zh', 'NO_SUCH_CODE', 'raw message')).toBe('raw message');
  });

  it('leaves no empty brackets when a detail is missing', () => {
    expect(localizedErrorMessage('zh', 'REFUND_EXCEEDS_PAID', 'x', {})).not.toMatch(/（\s*）/);
  });
});
