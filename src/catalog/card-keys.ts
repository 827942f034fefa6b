import { withTransaction } from '../db/transaction';
import { randomUUID } from 'node:crypto';
import type { Actor, Ctx } from '../context';
import { badRequest, refused } from '../shared/errors';
import { loadProductForOwner } from './products';
import { availableKeys } from './stock';

export const keysPerImportMax = 5_000;
export const keyLengthMax = 512;

/** Accepts a JSON array of codes or one text blob with a code per line. */
export function parseKeys(input: string[] | string): string[] {
  const lines = Array.isArray(input) ? input : input.split(/\r?\n/);
  return lines.map((line) => String(line).trim()).filter(Boolean);
}

/**
 * 导入卡密: dedupes within the batch and against existing stock (by keyed fingerprint), encrypts
 * each code with AES-256-GCM, and reports how many were new.
 */
export async function importKeys(
  ctx: Ctx, actor: Actor, productId: string, input: string[] | string,
): Promise<{ imported: number; duplicates: number; stock: number }> {
  const product = await loadProductForOwner(ctx, actor, productId);
  if (product.type !== 'card_key') throw refused('NOT_A_CARD_KEY_PRODUCT', 'catalog.card-key-import', 'keys can only be imported into card-key products');
  const codes = parseKeys(input);
  if (codes.length === 0) throw badRequest('NO_KEYS', 'no keys to import: send one per line or a JSON array');
  if (codes.length > keysPerImportMax) throw badRequest('TOO_MANY_KEYS', `at most ${keysPerImportMax} keys per import`, { count: codes.length });
  const tooLong = codes.findIndex((c) => c.length > keyLengthMax);
  if (tooLong >= 0) throw badRequest('KEY_TOO_LONG', `key ${tooLong + 1} is longer than ${keyLengthMax} characters`);

  const unique = new Map<string, string>();
  for (const code of codes) unique.set(ctx.box.fingerprint(code), code);
  const now = ctx.clock.now();
  const rows = [...unique].map(([hash, code], i) => ({
    id: randomUUID(), product_id: product.id, code_cipher: ctx.box.encrypt(code), code_hash: hash, status: 'available' as const,
    order_id: null, created_at: new Date(now.getTime() + i), // keeps import order as delivery order
  }));
  let imported = 0;
  const chunk = 500;
  await withTransaction(ctx.db, async (tx) => {
    for (let i = 0; i < rows.length; i += chunk) {
      const inserted = await tx.insertInto('card_keys').values(rows.slice(i, i + chunk))
        .onConflict((oc) => oc.columns(['product_id', 'code_hash']).doNothing()).returning('id').execute();
      imported += inserted.length;
    }
  });
  const stock = await availableKeys(ctx.db, product.id);
  return { imported, duplicates: codes.length - imported, stock };
}
