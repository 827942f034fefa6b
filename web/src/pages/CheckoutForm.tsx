import { useEffect, useState, type FormEvent } from 'react';
import { errorText } from '../components/feedback';
import { Button, TextField } from '../components/forms';
import { ErrorNote, Notice } from '../components/feedback';
import { api } from '../lib/api';
import { channelName, useChannels } from '../lib/channels';
import { formatMoney } from '../lib/format';
import { useAction } from '../lib/hooks';
import { useIdempotencyKeys } from '../lib/idempotency';
import { useI18n, type Translate } from '../lib/i18n';
import { Link, navigate } from '../lib/router';
import { useSession } from '../lib/session';
import { rememberGuestOrder, rememberGuestToken, rememberOrderPayment } from '../lib/storage';
import type { CouponQuote, CreatedOrder, ProductView } from '../lib/types';


/** The server's rule (order.quantity-max) decides; this only keeps the stepper sensible. */
const orderQuantityMax = 20;
/** Mirrors the server's topupAccountPattern so the buyer hears about a typo before paying. */
const topupAccountPattern = /^[A-Za-z0-9][A-Za-z0-9._@-]{3,63}$/;
const queryPasswordLengthMin = 6;
const contactLengthMin = 3;

/** `balance` or one of the live gateway channels (GET /api/payments/channels). */
type Channel = string;

interface Draft {
  quantity: string;
  topupAccount: string;
  channel: Channel;
  contact: string;
  queryPassword: string;
  couponCode: string;
}

/** Mirrors the server's couponCodePattern. */
const couponCodePattern = /^[A-Za-z0-9_-]{3,32}$/;
/** Wait this long after the last keystroke before asking the server what the code is worth. */
const couponQuoteDelayMs = 400;

function problemsOf(draft: Draft, product: ProductView, asGuest: boolean, maxQuantity: number, t: Translate) {
  const quantity = Number(draft.quantity);
  return {
    quantity: Number.isInteger(quantity) && quantity >= 1 && quantity <= maxQuantity ? null : t('product.quantityInvalid', { max: maxQuantity }),
    topupAccount: product.type !== 'topup' || topupAccountPattern.test(draft.topupAccount.trim()) ? null : t('product.topupInvalid'),
    contact: !asGuest || draft.contact.trim().length >= contactLengthMin ? null : t('product.contactShort'),
    queryPassword: !asGuest || draft.queryPassword.length >= queryPasswordLengthMin ? null : t('product.queryPasswordShort'),
    couponCode: !draft.couponCode.trim() || couponCodePattern.test(draft.couponCode.trim()) ? null : t('checkout.couponInvalid'),
  };
}

export function CheckoutForm({ product }: { product: ProductView }) {
  const { t } = useI18n();
  const session = useSession();
  const [draft, setDraft] = useState<Draft>({ quantity: '1', topupAccount: '', channel: 'sandbox', contact: '', queryPassword: '', couponCode: '' });
  const [attempted, setAttempted] = useState(false);
  const set = (patch: Partial<Draft>) => setDraft((previous) => ({ ...previous, ...patch }));

  const user = session.user;
  const asGuest = session.state.status === 'signedOut';
  const balance = session.state.status === 'signedIn' ? session.state.balance : 0;
  const maxQuantity = Math.max(1, Math.min(orderQuantityMax, product.stock ?? orderQuantityMax));
  const quantity = Math.max(1, Math.floor(Number(draft.quantity)) || 1);
  const problems = problemsOf(draft, product, asGuest, maxQuantity, t);
  const couponCode = draft.couponCode.trim();
  const quote = useCouponQuote(product.id, quantity, couponCode && !problems.couponCode ? couponCode : '');
  const listTotal = product.price * quantity;
  const total = quote.quote?.amount ?? listTotal;
  const balanceSuffices = balance >= total;
  const idempotency = useIdempotencyKeys();
  const channels = useChannels();
  const gateways = channels.data?.channels ?? [];
  // The first live gateway channel is chosen until the buyer picks another (production may not offer `sandbox`).
  useEffect(() => {
    if (gateways.length > 0 && draft.channel !== 'balance' && !gateways.includes(draft.channel)) set({ channel: gateways[0]! });
  }, [gateways.join(','), draft.channel]);

  const place = useAction(async () => {
    const created = await api<CreatedOrder>('POST', '/api/orders', {
      idempotency,
      body: {
        productId: product.id, quantity, channel: asGuest && draft.channel === 'balance' ? gateways[0] : draft.channel,
        ...(product.type === 'topup' ? { topupAccount: draft.topupAccount.trim() } : {}),
        ...(couponCode ? { couponCode } : {}),
        ...(asGuest ? { guest: { contact: draft.contact.trim(), queryPassword: draft.queryPassword } } : {}),
      },
    });
    rememberOrderPayment(created.order.id, created.payment.id);
    if (asGuest) await openGuestOrder(created, draft.queryPassword);
    if (draft.channel === 'balance') await session.refresh();
    navigate(created.payment.status === 'pending' ? created.payment.payUrl ?? `/pay/${created.payment.id}` : `/orders/${created.order.id}`);
  });

  if (session.state.status === 'loading') return null;
  if (!product.listed) return <Notice kind="warning">{t('product.unlisted')}</Notice>;
  if (product.stock !== null && product.stock <= 0) return <Notice kind="warning">{t('product.soldOutNote')}</Notice>;
  if (user && user.role !== 'buyer') return <Notice kind="warning">{t('product.notBuyer', { role: t(`role.${user.role}`) })}</Notice>;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (Object.values(problems).some(Boolean)) return;
    if (draft.channel === 'balance' && !balanceSuffices) return;
    void place.run();
  };
  const shown = (problem: string | null) => (attempted ? problem : null);

  return (
    <form className="form" onSubmit={submit} noValidate>
      <TextField label={t('product.quantity')} type="number" inputMode="numeric" min={1} max={maxQuantity} step={1} required
        value={draft.quantity} onChange={(e) => set({ quantity: e.target.value })} problem={shown(problems.quantity)} />
      {product.type === 'topup' && (
        <TextField label={t('product.topupAccount')} hint={t('product.topupHint')} autoComplete="off" required maxLength={64}
          value={draft.topupAccount} onChange={(e) => set({ topupAccount: e.target.value })} problem={shown(problems.topupAccount)} />
      )}
      {asGuest && <GuestFields draft={draft} set={set} problems={{ contact: shown(problems.contact), queryPassword: shown(problems.queryPassword) }} />}
      <ChannelChoice channel={draft.channel} onChange={(channel) => set({ channel })} gateways={gateways} sandbox={channels.data?.sandbox ?? false}
        wallet={asGuest ? null : { balance, suffices: balanceSuffices }} />
      <CouponField value={draft.couponCode} onChange={(couponCode) => set({ couponCode })} problem={shown(problems.couponCode)} quote={quote} />
      <p className="total" aria-live="polite">
        {t('product.total')}{' '}
        {quote.quote && quote.quote.discount > 0 && <><s className="muted">{formatMoney(listTotal)}</s>{' '}</>}
        <strong>{formatMoney(total)}</strong>
      </p>
      <ErrorNote error={place.error} />
      <Button type="submit" className="button-block" pending={place.pending} pendingLabel={t('product.submitting')}
        disabled={draft.channel === 'balance' && !balanceSuffices}>
        {t('product.submit', { amount: formatMoney(total) })}
      </Button>
      <p className="field-hint">{t('product.escrowNote')}</p>
    </form>
  );
}

/** A guest opens the new order at once with its query password, so the pay page can lead on to it. */
async function openGuestOrder(created: CreatedOrder & { guestToken?: string }, queryPassword: string): Promise<void> {
  rememberGuestOrder(created.order.id, created.order.orderNo);
  if (created.guestToken) {
    rememberGuestToken(created.order.id, created.guestToken);
    return;
  }
  // Until the server hands out the guest's token with the order, a lookup (one rate-limited attempt) gets it.
  try {
    const lookup = await api<{ token: string }>('POST', '/api/orders/lookup', { body: { orderNo: created.order.orderNo, queryPassword } });
    rememberGuestToken(created.order.id, lookup.token);
  } catch {
    // The order exists and can be paid; the buyer can still open it later under 订单查询.
  }
}

function GuestFields({ draft, set, problems }: { draft: Draft; set(patch: Partial<Draft>): void; problems: { contact: string | null; queryPassword: string | null } }) {
  const { t } = useI18n();
  return (
    <fieldset className="fieldset">
      <legend>{t('product.guestTitle')}</legend>
      <p className="field-hint">{t('product.guestIntro')} <Link to={`/login?next=${encodeURIComponent(location.pathname)}`}>{t('product.guestLogin')}</Link></p>
      <TextField label={t('product.contact')} hint={t('product.contactHint')} autoComplete="email" required maxLength={100}
        value={draft.contact} onChange={(e) => set({ contact: e.target.value })} problem={problems.contact} />
      <TextField label={t('product.queryPassword')} hint={t('product.queryPasswordHint')} type="password" autoComplete="new-password" required minLength={6} maxLength={64}
        value={draft.queryPassword} onChange={(e) => set({ queryPassword: e.target.value })} problem={problems.queryPassword} />
    </fieldset>
  );
}

function ChannelChoice({ channel, onChange, gateways, sandbox, wallet }: {
  channel: Channel; onChange(channel: Channel): void; gateways: string[]; sandbox: boolean; wallet: { balance: number; suffices: boolean } | null;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="fieldset choices">
      <legend>{t('product.channel')}</legend>
      {gateways.map((gateway) => (
        <label className="choice" key={gateway}>
          <input type="radio" name="channel" value={gateway} checked={channel === gateway} onChange={() => onChange(gateway)} />
          <span>
            <strong>{channelName(t, gateway)}</strong>
            <span className="field-hint">{gateway === 'sandbox' ? t('product.channel.sandboxHint') : sandbox ? t('product.channel.simulated') : t('product.channel.gatewayHint')}</span>
          </span>
        </label>
      ))}
      {wallet && (
        <label className={`choice${wallet.suffices ? '' : ' choice-disabled'}`}>
          <input type="radio" name="channel" value="balance" checked={channel === 'balance'} disabled={!wallet.suffices} onChange={() => onChange('balance')} />
          <span>
            <strong>{t('product.channel.balance')}</strong>
            <span className="field-hint">{wallet.suffices ? t('product.channel.balanceHint', { balance: formatMoney(wallet.balance) }) : t('product.channel.balanceShort', { balance: formatMoney(wallet.balance) })}</span>
          </span>
        </label>
      )}
    </fieldset>
  );
}

interface QuoteState { quote: CouponQuote | null; error: unknown; pending: boolean }

/** Asks the server what the typed code takes off this order (after a pause in typing), so the total shown is the one charged. */
function useCouponQuote(productId: string, quantity: number, code: string): QuoteState {
  const [state, setState] = useState<QuoteState>({ quote: null, error: null, pending: false });
  useEffect(() => {
    if (!code) { setState({ quote: null, error: null, pending: false }); return undefined; }
    let current = true;
    setState((previous) => ({ ...previous, pending: true }));
    const timer = setTimeout(() => {
      api<CouponQuote>('POST', '/api/coupons/quote', { body: { productId, quantity, couponCode: code } })
        .then((quote) => { if (current) setState({ quote, error: null, pending: false }); })
        .catch((error: unknown) => { if (current) setState({ quote: null, error, pending: false }); });
    }, couponQuoteDelayMs);
    return () => { current = false; clearTimeout(timer); };
  }, [productId, quantity, code]);
  return state;
}

function CouponField({ value, onChange, problem, quote }: { value: string; onChange(value: string): void; problem: string | null; quote: QuoteState }) {
  const { t } = useI18n();
  const refusal = quote.error ? t('checkout.couponRefused', { reason: errorText(quote.error, t) }) : null;
  return (
    <div>
      <TextField label={t('checkout.coupon')} hint={t('checkout.couponHint')} autoComplete="off" autoCapitalize="characters" maxLength={32}
        value={value} onChange={(e) => onChange(e.target.value)} problem={problem ?? refusal} />
      {quote.quote && quote.quote.discount > 0 && (
        <p className="field-hint" role="status">{t('order.discount', { code: quote.quote.code })} −{formatMoney(quote.quote.discount)}</p>
      )}
    </div>
  );
}
