import type { Migration } from 'kysely/migration';
import * as core from './001_core';
import * as aftersales from './002_aftersales';
import * as refundWaiting from './003_refund_waiting';
import * as integrity from './004_integrity';
import * as chat from './005_chat';
import * as risk from './007_risk';
import * as trust from './008_trust';
import * as outside from './009_outside';
import * as mistake from './010_mistake';
import * as rails from './011_rails';
import * as webhooks from './012_webhooks';
import * as payouts from './013_payouts';
import * as workbench from './014_workbench';
import * as catalog from './015_catalog';
import * as coupons from './016_coupons';
import * as notificationKinds from './017_notification_kinds';
import * as shopSuspensions from './018_shop_suspensions';
import * as readCounters from './019_read_counters';
import * as timers from './020_timers';
import * as stuckRefunds from './022_stuck_refunds';
import * as ledgerCheckSumsFk from './025_ledger_check_sums_fk';
import * as trustReads from './027_trust_reads';
import * as hotRows from './031_hot_rows';

/** Every migration, in order. Both engines run the same list. */
export const migrations: Record<string, Migration> = {
  '001_core': core,
  '002_aftersales': aftersales,
  '003_refund_waiting': refundWaiting,
  '004_integrity': integrity,
  '005_chat': chat,
  '007_risk': risk,
  '008_trust': trust,
  '009_outside': outside,
  '010_mistake': mistake,
  '011_rails': rails,
  '012_webhooks': webhooks,
  '013_payouts': payouts,
  '014_workbench': workbench,
  '015_catalog': catalog,
  '016_coupons': coupons,
  '017_notification_kinds': notificationKinds,
  '018_shop_suspensions': shopSuspensions,
  '019_read_counters': readCounters,
  '020_timers': timers,
  '022_stuck_refunds': stuckRefunds,
  '025_ledger_check_sums_fk': ledgerCheckSumsFk,
  '027_trust_reads': trustReads,
  '031_hot_rows': hotRows,
};
