import type { Lang } from '../i18n/lang';
import { ruleTitle } from './titles-en';
import { withTransaction } from '../db/transaction';
import { sql } from 'kysely';
import { requireRole } from '../catalog/shops';
import type { Actor, Ctx } from '../context';
import { AppError, badRequest, notFound } from '../shared/errors';
import { defaultRules, judgementRuleIds, ruleValuesFrom, type RuleId } from './defaults';

/** Publishes queue on this lock: two at once would both read version N and both write N + 1. */
const publishLockKey = 'rule_sets:publish';

/** Why a published value is refused, or null: unknown ids (own keys only: "toString" is no rule), wrong types, out of bounds. */
export function ruleValueProblem(id: string, value: unknown): AppError | null {
  if (!Object.hasOwn(defaultRules, id)) return badRequest('UNKNOWN_RULE', `no rule ${id}`);
  const definition = defaultRules[id as RuleId];
  if (definition.unit === 'flag') {
    return typeof value === 'boolean' ? null : badRequest('RULE_VALUE_INVALID', `rule ${id} takes true or false`, { rule: id }, `规则 ${id} 只能取 true 或 false。`);
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= definition.min && value <= definition.max) return null;
  return badRequest('RULE_VALUE_INVALID', `rule ${id} takes a whole number from ${definition.min} to ${definition.max} (${definition.unit})`, {
    rule: id, min: definition.min, max: definition.max, unit: definition.unit,
  });
}

/** Admin: publishes a new rule-set version (old versions stay; decisions keep citing theirs). */
export async function publishRules(ctx: Ctx, actor: Actor, input: { values: Record<string, number | boolean>; note: string }) {
  requireRole(actor, 'admin');
  for (const [id, value] of Object.entries(input.values)) {
    const problem = ruleValueProblem(id, value);
    if (problem) throw problem;
  }
  const published = await withTransaction(ctx.db, async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${publishLockKey}))`.execute(tx);
    // Read the newest version under the lock, not from the cache: a publish that just committed is the base.
    const last = await tx.selectFrom('rule_sets').select(['version', 'rules']).orderBy('version', 'desc').limit(1).executeTakeFirst();
    const version = (last?.version ?? 0) + 1;
    const values = ruleValuesFrom(ctx.rules.base, last?.rules as Record<string, unknown> | undefined, input.values);
    await tx.insertInto('rule_sets').values({ version, rules: JSON.stringify(values), note: input.note, published_by: actor.userId, published_at: ctx.clock.now() }).execute();
    return { version, values };
  });
  ctx.rules.invalidate();
  return published;
}

/** Every rule with its value now, its default and bounds; `title` in the reader's language, both titles beside it. */
export async function ruleCatalog(ctx: Ctx, actor: Actor, lang: Lang = 'zh') {
  requireRole(actor, 'admin', 'staff');
  const current = await ctx.rules.current();
  const versions = await ctx.db.selectFrom('rule_sets').select(['version', 'note', 'published_by', 'published_at']).orderBy('version', 'desc').execute();
  return {
    version: current.version,
    rules: Object.entries(defaultRules).map(([id, def]) => ({
      id, title: ruleTitle(id, lang), titleZh: def.title, titleEn: ruleTitle(id, 'en'), unit: def.unit, value: current.values[id as RuleId], default: ctx.rules.base[id as RuleId] ?? def.value, ...(def.unit === 'flag' ? {} : { min: def.min, max: def.max }),
    })),
    versions: versions.map((v) => ({ version: v.version, note: v.note, publishedBy: v.published_by, publishedAt: v.published_at.toISOString() })),
  };
}

export async function ruleSetVersion(ctx: Ctx, actor: Actor, version: number) {
  requireRole(actor, 'admin', 'staff');
  const row = await ctx.db.selectFrom('rule_sets').selectAll().where('version', '=', version).executeTakeFirst();
  if (!row) throw notFound('rule_set');
  return { version: row.version, values: row.rules, note: row.note, publishedAt: row.published_at.toISOString() };
}

/** GET /api/rules: the ids a decision may cite (API.md "Rules staff cite"): judgement rules only, never settings. */
export async function citableRules(ctx: Ctx) {
  const current = await ctx.rules.current();
  return {
    version: current.version,
    rules: judgementRuleIds.map((id) => ({ id, title: defaultRules[id].title, unit: defaultRules[id].unit, value: current.values[id] })),
  };
}
