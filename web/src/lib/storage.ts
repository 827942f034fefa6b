/**
 * Small per-device memories: a guest's order tokens (sessionStorage, they open the order) and the
 * payment id of each order placed here (the order view does not name its payment).
 */
const guestTokensKey = 'kameng.guestTokens';
const guestOrdersKey = 'kameng.guestOrders';
const orderPaymentsKey = 'kameng.orderPayments';
const rememberedPaymentsMax = 50;

function readMap(storage: Storage, key: string): Record<string, string> {
  try {
    const value = JSON.parse(storage.getItem(key) ?? '{}') as unknown;
    return value && typeof value === 'object' ? (value as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function writeMap(storage: Storage, key: string, map: Record<string, string>): void {
  try { storage.setItem(key, JSON.stringify(map)); } catch { /* storage full or blocked: the feature degrades, nothing breaks */ }
}

export function guestToken(orderId: string): string | undefined {
  return readMap(sessionStorage, guestTokensKey)[orderId];
}

export function rememberGuestToken(orderId: string, token: string): void {
  writeMap(sessionStorage, guestTokensKey, { ...readMap(sessionStorage, guestTokensKey), [orderId]: token });
}

export function forgetGuestTokens(): void {
  try {
    sessionStorage.removeItem(guestTokensKey);
    sessionStorage.removeItem(guestOrdersKey);
  } catch { /* nothing to forget */ }
}

export function orderPayment(orderId: string): string | undefined {
  return readMap(localStorage, orderPaymentsKey)[orderId];
}

export function rememberOrderPayment(orderId: string, paymentId: string): void {
  const entries = Object.entries(readMap(localStorage, orderPaymentsKey)).filter(([id]) => id !== orderId);
  entries.push([orderId, paymentId]);
  writeMap(localStorage, orderPaymentsKey, Object.fromEntries(entries.slice(-rememberedPaymentsMax)));
}


/** The order number of a guest order placed in this tab, so the pay page can remind the buyer of it. */
export function guestOrderNumber(orderId: string): string | undefined {
  return readMap(sessionStorage, guestOrdersKey)[orderId];
}

export function rememberGuestOrder(orderId: string, orderNo: string): void {
  writeMap(sessionStorage, guestOrdersKey, { ...readMap(sessionStorage, guestOrdersKey), [orderId]: orderNo });
}
