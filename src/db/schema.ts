import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date, Date>;
type Json<T = Record<string, unknown>> = ColumnType<T, string, string>;

export type Role = 'buyer' | 'merchant' | 'staff' | 'admin';
export type ProductType = 'card_key' | 'topup' | 'manual';
export type OrderStatus =
  | 'pending_payment' | 'paid' | 'delivering' | 'delivered' | 'completed' | 'cancelled' | 'refunded' | 'partially_refunded';

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  role: Role;
  display_name: string;
  risk_level: 'normal' | 'high';
  risk_reason: string | null;
  /** `system` (the platform's records) or the staff member's label. */
  risk_set_by: string | null;
  risk_set_at: Timestamp | null;
  /** Staff cleared the flag: only claims after this count toward a new automatic flag. */
  risk_cleared_at: Timestamp | null;
  status: Generated<'active' | 'disabled'>;
  status_reason: string | null;
  /** The language of the last registration or login (Accept-Language): e-mail and SMS are written in it; null = zh. */
  locale: 'zh' | 'en' | null;
  created_at: Timestamp;
  /** For SMS notices (optional, set by the user). */
  phone: Generated<string | null>;
}
export interface SessionsTable {
  id: string;
  user_id: string | null;
  order_id: string | null;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}
export interface ApiKeysTable {
  id: string;
  shop_id: string;
  created_by: string;
  name: string;
  key_hash: string;
  key_hint: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}
export type PayoutStatus = 'pending' | 'paid' | 'failed';
export interface PayoutsTable {
  id: string;
  shop_id: string;
  amount: number;
  channel: string;
  status: PayoutStatus;
  requested_by: string;
  failure: string | null;
  created_at: Timestamp;
  completed_at: Timestamp | null;
  /** The payout account it was sent to (null: the sandbox bank of a shop with no account). */
  account: string | null;
  account_name: string | null;
  provider_payout_no: string | null;
}
export type PayoutAccountChannel = 'alipay' | 'wechat' | 'unionpay';
export interface ShopPayoutAccountsTable {
  shop_id: string;
  channel: PayoutAccountChannel;
  account: string;
  name: string;
  updated_by: string;
  updated_at: Timestamp;
}
export interface ShopsTable {
  id: string;
  owner_id: string;
  name: string;
  status: 'pending_deposit' | 'active' | 'suspended';
  created_at: Timestamp;
}
/** One suspension or reinstatement of a shop by an admin, with the reason given. */
export interface ShopSuspensionsTable {
  id: string;
  shop_id: string;
  action: 'suspended' | 'reinstated';
  reason: string | null;
  decided_by: string;
  created_at: Timestamp;
}
export interface ProductsTable {
  id: string;
  shop_id: string;
  title: string;
  description: string;
  type: ProductType;
  price: number;
  stock_policy: 'keys' | 'unlimited' | 'limited';
  stock_limited: number | null;
  after_sales_window_minutes: number | null;
  promised_delivery_minutes: number | null;
  no_reason_allowed: boolean;
  no_reason_fee_bp: number;
  status: 'active' | 'inactive';
  created_at: Timestamp;
  /** The upstream key checker this card-key product names (aftersales/key-check.ts), or null. */
  key_checker: Generated<string | null>;
  category_id: Generated<string | null>;
  /** Title, full pinyin and initials, normalised (catalog/search-text.ts). */
  search_text: Generated<string>;
  updated_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}
export interface CategoriesTable {
  id: string;
  name: string;
  name_en: string | null;
  parent_id: string | null;
  sort: Generated<number>;
  created_at: Timestamp;
}
export interface ProductImagesTable {
  id: string;
  product_id: string;
  /** The 800 px WebP and the 240 px thumbnail, by sha256 in the content-addressed store. */
  large_sha256: string;
  thumb_sha256: string;
  width: number;
  height: number;
  position: number;
  created_at: Timestamp;
}
export interface CardKeysTable {
  id: string;
  product_id: string;
  code_cipher: string;
  code_hash: string;
  status: 'available' | 'reserved' | 'sold' | 'void';
  order_id: string | null;
  created_at: Timestamp;
}
export interface OrdersTable {
  id: string;
  /** Has a refund that is the merchant's fault: kept by a trigger on refunds (migration 019). */
  merchant_fault_refund: Generated<boolean>;
  order_no: string;
  buyer_id: string | null;
  guest_contact: string | null;
  /** The guest's language at checkout, for their e-mail and SMS; null = zh. */
  guest_locale: 'zh' | 'en' | null;
  guest_query_hash: string | null;
  shop_id: string;
  product_id: string;
  product_type: ProductType;
  title: string;
  quantity: number;
  unit_price: number;
  amount: number;
  paid: Generated<number>;
  refunded: Generated<number>;
  settled: Generated<number>;
  fee: Generated<number>;
  status: OrderStatus;
  channel: string;
  topup_account: string | null;
  buyer_ip: string | null;
  expires_at: Timestamp;
  paid_at: Timestamp | null;
  delivered_at: Timestamp | null;
  completed_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  created_at: Timestamp;
  /** 换货: the order this one replaced (a buyer-mistake case's exchange). */
  exchanged_from_order_id: Generated<string | null>;
  /** The late-delivery penalty paid to the buyer (fen), written once with the delivery. */
  late_penalty: Generated<number>;
  cancelled_by: Generated<'buyer' | 'system' | null>;
  /** The shop coupon applied at checkout; `amount` is already net of `discount`. */
  coupon_id: Generated<string | null>;
  discount: Generated<number>;
}
export interface CouponsTable {
  id: string;
  shop_id: string;
  code: string;
  amount_off: number | null;
  percent_off: number | null;
  min_amount: number;
  max_uses: number | null;
  uses: Generated<number>;
  expires_at: Timestamp | null;
  status: Generated<'active' | 'disabled'>;
  created_at: Timestamp;
  disabled_at: Timestamp | null;
}
export interface OrderItemsTable {
  id: string;
  order_id: string;
  seq: number;
  card_key_id: string | null;
  amount: number;
  status: 'pending' | 'delivered' | 'refunded';
  revealed_at: Timestamp | null;
}
export interface DeliveriesTable {
  id: string;
  order_id: string;
  kind: string;
  content_cipher: string | null;
  detail: Json;
  created_at: Timestamp;
}
export interface KeyRevealsTable {
  id: string;
  order_id: string;
  item_id: string;
  user_id: string | null;
  ip: string | null;
  user_agent: string | null;
  consent_text: string;
  at: Timestamp;
}
export interface PaymentsTable {
  id: string;
  purpose: 'order' | 'deposit' | 'wallet_topup';
  order_id: string | null;
  shop_id: string | null;
  user_id: string | null;
  amount: number;
  channel: string;
  status: 'pending' | 'succeeded' | 'cancelled';
  created_at: Timestamp;
  succeeded_at: Timestamp | null;
  /** JSON of the provider's PayAction (redirect URL, QR content or form); null until the provider was asked. */
  pay_action: string | null;
  provider_trade_no: string | null;
}
export interface PaymentNotificationsTable {
  id: string;
  channel: string;
  notification_id: string;
  payment_id: string;
  provider_trade_no: string;
  amount: number;
  /** `callback:<channel>` or `reconcile:<channel>`. */
  source: string;
  outcome: 'applied' | 'already_paid';
  received_at: Timestamp;
}
export interface RefundsTable {
  id: string;
  order_id: string;
  case_id: string | null;
  amount: number;
  channel: string;
  status: 'pending' | 'succeeded' | 'failed';
  reason: string;
  expected_by: Timestamp | null;
  created_at: Timestamp;
  completed_at: Timestamp | null;
  waiting_for_funds: Generated<boolean>;
  /** Whose fault the refund was (src/trust/fault.ts): only `merchant` counts toward the merchant's refund rate. */
  fault: RefundFault;
  /** A real channel's answer to the refund request (null: not asked yet, or not a provider channel). */
  provider_status: 'accepted' | 'refused' | null;
  provider_refund_no: string | null;
  /** The channel a refund was meant for when its provider failed it and it went to the wallet instead. */
  fallback_from: string | null;
  /** The provider's last word on this refund (its answer, query result or notification) and when it came. */
  provider_answer: string | null;
  provider_answered_at: Timestamp | null;
  /** When the refund was left for staff: its channel failed it and there was no wallet to fall back to. */
  stuck_at: Timestamp | null;
  /** How staff settled a stuck refund the channel did not pay (src/payments/stuck-refunds.ts). */
  resolution: 'paid_out_of_band' | null;
  resolved_by: string | null;
  resolution_note: string | null;
}
export type RefundFault = 'merchant' | 'buyer' | 'platform';
export interface TopupRequestsTable {
  id: string;
  order_id: string;
  provider: string;
  account: string;
  amount: number;
  status: 'pending' | 'success' | 'failed' | 'partial' | 'timeout';
  delivered_amount: number | null;
  requested_at: Timestamp;
  answered_at: Timestamp | null;
  detail: Json;
}
export interface LedgerAccountsTable {
  id: string;
  kind: string;
  owner_id: string | null;
  non_negative: boolean;
  tracked: boolean;
  balance: Generated<number>;
  created_at: Timestamp;
}
export interface JournalEntriesTable {
  id: string;
  kind: string;
  order_id: string | null;
  shop_id: string | null;
  memo: string;
  created_at: Timestamp;
}
export interface PostingsTable {
  id: Generated<number>;
  /** The writing transaction's id (xid8, as text), for the incremental ledger check. */
  tx: Generated<string | null>;
  entry_id: string;
  account_id: string;
  amount: number;
}
export interface OrderEventsTable {
  order_id: string;
  seq: number;
  type: string;
  at: Timestamp;
  actor: string;
  data: Json;
  hash: string;
  prev_hash: string;
}
export interface WebhooksTable {
  id: string;
  shop_id: string;
  url: string;
  /** The event types it takes (JSON array). */
  events: ColumnType<string[], string, string>;
  secret_sealed: string;
  created_by: string;
  created_at: Timestamp;
  deleted_at: Timestamp | null;
}
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';
export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  /** The exact JSON body sent (and signed). */
  payload: string;
  status: WebhookDeliveryStatus;
  attempts: Generated<number>;
  response_status: number | null;
  response_excerpt: string | null;
  last_error: string | null;
  next_attempt_at: Timestamp | null;
  created_at: Timestamp;
  delivered_at: Timestamp | null;
}
export interface JobsTable {
  id: string;
  kind: string;
  ref_id: string;
  due_at: Timestamp;
  status: 'pending' | 'done' | 'failed';
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Timestamp;
  done_at: Timestamp | null;
}
export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  status_code: number | null;
  response: Json<unknown> | null;
  /** What a replay re-renders the answer from (an id, a figure of that moment); null on keys stored before references. */
  ref: Json<unknown> | null;
  created_at: Timestamp;
}
export interface RuleSetsTable {
  version: number;
  rules: Json;
  note: string;
  published_by: string | null;
  published_at: Timestamp;
}
export interface RateLimitsTable {
  key: string;
  window_start: Timestamp;
  count: number;
}

export type CaseStatus =
  | 'auto_approved' | 'awaiting_merchant' | 'awaiting_buyer' | 'under_arbitration' | 'awaiting_evidence'
  | 'approved' | 'rejected' | 'appealed' | 'withdrawn' | 'closed';
export type CaseReason = 'not_delivered' | 'key_invalid' | 'not_as_described' | 'wrong_amount' | 'buyer_mistake' | 'no_reason';
export type ExpectedOutcome = 'full_refund' | 'partial_refund' | 'reissue';

export interface RefundCasesTable {
  id: string;
  order_id: string;
  shop_id: string;
  buyer_id: string | null;
  reason: CaseReason;
  description: string;
  expected_outcome: ExpectedOutcome;
  amount: number;
  item_ids: Json<string[]>;
  refund_to: 'original' | 'wallet';
  status: CaseStatus;
  route: string;
  rule_version: number;
  facts: Json;
  warnings: Json<unknown[]>;
  merchant_by: Timestamp | null;
  buyer_by: Timestamp | null;
  evidence_by: Timestamp | null;
  evidence_party: 'buyer' | 'merchant' | null;
  evidence_return_status: CaseStatus | null;
  decision_by: Timestamp | null;
  merchant_action: string | null;
  merchant_message: string | null;
  merchant_amount: number | null;
  decision_outcome: 'refund' | 'partial' | 'reject' | 'reissue' | null;
  decision_amount: number | null;
  decision_rule_id: string | null;
  decision_rule_version: number | null;
  decision_reason: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  first_decider_id: string | null;
  appeal_count: Generated<number>;
  appeal_by: Timestamp | null;
  appealed_by: 'buyer' | 'merchant' | null;
  appeal_reason: string | null;
  escalated_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  platform_refunded: Generated<number>;
  /** The merchant's first answer (accept, partial, reissue, contest): its response time. */
  merchant_responded_at: Timestamp | null;
  /** Set once when the decision SLA passed without a decision (the admins were alerted then). */
  overdue_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Set once when the buyer was told of the external channels (15 business days undecided). */
  external_notice_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** 换货 (buyer mistake): the product, quantity and top-up account of the replacement order, and that order once made. */
  exchange_product_id: Generated<string | null>;
  exchange_quantity: Generated<number | null>;
  exchange_topup_account: Generated<string | null>;
  exchange_order_id: Generated<string | null>;
  /** The staff member working the case (认领); cleared on release and when the case is decided. */
  claimed_by: Generated<string | null>;
  claimed_at: Generated<Date | null>;
}
/** Staff-only notes on a case: never in a party's view or the evidence package. */
export interface CaseNotesTable {
  id: string;
  case_id: string;
  author_id: string;
  body: string;
  created_at: Timestamp;
}
/** An admin's override of the chinese-days calendar for one date (YYYY-MM-DD, Asia/Shanghai). */
export interface HolidayOverridesTable {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
  created_by: string | null;
  created_at: Timestamp;
}
export interface EvidenceTable {
  id: string;
  uploader_id: string;
  sha256: string;
  mime: string;
  size: number;
  kind: string | null;
  original_name: string | null;
  created_at: Timestamp;
}
export interface CaseEvidenceTable {
  case_id: string;
  evidence_id: string;
  party: 'buyer' | 'merchant' | 'staff';
  attached_at: Timestamp;
}
export interface NotificationsTable {
  id: string;
  user_id: string;
  /** A kind of src/notify/kinds.ts; rendered per reader from `params` (`legacy_text` keeps older rows' text). */
  kind: string;
  params: Json;
  order_id: string | null;
  case_id: string | null;
  read_at: Timestamp | null;
  created_at: Timestamp;
}
export type ChatSender = 'buyer' | 'merchant' | 'staff' | 'system';
export interface ChatMessagesTable {
  id: string;
  order_id: string;
  shop_id: string;
  seq: number;
  sender: ChatSender;
  sender_id: string | null;
  sender_label: string;
  body: string;
  evidence_ids: Json<string[]>;
  flags: Json<string[]>;
  read_at: Timestamp | null;
  answer_by: Timestamp | null;
  read_unanswered_at: Timestamp | null;
  created_at: Timestamp;
}
export interface ReviewsTable {
  id: string;
  order_id: string;
  shop_id: string;
  product_id: string;
  buyer_id: string | null;
  author_label: string;
  rating: number;
  comment: string;
  created_at: Timestamp;
}
export type IdentityKind = 'real_name' | 'business_licence';
export type IdentityStatus = 'pending' | 'approved' | 'rejected';
export interface ShopIdentitiesTable {
  id: string;
  shop_id: string;
  kind: IdentityKind;
  name: string;
  /** Encrypted with the app's SecretBox; only the masked copy is ever shown. */
  number_cipher: string;
  number_masked: string;
  phone_cipher: string;
  phone_masked: string;
  status: IdentityStatus;
  reason: string | null;
  submitted_by: string;
  decided_by: string | null;
  decided_at: Timestamp | null;
  created_at: Timestamp;
}

export type KeyCheckResult = 'unused' | 'redeemed' | 'unknown';
export interface KeyChecksTable {
  id: string;
  order_id: string;
  item_id: string;
  checker: string;
  status: 'pending' | 'answered' | 'failed';
  result: KeyCheckResult | null;
  redeemed_at: Timestamp | null;
  error: string | null;
  requested_at: Timestamp;
  answered_at: Timestamp | null;
}
export interface OutboundMessagesTable {
  id: string;
  channel: 'email' | 'sms';
  recipient: string;
  kind: string;
  subject: string;
  body: string;
  order_id: string | null;
  notification_id: string | null;
  status: 'pending' | 'sent' | 'failed';
  provider: string | null;
  provider_message_id: string | null;
  error: string | null;
  created_at: Timestamp;
  sent_at: Timestamp | null;
}

/**
 * Striped counters (migrations 019, 031): sum a key's slots for the figure. `available` is kept by a
 * trigger on card_keys, `sold` (销量) by the payment (orders/pay-order.ts).
 */
export interface ProductStockTable { product_id: string; slot: number; available: number; sold: Generated<number> }
export interface ShopOrderDaysTable { shop_id: string; day: string; slot: number; paid_orders: number; fault_refunded_orders: number }
export interface ShopResponseDaysTable { shop_id: string; day: string; minutes: number; slot: number; cases: number }
export interface ShopReviewStatsTable { shop_id: string; reviews: number; stars: number }
export interface ShopEscrowTable { shop_id: string; slot: number; amount: number }
export interface LedgerCheckSumsTable { account_id: string; derived: number }
export interface LedgerCheckStateTable { id: number; watermark: string; checked_at: Timestamp }
export interface DB {
  product_stock: ProductStockTable;
  shop_order_days: ShopOrderDaysTable;
  shop_escrow: ShopEscrowTable;
  shop_review_stats: ShopReviewStatsTable;
  shop_response_days: ShopResponseDaysTable;
  ledger_check_sums: LedgerCheckSumsTable;
  ledger_check_state: LedgerCheckStateTable;
  refund_cases: RefundCasesTable;
  evidence: EvidenceTable;
  case_evidence: CaseEvidenceTable;
  notifications: NotificationsTable;
  users: UsersTable;
  sessions: SessionsTable;
  shops: ShopsTable;
  shop_suspensions: ShopSuspensionsTable;
  api_keys: ApiKeysTable;
  payouts: PayoutsTable;
  shop_payout_accounts: ShopPayoutAccountsTable;
  products: ProductsTable;
  categories: CategoriesTable;
  product_images: ProductImagesTable;
  card_keys: CardKeysTable;
  orders: OrdersTable;
  coupons: CouponsTable;
  order_items: OrderItemsTable;
  deliveries: DeliveriesTable;
  key_reveals: KeyRevealsTable;
  payments: PaymentsTable;
  payment_notifications: PaymentNotificationsTable;
  refunds: RefundsTable;
  topup_requests: TopupRequestsTable;
  ledger_accounts: LedgerAccountsTable;
  journal_entries: JournalEntriesTable;
  postings: PostingsTable;
  order_events: OrderEventsTable;
  jobs: JobsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  idempotency_keys: IdempotencyKeysTable;
  rule_sets: RuleSetsTable;
  rate_limits: RateLimitsTable;
  chat_messages: ChatMessagesTable;
  reviews: ReviewsTable;
  shop_identities: ShopIdentitiesTable;
  key_checks: KeyChecksTable;
  outbound_messages: OutboundMessagesTable;
  case_notes: CaseNotesTable;
  holiday_overrides: HolidayOverridesTable;
}

export type Order = Selectable<OrdersTable>;
export type Product = Selectable<ProductsTable>;
export type Category = Selectable<CategoriesTable>;
export type ProductImage = Selectable<ProductImagesTable>;
export type Shop = Selectable<ShopsTable>;
export type Coupon = Selectable<CouponsTable>;
export type User = Selectable<UsersTable>;
export type RefundCase = Selectable<RefundCasesTable>;
export type ChatMessage = Selectable<ChatMessagesTable>;
export type NewOrder = Insertable<OrdersTable>;
export type OrderUpdate = Updateable<OrdersTable>;
