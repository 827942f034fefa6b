import pino, { type Logger } from 'pino';
import { PasswordVerifier } from './accounts/passwords';
import { SessionCache, SessionInvalidations } from './accounts/session-cache';
import { type Config, loadConfig } from './config';
import type { Ctx } from './context';
import { migrate, openDatabase, type Database } from './db/connect';
import { SimulatedTopupProvider, type TopupResult } from './fulfillment/provider';
import { dispatchTopup, expireTopup, handleTopupResult } from './fulfillment/topups';
import { buildServer, type RouteGroup } from './http/server';
import type { App } from './http/app-type';
import { expirySweep } from './orders/expire';
import { housekeepingSweep } from './scheduler/housekeeping';
import { autoConfirm } from './orders/settle';
import { completeRefundArrival, fundRetry, fundWaitingRefund, waitingRefundHold } from './payments/refunds';
import { ensureRuleSet, RuleBook } from './rules/rule-sets';
import { sandboxRuleValues } from './rules/defaults';
import { Scheduler } from './scheduler/scheduler';
import { calendarReloadMs, loadCalendarOverrides } from './admin/holidays';
import { uncoveredYears } from './shared/business-days';
import { evidenceDeadline } from './aftersales/arbitration';
import { buyerDeadline, merchantDeadline } from './aftersales/deadlines';
import { openCaseHold } from './aftersales/execute';
import { createMailer, sendNotificationEmail } from './notify/notifications';
import { recordReadUnanswered } from './chat/read-unanswered';
import { createKeyCheckers } from './aftersales/key-check';
import { decisionOverdue, externalNotice } from './aftersales/overdue';
import { deadlineReminderJob, remindDeadline } from './aftersales/deadline-reminders';
import { createSmsProvider } from './notify/sms';
import { sendOutboundMessage } from './notify/outbound';
import { Clock } from './shared/clock';
import { SecretBox } from './shared/secret-box';
import { attemptDelivery } from './webhooks/webhooks';
import { webhookDeliveryJob } from './webhooks/events';
import { createEvidenceStore } from './storage/evidence-store';
import path from 'node:path';
import { PaymentRails } from './payments/channels/registry';
import { loadSandboxKeys } from './payments/channels/simulator';
import { reconcilePayment } from './payments/reconcile';
import { queryProviderRefund, requestProviderRefund } from './payments/provider-refund';
import { sendPayout } from './payments/send-payout';

export interface Kameng {
  ctx: Ctx;
  server: App;
  database: Database;
  /** On PostgreSQL with the session cache on: the connection that hears other servers' session changes. */
  sessionListener?: SessionInvalidations;
  close(): Promise<void>;
}

export interface StartOptions {
  config?: Partial<Config>;
  /**
   * An already open database (tests share one per file). On PostgreSQL give the `url` it was opened
   * with: the server listens there for other servers' session changes, and without it the session
   * cache stays off.
   */
  database?: Database & { url?: string };
  logger?: Logger;
  routes?: RouteGroup[];
  /** The built web app to serve (default web/dist; a test serves a folder of its own). */
  webRoot?: string;
}

/** Composition root: config → db → services → http → scheduler. */
export async function createKameng(options: StartOptions = {}): Promise<Kameng> {
  const config: Config = { ...loadConfig(), ...options.config };
  const log = options.logger ?? pino({ level: config.logLevel });
  const started = performance.now();
  const phase = (name: string) => log.debug({ ms: Math.round(performance.now() - started) }, `start-up: ${name}`);
  // Read (or, on a first start, generated on the thread pool) while the database opens.
  const sandboxKeysLoaded = config.sandbox ? loadSandboxKeys(config.dataDir) : undefined;
  sandboxKeysLoaded?.catch(() => undefined);
  // The verifier's dummy hash (argon2, ~20 ms on the thread pool) is made while the database opens too.
  const passwordsReady = PasswordVerifier.create();
  passwordsReady.catch(() => undefined);
  const database = options.database ?? await openDatabase({ databaseUrl: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite'), poolSize: config.dbPoolSize });
  phase('database open');
  await migrate(database.db);
  phase('migrations checked');
  const clock = new Clock(config.sandbox);
  const ruleBase = config.sandbox ? sandboxRuleValues : {};
  await ensureRuleSet(database.db, clock.now(), ruleBase);

  phase('rule set checked');
  await sandboxKeysLoaded;
  phase('sandbox keys loaded');
  // The simulator answers later through the context it belongs to, hence the late-bound reference.
  const simulator = new SimulatedTopupProvider(config.topupSimulator, (orderId: string, result: TopupResult) => handleTopupResult(ctx, orderId, result));
  const ctx: Ctx = {
    config, db: database.db, engine: database.engine, clock, log, rules: new RuleBook(database.db, ruleBase), box: new SecretBox(config.secret),
    scheduler: new Scheduler(database.db, clock, log), topups: simulator, settlementHolds: [openCaseHold, waitingRefundHold],
    passwords: await passwordsReady, mailer: await createMailer(config.smtpUrl), evidenceStore: createEvidenceStore(config),
    keyCheckers: createKeyCheckers(config.sandbox), sms: createSmsProvider(config.sms, config.sandbox),
    rails: new PaymentRails(config.sandbox, config.rails ?? {}, () => clock.now()),
    // On PostgreSQL it serves only once its listener is heard (listenForSessionChanges).
    sessionCache: new SessionCache({ ttlMs: config.sessionCacheTtlMs, serving: database.engine === 'pglite' }),
  };
  registerJobs(ctx);
  await loadCalendarOverrides(ctx.db);
  const missing = uncoveredYears(clock.now());
  if (missing.length > 0) log.warn({ years: missing }, `the chinese-days calendar does not cover ${missing.join(', ')}: business-day deadlines there count Monday–Friday plus the admin's holiday overrides (/admin/holidays)`);
  // Another server's edits reach this one within a minute.
  const calendarReload = setInterval(() => { loadCalendarOverrides(ctx.db).catch((error) => log.warn({ err: error }, 'holiday overrides reload failed')); }, calendarReloadMs);
  calendarReload.unref();

  phase('services ready');
  const server = await buildServer(ctx, options.routes, options.webRoot);
  await server.ready();
  phase('routes ready');
  const sessionListener = await listenForSessionChanges(ctx, options.database ? options.database.url : config.databaseUrl);
  ctx.scheduler.start(config.schedulerIntervalMs);
  return {
    ctx, server, database, sessionListener,
    async close() {
      clearInterval(calendarReload);
      await ctx.scheduler.stop();
      simulator.stop();
      await server.close();
      await sessionListener?.stop();
      ctx.mailer?.close();
      ctx.evidenceStore.close?.();
      if (!options.database) await database.close();
    },
  };
}

/**
 * PGlite is one process: forgetting locally is enough. On PostgreSQL other servers may end a
 * session, so the cache serves only while a listener hears them (src/accounts/session-cache.ts).
 */
async function listenForSessionChanges(ctx: Ctx, url: string | undefined): Promise<SessionInvalidations | undefined> {
  if (ctx.engine !== 'postgres' || ctx.config.sessionCacheTtlMs === 0) return undefined;
  if (!url) {
    ctx.log.info('session cache off: the database was given without its URL, so session changes on other servers could not be heard');
    return undefined;
  }
  const listener = new SessionInvalidations(ctx.sessionCache, url, ctx.db, ctx.log);
  await listener.start();
  return listener;
}

function registerJobs(ctx: Ctx): void {
  // Jobs that call another system run in the outbound lane (see Scheduler).
  const outbound = { lane: 'outbound' } as const;
  ctx.scheduler.register('case_merchant_deadline', (id, now) => merchantDeadline(ctx, id, now));
  ctx.scheduler.register('case_buyer_deadline', (id, now) => buyerDeadline(ctx, id, now));
  ctx.scheduler.register('case_evidence_deadline', (id, now) => evidenceDeadline(ctx, id, now));
  ctx.scheduler.register(deadlineReminderJob, (ref, now) => remindDeadline(ctx, ref, now));
  ctx.scheduler.register('email_notification', (id) => sendNotificationEmail(ctx, id), outbound);
  ctx.scheduler.registerSweep(expirySweep(ctx));
  ctx.scheduler.registerSweep(housekeepingSweep(ctx));
  ctx.scheduler.register('auto_confirm', (id, now) => autoConfirm(ctx, [id], now), { batch: (ids, now) => autoConfirm(ctx, ids, now) });
  ctx.scheduler.register('topup_dispatch', (id) => dispatchTopup(ctx, id), outbound);
  ctx.scheduler.register('topup_timeout', (id, now) => expireTopup(ctx, id, now));
  ctx.scheduler.register('refund_arrival', (id, now) => completeRefundArrival(ctx, id, now));
  ctx.scheduler.register('refund_funding', (id, now) => fundWaitingRefund(ctx, id, now));
  ctx.scheduler.register('refund_funding_retry', (ref, now) => fundRetry(ctx, ref, now));
  ctx.scheduler.register(webhookDeliveryJob, (ref, now) => attemptDelivery(ctx, ref, now), outbound);
  ctx.scheduler.register('chat_read_unanswered', (id, now) => recordReadUnanswered(ctx, id, now));
  ctx.scheduler.register('case_decision_sla', (id, now) => decisionOverdue(ctx, id, now));
  ctx.scheduler.register('case_external_notice', (id, now) => externalNotice(ctx, id, now));
  ctx.scheduler.register('outbound_message', (id, now) => sendOutboundMessage(ctx, id, now), outbound);
  ctx.scheduler.register('payment_reconcile', (ref, now) => reconcilePayment(ctx, ref, now), outbound);
  ctx.scheduler.register('refund_provider', (id) => requestProviderRefund(ctx, id), outbound);
  ctx.scheduler.register('refund_query', (ref, now) => queryProviderRefund(ctx, ref, now), outbound);
  ctx.scheduler.register('payout_provider', (id) => sendPayout(ctx, id), outbound);
  ctx.scheduler.register('payout_query', (ref) => sendPayout(ctx, ref), outbound);
}
