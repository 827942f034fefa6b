import { describe, expect, it } from 'vitest';
import { hashPassword, PasswordVerifier, passwordVerificationsConcurrentMax, passwordVerificationsWaitingMax } from './passwords';

describe('PasswordVerifier', () => {
  it('checks a stored hash, and checks a missing one against the dummy hash (always false)', async () => {
    const verifier = await PasswordVerifier.create();
    const stored = await hashPassword('correct horse');
    expect(await verifier.verify(stored, 'correct horse')).toBe(true);
    expect(await verifier.verify(stored, 'wrong horse')).toBe(false);
    expect(await verifier.verify(null, 'correct horse')).toBe(false);
    expect({ all: verifier.verifications, dummy: verifier.dummyVerifications }).toEqual({ all: 3, dummy: 1 });
  });

  it('answers busy at once, without verifying, when the slots and the line are full', async () => {
    // A wait long enough that nobody in line times out even on a loaded machine: only the line's length decides.
    const verifier = await PasswordVerifier.create(120_000);
    const stored = await hashPassword('correct horse');
    const capacity = passwordVerificationsConcurrentMax + passwordVerificationsWaitingMax;
    const results = await Promise.all(Array.from({ length: capacity + 10 }, () => verifier.verify(stored, 'wrong horse')));
    expect(results.filter((r) => r === 'busy')).toHaveLength(10);
    expect(verifier.verifications).toBe(capacity);
  });
});
