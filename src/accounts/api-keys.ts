import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiKeyActor, Ctx, UserActor } from '../context';
import type { Db } from '../db/connect';
import { loadOwnedShop } from '../catalog/shops';
import { conflict, notFound } from '../shared/errors';

/** Keys are recognisable in logs and secret scanners by this prefix. */
export const apiKeyPrefix = 'kmk_';
export const apiKeysPerShopMax = 20;

const hashOf = (key: string) => createHash('sha256').update(key).digest('base64url');

/** The actor an API key stands for: the shop's owner, for that shop only. */
export async function resolveApiKey(db: Db, key: string): Promise<ApiKeyActor | null> {
  const row = await db.selectFrom('api_keys').innerJoin('shops', 'shops.id', 'api_keys.shop_id')
    .innerJoin('users', 'users.id', 'shops.owner_id')
    .select(['api_keys.id', 'api_keys.shop_id', 'shops.owner_id'])
    .where('api_keys.key_hash', '=', hashOf(key)).where('api_keys.revoked_at', 'is', null).where('users.status', '=', 'active').executeTakeFirst();
  return row ? { kind: 'api_key', keyId: row.id, shopId: row.shop_id, userId: row.owner_id } : null;
}

/** The shop owner creates a key; it is shown once and stored only as a hash. */
export async function createApiKey(ctx: Ctx, actor: UserActor, shopId: string, input: { name: string }) {
  const shop = await loadOwnedShop(ctx.db, actor, shopId);
  const live = await ctx.db.selectFrom('api_keys').select((eb) => eb.fn.countAll<number>().as('n')).where('shop_id', '=', shop.id).where('revoked_at', 'is', null).executeTakeFirstOrThrow();
  if (Number(live.n) >= apiKeysPerShopMax) throw conflict('API_KEY_LIMIT', `a shop may have at most ${apiKeysPerShopMax} live API keys; revoke one first`);
  const key = `${apiKeyPrefix}${randomBytes(24).toString('base64url')}`;
  const id = randomUUID();
  const now = ctx.clock.now();
  await ctx.db.insertInto('api_keys').values({
    id, shop_id: shop.id, created_by: actor.userId, name: input.name.trim() || 'API key', key_hash: hashOf(key), key_hint: key.slice(-4), created_at: now, last_used_at: null, revoked_at: null,
  }).execute();
  return { id, name: input.name.trim() || 'API key', key, hint: key.slice(-4), shopId: shop.id, createdAt: now.toISOString() };
}

export async function listApiKeys(ctx: Ctx, actor: UserActor, shopId: string) {
  const shop = await loadOwnedShop(ctx.db, actor, shopId);
  const rows = await ctx.db.selectFrom('api_keys').selectAll().where('shop_id', '=', shop.id).orderBy('created_at', 'desc').execute();
  return { items: rows.map((r) => ({ id: r.id, name: r.name, hint: r.key_hint, createdAt: r.created_at.toISOString(), revokedAt: r.revoked_at?.toISOString() ?? null })) };
}

export async function revokeApiKey(ctx: Ctx, actor: UserActor, shopId: string, keyId: string) {
  const shop = await loadOwnedShop(ctx.db, actor, shopId);
  const row = await ctx.db.updateTable('api_keys').set({ revoked_at: ctx.clock.now() })
    .where('id', '=', keyId).where('shop_id', '=', shop.id).where('revoked_at', 'is', null).returning('id').executeTakeFirst();
  if (!row) throw notFound('api_key');
  return { id: row.id, revoked: true };
}
