import type { Logger } from 'pino';
import type { Config } from './config';
import type { Db, Engine } from './db/connect';
import type { TopupProvider } from './fulfillment/provider';
import type { RuleBook } from './rules/rule-sets';
import type { Scheduler } from './scheduler/scheduler';
import type { EvidenceStore } from './storage/evidence-store';
import type { Clock } from './shared/clock';
import type { SecretBox } from './shared/secret-box';
import type { Role } from './db/schema';

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
  evidenceStore: EvidenceStore;
}

/** Who is acting: a signed-in user, or a guest holding one order's query session. */
export type Actor =
  | { kind: 'user'; userId: string; role: Role }
  | { kind: 'guest'; orderId: string };

export const isStaff = (actor: Actor | null): boolean =>
  actor?.kind === 'user' && (actor.role === 'staff' || actor.role === 'admin');
