import type { Transaction } from 'kysely';
import type { Db } from '../db/connect';
import type { DB } from '../db/schema';
import { defaultRuleValues, ruleValuesFrom, type RuleId, type RuleValues } from './defaults';

export interface RuleSet {
  version: number;
  values: RuleValues;
}

const cacheMs = 2_000;

/** Reads the rule set in force (the newest version), cached briefly; publishing clears the cache. */
export class RuleBook {
  private cached: { at: number; set: RuleSet } | undefined;
  /** `base`: values read under the stored ones (the sandbox's `sandboxRuleValues`), for rules a stored set does not name. */
  constructor(private readonly db: Db, readonly base: Partial<Record<RuleId, number | boolean>> = {}) {}

  /** Inside a transaction pass it as `executor`: on PGlite the pool has one connection, which the transaction holds. */
  async current(executor: Db | Transaction<DB> = this.db): Promise<RuleSet> {
    if (this.cached && Date.now() - this.cached.at < cacheMs) return this.cached.set;
    const row = await executor.selectFrom('rule_sets').select(['version', 'rules']).orderBy('version', 'desc').limit(1).executeTakeFirst();
    const set: RuleSet = row
      ? { version: row.version, values: ruleValuesFrom(this.base, row.rules as Record<string, unknown>) }
      : { version: 0, values: ruleValuesFrom(this.base) };
    this.cached = { at: Date.now(), set };
    return set;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}

/** Seeds version 1 with the defaults (over them `base`: the sandbox's own values) when no rule set exists yet. */
export async function ensureRuleSet(db: Db, now: Date, base: Partial<Record<RuleId, number | boolean>> = {}): Promise<void> {
  await db.insertInto('rule_sets')
    .values({ version: 1, rules: JSON.stringify({ ...defaultRuleValues(), ...base }), note: 'defaults of DESIGN.md', published_by: null, published_at: now })
    .onConflict((oc) => oc.column('version').doNothing())
    .execute();
}

export const ruleNumber = (set: RuleSet, id: RuleId): number => Number(set.values[id]);
