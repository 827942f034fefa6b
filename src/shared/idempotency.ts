import { createHash } from 'node:crypto';
import type { Tx } from '../db/connect';
import { CompiledQuery, type Compilable } from 'kysely';
import { later, renumberParameters } from '../db/write-behind';
import { canonicalJson } from './canonical-json';
import { AppError, invalid } from './errors';

export const idempotencyKeyLengthMax = 200;

/** `alongside`: the row of the read that rode in the claim's statement (claimIdempotencyKey), when not a replay. */
export type Claim<T, Row = undefined> = { replay: true; response: T } | { replay: false; finish: (response: T) => Promise<void>; alongside: Row | undefined };

/**
 * How a claimed key answers again: `reference` keeps what cannot be read back (the created object's
 * id, a figure of that moment) — a few bytes instead of the whole body — and `render` rebuilds the
 * answer from it, inside the replaying request's transaction, as the object stands now.
 */
export interface Replay<T, R> {
  reference: (response: T) => R;
  render: (ref: R) => Promise<T>;
}

/**
 * Claims an Idempotency-Key inside the caller's transaction. A concurrent request with the same key
 * waits on the unique index until the first commits, then replays its answer, re-rendered from the
 * stored reference; the same key with a different body is a 409. Keys older than the rule
 * `housekeeping.idempotency-days` are purged (housekeeping.ts).
 *
 * `alongside`: a read the caller would send next whatever the claim's outcome (it must not depend on
 * it, nor do anything a replay must not: a replay ignores its row). It rides in the claim's statement
 * (`with _claim as (insert …) select …`: one round trip instead of two), its first row returned as
 * `alongside` of a fresh claim (undefined when it has none).
 */
export async function claimIdempotencyKey<T, R, Row = undefined>(
  tx: Tx, scope: string, key: string, request: unknown, now: Date, replay: Replay<T, R>, alongside?: Compilable<Row>,
): Promise<Claim<T, Row>> {
  if (key.length === 0 || key.length > idempotencyKeyLengthMax) {
    throw invalid(`Idempotency-Key must be 1–${idempotencyKeyLengthMax} characters`, `Idempotency-Key 须为 1–${idempotencyKeyLengthMax} 个字符。`);
  }
  const requestHash = createHash('sha256').update(canonicalJson(request)).digest('hex');
  const insert = tx.insertInto('idempotency_keys')
    .values({ scope, key, request_hash: requestHash, status_code: null, response: null, ref: null, created_at: now })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing()).returning('key');
  let claimed: boolean;
  let row: Row | undefined;
  if (alongside) {
    const first = insert.compile();
    const read = alongside.compile();
    // A left join from one row: the answer has a row (and says whether the key was claimed) even when the read has none.
    const { rows } = await tx.executeQuery<{ _claimed: boolean; _found: boolean | null } & Row>(CompiledQuery.raw(
      `with _claim as (${first.sql}) select exists (select 1 from _claim) as _claimed, _main.* from (select 1) as _one `
      + `left join (select true as _found, _m.* from (${renumberParameters(read.sql, first.parameters.length)}) as _m) as _main on true`,
      [...first.parameters, ...read.parameters],
    ));
    const { _claimed, _found, ...rest } = rows[0];
    claimed = _claimed;
    row = _found ? rest as unknown as Row : undefined;
  } else {
    claimed = (await insert.executeTakeFirst()) !== undefined;
  }
  if (!claimed) {
    const stored = await tx.selectFrom('idempotency_keys').select(['request_hash', 'status_code', 'response', 'ref'])
      .where('scope', '=', scope).where('key', '=', key).executeTakeFirstOrThrow();
    if (stored.request_hash !== requestHash) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', 409, 'this Idempotency-Key was used with a different request');
    }
    if (stored.status_code === null) throw new AppError('IDEMPOTENCY_KEY_IN_FLIGHT', 409, 'a request with this Idempotency-Key is still running');
    // A key stored before references (a whole body) replays that body until it is purged.
    if (stored.ref === null) return { replay: true, response: stored.response as T };
    return { replay: true, response: await replay.render(stored.ref as R) };
  }
  return {
    replay: false,
    alongside: row,
    finish: async (response) => {
      // The key's row was inserted by an earlier statement; nothing reads it again in this transaction.
      await later(tx, tx.updateTable('idempotency_keys').set({ status_code: 201, ref: JSON.stringify(replay.reference(response)) })
        .where('scope', '=', scope).where('key', '=', key));
    },
  };
}
