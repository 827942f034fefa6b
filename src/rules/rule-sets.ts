import type { Db } from '../db/connect';
import { defaultRuleValues, type RuleId, type RuleValues } from './defaults';

export interface RuleSet {
  version: number;
  values: RuleValues;
}

const cacheMs = 2_000;

/** Reads the rule set in force (the newest version), cached briefly; publishing clears the cache. */
export class RuleBook {
  private cached: { at: number; set: RuleSet } | undefined;
  constructor(private readonly db: Db) {}

  async current(): Promise<RuleSet> {
    if (this.cached && Date.now() - this.cached.at < cacheMs) return this.cached.set;
    const row = await this.db.selectFrom('rule_sets').select(['version', 'rules']).orderBy('version', 'desc').limit(1).executeTakeFirst();
    const set: RuleSet = row
      ? { version: row.version, values: { ...defaultRuleValues(), ...(row.rules as Partial<RuleValues>) } }
      : { version: 0, values: defaultRuleValues() };
    this.cached = { at: Date.now(), set };
    return set;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}

/** Seeds version 1 with the defaults when no rule set exists yet. */
export async function ensureRuleSet(db: Db, now: Date): Promise<void> {
  await db.insertInto('rule_sets')
    .values({ version: 1, rules: JSON.stringify(defaultRuleValues()), note: 'defaults of DESIGN.md', published_by: null, published_at: now })
    .onConflict((oc) => oc.column('version').doNothing())
    .execute();
}

export const ruleNumber = (set: RuleSet, id: RuleId): number => Number(set.values[id]);
