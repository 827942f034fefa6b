import { randomUUID } from 'node:crypto';
import type { Api, Session } from './api';

/** Factories for after-sales tests: a delivered card-key order, case filing, evidence upload. */
export async function deliveredKeyOrder(api: Api, options: { price?: number; keys?: number; quantity?: number; deposit?: number; product?: Record<string, unknown> } = {}) {
  const shop = await api.makeShop(options.deposit ?? (options.price ? Math.max(10_000, options.price) : 10_000));
  const product = await api.makeProduct(shop, { keys: options.keys ?? 3, price: options.price ?? 1_000, ...options.product });
  const buyer = await api.user('buyer');
  const order = await api.buyAndPay(buyer, product.id, { quantity: options.quantity ?? 1 });
  return { shop, product, buyer, order };
}

export async function stockOf(api: Api, productId: string): Promise<number> {
  return (await api.ok('GET', `/api/products/${productId}`)).stock;
}

export function fileCase(api: Api, buyer: Session, orderId: string, body: Record<string, unknown>) {
  return api.call('POST', `/api/orders/${orderId}/refund-cases`, {
    token: buyer.token, headers: { 'idempotency-key': randomUUID() },
    body: { reason: 'key_invalid', description: '14:05 兑换卡密时提示“该卡已被使用”，已截图', expectedOutcome: 'full_refund', ...body },
  });
}

export async function uploadEvidence(api: Api, user: Session, content: Buffer | string, kind?: string, filename = 'proof.png') {
  const boundary = `----kameng${randomUUID().slice(0, 8)}`;
  const parts: Buffer[] = [];
  if (kind) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n${kind}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
  parts.push(Buffer.isBuffer(content) ? content : Buffer.from(content));
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  const res = await api.server.inject({
    method: 'POST', url: '/api/evidence', payload: Buffer.concat(parts),
    headers: { authorization: `Bearer ${user.token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

/** A 1×1 PNG: real image bytes for evidence uploads. */
export const tinyPng = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5b1a23e0000000049454e44ae426082', 'hex');
/** A 2 × 2 PNG that decoders accept whole (tinyPng's CRC fails a strict decoder such as libpng in sharp). */
export const decodablePng = Buffer.from('89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a730000000970485973000003e8000003e801b57b526b0000001249444154089963b863a371c746830142010025de0501203927b40000000049454e44ae426082', 'hex');
