import type { Translate } from '../../lib/i18n';
import type { MessageKey } from '../../lib/messages';

/** What the admin shop table and the shop page share: the row's shape and how statuses read. */
export type ShopStatus = 'pending_deposit' | 'active' | 'suspended';
export type IdentityState = 'none' | 'pending' | 'approved' | 'rejected';

export interface AdminShop {
  id: string; name: string; status: ShopStatus; createdAt: string;
  ownerId: string; ownerEmail: string; ownerName: string; ownerStatus: 'active' | 'disabled';
  identityStatus: IdentityState; verified: boolean;
  depositBalance: number; availableBalance: number; receivable: number;
  creditScore: number; refundRate: number; demoted: boolean; rating: number | null; ratingCount: number;
  openCases: number; suspensionReason: string | null;
}

export const statusTone = { active: 'good', pending_deposit: 'warn', suspended: 'bad' } as const;
export const identityTone = { none: 'neutral', pending: 'info', approved: 'good', rejected: 'bad' } as const;

export const shopStatusLabel = (t: Translate, status: ShopStatus) => t(`admin.shops.status.${status}` as MessageKey);
export const identityLabel = (t: Translate, status: IdentityState) => t(`admin.shops.identity.${status}` as MessageKey);
/** The shop's average rating and how many reviews it rests on, short for the table and the detail's figures. */
export const ratingLabel = (t: Translate, shop: Pick<AdminShop, 'rating' | 'ratingCount'>) =>
  (shop.rating === null ? t('admin.shops.noRating') : t('admin.shops.ratingValue', { rating: shop.rating.toFixed(1), n: shop.ratingCount }));
