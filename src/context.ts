import type { Logger } from 'pino';
import type { Config } from './config';
import type { Db, Engine } from './db/connect';
import type { PasswordVerifier } from './accounts/passwords';
import type { SessionCache } from './accounts/session-cache';
import type { TopupProvider } from './fulfillment/provider';
import type { Mailer } from './notify/notifications';
import type { RuleBook } from './rules/rule-sets';
import type { Scheduler } from './scheduler/scheduler';
import type { EvidenceStore } from './storage/evidence-store';
import type { Clock } from './shared/clock';
import type { SecretBox } from './shared/secret-box';
import type { Role } from './db/schema';
import type { SettlementHold } from './orders/settle';
import type { KeyCheckers } from './aftersales/key-check';
import type { SmsProvider } from './notify/sms';
import type { PaymentRails } from './payments/channels/registry';

/** What every use case is given: the composition root builds one per process. */
export interface Ctx {
  config: Config;
  db: Db;
  engine: Engine;
  clock: Clock;
  rules: RuleBook;
  box: SecretBox;
  log: Logger;
  scheduler: Scheduler;
  topups: TopupProvider;
  /** Checks that can hold an order's escrow back (an open case, a waiting refund); asked at settlement. */
  settlementHolds: readonly SettlementHold[];
  /** Sign-in password checks: a per-process cap on argon2 work and the dummy hash for unknown emails. */
  passwords: PasswordVerifier;
  /** Null when SMTP_URL is unset. */
  mailer: Mailer | null;
  evidenceStore: EvidenceStore;
  /** Upstream key checkers card-key products may name (第三方佐证). */
  keyCheckers: KeyCheckers;
  /** Null when SMS is off. */
  sms: SmsProvider | null;
  /** The payment channels on offer and their providers (simulated in sandbox mode). */
  rails: PaymentRails;
  /** Resolved sessions for a few seconds (KAMENG_SESSION_CACHE_TTL_MS), forgotten on every server when one ends. */
  sessionCache: SessionCache;
}

/** A signed-in person. */
export interface UserActor { kind: 'user'; userId: string; role: Role }
/** A guest buyer holding the token of one order (from guest checkout or order lookup). */
export interface GuestActor { kind: 'guest'; orderId: string }
/** A merchant's API key: acts as the shop's owner, for that one shop only. */
export interface ApiKeyActor { kind: 'api_key'; keyId: string; shopId: string; userId: string }
/** The platform itself: a timer job, or a provider's verified callback. `source` says which. */
export interface SystemActor { kind: 'system'; source: string }

/**
 * Who is acting. Every state-changing use case receives one of these; there is no "null means
 * the system". Routes declare which kinds they accept (http/access.ts).
 */
export type Actor = UserActor | GuestActor | ApiKeyActor | SystemActor;
/** Nobody signed in: only public reads and guest checkout take it. */
export interface Anonymous { kind: 'anonymous' }
export type Caller = Actor | Anonymous;

export const systemActor = (source: string): SystemActor => ({ kind: 'system', source });
export const anonymous: Anonymous = { kind: 'anonymous' };

export const isStaff = (actor: Caller): boolean =>
  actor.kind === 'user' && (actor.role === 'staff' || actor.role === 'admin');

/** Who wrote an event onto the timeline. */
export function actorLabel(actor: Caller): string {
  switch (actor.kind) {
    case 'user': return `${actor.role}:${actor.userId}`;
    case 'guest': return 'guest';
    case 'api_key': return `api_key:${actor.keyId}`;
    case 'system': return actor.source.startsWith('channel:') ? actor.source : 'system';
    case 'anonymous': return 'anonymous';
  }
}
