import { randomUUID } from 'node:crypto';
import type { App } from '../../src/http/app-type';

export interface Res<T = any> {
  status: number;
  body: T;
}

export interface Session {
  token: string;
  user: { id: string; email: string; role: string };
}

const unique = () => randomUUID().slice(0, 8);
export const password = 'Passw0rd!long';

/** Drives the HTTP API in-process (fastify.inject), with factories for the usual setup. */
export class Api {
  constructor(readonly server: App) {}

  async call<T = any>(method: string, url: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Res<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const res = await this.server.inject({ method: method as 'GET', url, headers, ...(options.body !== undefined ? { payload: options.body as object } : {}) });
    let body: any = res.body;
    try { body = res.body ? JSON.parse(res.body) : undefined; } catch { /* not JSON */ }
    return { status: res.statusCode, body };
  }

  async ok<T = any>(method: string, url: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
    const res = await this.call<T>(method, url, options);
    if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async user(role: 'buyer' | 'merchant' | 'staff' | 'admin'): Promise<Session> {
    const email = `${role}-${unique()}@test.kameng`;
    if (role === 'buyer' || role === 'merchant') return this.ok('POST', '/api/auth/register', { body: { email, password, role } });
    await this.ok('POST', '/api/sandbox/users', { body: { email, password, role } });
    return this.ok('POST', '/api/auth/login', { body: { email, password } });
  }

  /** A merchant with an active shop (deposit paid). */
  async makeShop(deposit = 10_000): Promise<{ merchant: Session; shopId: string }> {
    const merchant = await this.user('merchant');
    const shop = await this.ok('POST', '/api/shops', { token: merchant.token, body: { name: `Shop ${unique()}` } });
    const { payment } = await this.ok('POST', `/api/shops/${shop.id}/deposit`, { token: merchant.token, body: { amount: deposit, channel: 'sandbox' } });
    await this.ok('POST', `/api/sandbox/payments/${payment.id}/succeed`);
    return { merchant, shopId: shop.id };
  }

  async makeProduct(
    shop: { merchant: Session; shopId: string },
    input: { type?: 'card_key' | 'topup' | 'manual'; price?: number; keys?: number; [k: string]: unknown } = {},
  ): Promise<{ id: string; codes: string[] }> {
    const { type = 'card_key', price = 1_000, keys = 0, ...rest } = input;
    const product = await this.ok('POST', '/api/products', {
      token: shop.merchant.token,
      body: { shopId: shop.shopId, title: `Product ${unique()}`, type, price, ...(type === 'manual' ? { promisedDeliveryMinutes: 60 } : {}), ...rest },
    });
    const codes = Array.from({ length: keys }, () => `KEY-${randomUUID()}`);
    if (keys > 0) await this.ok('POST', `/api/products/${product.id}/keys`, { token: shop.merchant.token, body: { keys: codes } });
    return { id: product.id, codes };
  }

  /** Uploads a product picture as multipart (field `file`); answers the status and body as they come. */
  async uploadProductImage(owner: Session, productId: string, content: Buffer, filename = 'product.png', type = 'image/png'): Promise<Res> {
    const boundary = `----kameng${unique()}`;
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
      content, Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await this.server.inject({
      method: 'POST', url: `/api/products/${productId}/images`, payload,
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    let body: any = res.body;
    try { body = JSON.parse(res.body); } catch { /* not JSON */ }
    return { status: res.statusCode, body };
  }

  async buy(buyer: Session, productId: string, extra: Record<string, unknown> = {}): Promise<{ order: any; payment: any }> {
    return this.ok('POST', '/api/orders', {
      token: buyer.token, headers: { 'idempotency-key': randomUUID() }, body: { productId, quantity: 1, channel: 'sandbox', ...extra },
    });
  }

  async pay(paymentId: string): Promise<any> {
    return this.ok('POST', `/api/sandbox/payments/${paymentId}/succeed`);
  }

  /** Creates an order and pays it through the sandbox gateway; returns the order as the buyer sees it. */
  async buyAndPay(buyer: Session, productId: string, extra: Record<string, unknown> = {}): Promise<any> {
    const created = await this.buy(buyer, productId, extra);
    await this.pay(created.payment.id);
    return this.ok('GET', `/api/orders/${created.order.id}`, { token: buyer.token });
  }

  async advance(minutes: number): Promise<void> {
    await this.ok('POST', '/api/sandbox/clock/advance', { body: { minutes } });
  }

  async balance(shop: { merchant: Session; shopId: string }): Promise<{ available: number; deposit: number; receivable: number; escrow: number }> {
    return this.ok('GET', `/api/shops/${shop.shopId}/balance`, { token: shop.merchant.token });
  }

  async wallet(buyer: Session): Promise<number> {
    return (await this.ok('GET', '/api/me', { token: buyer.token })).wallet.balance;
  }

  async fundWallet(buyer: Session, amount: number): Promise<void> {
    const { payment } = await this.ok('POST', '/api/wallet/topups', { token: buyer.token, body: { amount, channel: 'sandbox' } });
    await this.pay(payment.id);
  }
}
