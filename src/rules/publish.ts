import { withTransaction } from '../db/transaction';
import { requireRole } from '../catalog/shops';
import type { Actor, Ctx } from '../context';
import { badRequest, notFound } from '../shared/errors';
import { defaultRules, type RuleId } from './defaults';

/** Admin: publishes a new rule-set version (old versions stay; decisions keep citing theirs). */
export async function publishRules(ctx: Ctx, actor: Actor, input: { values: Record<string, number | boolean>; note: string }) {
  requireRole(actor, 'admin');
  for (const [id, value] of Object.entries(input.values)) {
    const definition = defaultRules[id as RuleId];
    if (!Object.hasOwn(defaultRules, id) || !definition) throw badRequest('UNKNOWN_RULE', `no rule ${id}`);
    const flag = definition.unit === 'flag';
    if (flag ? typeof value !== 'boolean' : !(typeof value === 'number' && Number.isInteger(value) && value >= 0)) {
      throw badRequest('RULE_VALUE_INVALID', `rule ${id} takes ${flag ? 'true or false' : `a non-negative integer (${definition.unit})`}`);
    }
  }
  const current = await ctx.rules.current();
  const published = await withTransaction(ctx.db, async (tx) => {
    const last = await tx.selectFrom('rule_sets').select('version').orderBy('version', 'desc').limit(1).forUpdate().executeTakeFirst();
    const version = (last?.version ?? 0) + 1;
    const values = { ...current.values, ...input.values };
    await tx.insertInto('rule_sets').values({ version, rules: JSON.stringify(values), note: input.note, published_by: actor.userId, published_at: ctx.clock.now() }).execute();
    return { version, values };
  });
  ctx.rules.invalidate();
  return published;
}

export async function ruleCatalog(ctx: Ctx, actor: Actor) {
  requireRole(actor, 'admin', 'staff');
  const current = await ctx.rules.current();
  const versions = await ctx.db.selectFrom('rule_sets').select(['version', 'note', 'published_by', 'published_at']).orderBy('version', 'desc').execute();
  return {
    version: current.version,
    rules: Object.entries(defaultRules).map(([id, def]) => ({ id, title: def.title, unit: def.unit, value: current.values[id as RuleId], default: def.value })),
    versions: versions.map((v) => ({ version: v.version, note: v.note, publishedBy: v.published_by, publishedAt: v.published_at.toISOString() })),
  };
}

export async function ruleSetVersion(ctx: Ctx, actor: Actor, version: number) {
  requireRole(actor, 'admin', 'staff');
  const row = await ctx.db.selectFrom('rule_sets').selectAll().where('version', '=', version).executeTakeFirst();
  if (!row) throw notFound('rule_set');
  return { version: row.version, values: row.rules, note: row.note, publishedAt: row.published_at.toISOString() };
}

/** GET /api/rules: the ids a decision may cite (API.md "Rules staff cite"). */
export async function citableRules(ctx: Ctx) {
  const current = await ctx.rules.current();
  return {
    version: current.version,
    rules: Object.entries(defaultRules).map(([id, def]) => ({ id, title: def.title, unit: def.unit, value: current.values[id as RuleId] })),
  };
}
