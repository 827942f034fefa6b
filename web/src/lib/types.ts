/**
 * The API's view shapes, taken from the server's own types (type-only imports vanish from the
 * bundle), so a field renamed on the server breaks `npm run typecheck` instead of the page.
 */
export type { UserView } from '../../../src/accounts/users';
export type { ProductView } from '../../../src/catalog/products';
export type { CategoryView } from '../../../src/catalog/categories';
export type { ProductImageView } from '../../../src/catalog/product-images';
export type { ShopView, ShopBalance } from '../../../src/catalog/shops';
export type { OrderView } from '../../../src/orders/views';
export type { OrderSummary } from '../../../src/orders/queries';
export type { PaymentView } from '../../../src/payments/payments';
export type { TimelineEvent } from '../../../src/timeline/timeline';
export type { CreatedOrder } from '../../../src/orders/create-order';
export type { CouponView } from '../../../src/coupons/coupons';
export type { CouponQuote } from '../../../src/coupons/quote';
export type { OrderTabCounts } from '../../../src/orders/queries';
export type { StockAlert } from '../../../src/catalog/dashboard';
export type ShopDashboard = Awaited<ReturnType<typeof import('../../../src/catalog/dashboard').shopDashboard>>;

export interface Page<T> {
  items: T[];
  total: number;
}

export interface RevealedKey {
  id: string;
  itemId: string;
  code: string;
  revealedAt: string;
}

export type { CaseView } from '../../../src/aftersales/cases';
export type { MessageView, ChatEvidence } from '../../../src/chat/conversation';
export type { SentMessage } from '../../../src/chat/send-message';
export type { KeyFact } from '../../../src/chat/key-facts';
export type { ChecklistItem, Warning as CaseWarning, EvidenceKind } from '../../../src/aftersales/completeness';
import type { ChatEvidence } from '../../../src/chat/conversation';
import type { listCases } from '../../../src/aftersales/list-cases';
import type { staffQueue } from '../../../src/aftersales/arbitration';
import type { listNotifications } from '../../../src/notify/notifications';
import type { citableRules, ruleCatalog } from '../../../src/rules/publish';
import type { partyHistory } from '../../../src/aftersales/party-history';
import type { listCaseNotes } from '../../../src/aftersales/workbench';
import type { listHolidays } from '../../../src/admin/holidays';

export type CaseSummary = Awaited<ReturnType<typeof listCases>>['items'][number];
export type QueueItem = Awaited<ReturnType<typeof staffQueue>>['items'][number];
export type NotificationList = Awaited<ReturnType<typeof listNotifications>>;
export type NotificationItem = NotificationList['items'][number];
export type RuleCatalog = Awaited<ReturnType<typeof ruleCatalog>>;
/** GET /api/rules: the judgement rules a decision may cite. */
export type CitableRules = Awaited<ReturnType<typeof citableRules>>;
export type PartyHistory = Awaited<ReturnType<typeof partyHistory>>;
export type CaseNoteList = Awaited<ReturnType<typeof listCaseNotes>>;
export type HolidayList = Awaited<ReturnType<typeof listHolidays>>;

export interface UploadedEvidence {
  id: string;
  sha256: string;
  mime: string;
  size: number;
  kind: string | null;
}

/** POST /api/orders/:id/refund-cases/preview */
export interface CasePreview {
  verdict: {
    kind: 'accepted' | 'refused' | 'invalid';
    route?: 'auto_approve' | 'to_merchant' | 'to_staff';
    rule?: string;
    ruleVersion: number;
    amount?: number;
    refund?: number;
    fee?: number;
    code?: string;
    message?: string;
    notes?: string[];
    /** A buyer mistake (误拍): the fee its resolution pays, or the one the rule waives. */
    mistake?: { resolution: 'refund' | 'wallet' | 'exchange'; fee: number; waived: boolean; waivedFee: number; rule: string } | null;
  };
  warnings: Array<{ code: string; message: string }>;
  checklist: Array<{ kind: 'transaction' | 'problem' | 'communication'; label: string; required: boolean; byPlatform: boolean; provided: boolean }>;
  prefilled: Record<string, unknown>;
}

/** The platform's own records attached to a case (系统证据). */
export interface SystemEvidence {
  order?: { orderNo: string; paidAt: string | null; deliveredAt: string | null; amount: number; paid: number; channel: string };
  deliveryLog?: Array<{ kind: string; at: string; detail: Record<string, unknown> }>;
  revealLog?: Array<{ itemId: string; at: string; ip: string | null; userAgent: string | null; consent: string | null }>;
  supplier?: { provider: string; account: string; status: string; requested: number; delivered: number | null; requestedAt: string; answeredAt: string | null } | null;
  refunds?: Array<{ amount: number; status: string; channel: string; at: string }>;
  notes?: string[];
  /** 第三方佐证: the upstream key checker's answer per key. */
  keyCheck?: Array<{ itemId: string; checker: string; result: 'unused' | 'redeemed' | 'unknown'; redeemedAt: string | null; checkedAt: string; redeemedBeforeDelivery: boolean }>;
  /** 沟通记录: the order's chat and the buyer messages read but not answered in time (已读未回). */
  chat?: ChatEvidence;
}

export type { ShopPage as ShopPageView } from '../../../src/trust/shop-page';
export type { ReviewView } from '../../../src/trust/reviews';
export type { IdentityView } from '../../../src/trust/identity';
import type { listShopReviews } from '../../../src/trust/reviews';
import type { listIdentities } from '../../../src/trust/identity';
export type ShopReviews = Awaited<ReturnType<typeof listShopReviews>>;
export type IdentityReviewItem = Awaited<ReturnType<typeof listIdentities>>['items'][number];
