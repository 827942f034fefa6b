import { createHash } from 'node:crypto';
import type { Tx } from '../db/connect';
import { canonicalJson } from './canonical-json';
import { AppError, invalid } from './errors';

export const idempotencyKeyLengthMax = 200;

export type Claim<T> = { replay: true; response: T } | { replay: false; finish: (response: T) => Promise<void> };

/**
 * Claims an Idempotency-Key inside the caller's transaction. A concurrent request with the same key
 * waits on the unique index until the first commits, then replays its stored response; the same
 * key with a different body is a 409.
 */
export async function claimIdempotencyKey<T>(tx: Tx, scope: string, key: string, request: unknown, now: Date): Promise<Claim<T>> {
  if (key.length === 0 || key.length > idempotencyKeyLengthMax) {
    throw invalid(`Idempotency-Key must be 1–${idempotencyKeyLengthMax} characters`, `Idempotency-Key 须为 1–${idempotencyKeyLengthMax} 个字符。`);
  }
  const requestHash = createHash('sha256').update(canonicalJson(request)).digest('hex');
  const claimed = await tx.insertInto('idempotency_keys')
    .values({ scope, key, request_hash: requestHash, status_code: null, response: null, created_at: now })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing()).returning('key').executeTakeFirst();
  if (!claimed) {
    const stored = await tx.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirstOrThrow();
    if (stored.request_hash !== requestHash) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', 409, 'this Idempotency-Key was used with a different request');
    }
    if (stored.response === null) throw new AppError('IDEMPOTENCY_KEY_IN_FLIGHT', 409, 'a request with this Idempotency-Key is still running');
    return { replay: true, response: stored.response as T };
  }
  return {
    replay: false,
    finish: async (response) => {
      await tx.updateTable('idempotency_keys').set({ status_code: 201, response: JSON.stringify(response) })
        .where('scope', '=', scope).where('key', '=', key).execute();
    },
  };
}
