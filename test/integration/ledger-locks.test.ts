import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { StartOver, withTransaction } from '../../src/db/transaction';
import { accounts } from '../../src/ledger/accounts';
import { lockAccounts } from '../../src/ledger/journal';
import { engine } from '../support/databases';
import { useTestApp } from '../support/harness';

const t = useTestApp();

/** Runs `first` in a transaction held open until the returned `commit` is called. */
function heldTransaction(work: (tx: Parameters<Parameters<typeof withTransaction>[1]>[0]) => Promise<unknown>) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  let started!: () => void;
  const ready = new Promise<void>((resolve) => { started = resolve; });
  const done = t.kameng.ctx.db.transaction().execute(async (tx) => {
    await work(tx);
    started();
    await gate;
  });
  return { ready, commit: async () => { release(); await done; } };
}

describe('ledger account locks (DESIGN.md "Money locks in one order")', () => {
  // An account created by another transaction while this one's locking statement waited for it is in
  // neither half of that statement; the rows it did lock may sort after the missing one, so locking
  // that one afterwards would take locks out of order (15 first settlements of a new shop deadlocked
  // like that). The transaction starts over instead.
  it.skipIf(engine() !== 'postgres')('an account created meanwhile by another transaction makes the locking transaction start over, and the retry locks it', async () => {
    const shopId = randomUUID();
    const now = t.kameng.ctx.clock.now();
    const creator = heldTransaction((tx) => lockAccounts(tx, [accounts.merchantAvailable(shopId)], now));
    await creator.ready;

    const locks = [accounts.compensationFund(), accounts.merchantAvailable(shopId)];
    const direct = t.kameng.ctx.db.transaction().execute((tx) => lockAccounts(tx, locks, now));
    const directOutcome = direct.then(() => 'locked', (error: unknown) => error);
    await sleep(300);
    let tries = 0;
    const retried = withTransaction(t.kameng.ctx.db, (tx) => { tries += 1; return lockAccounts(tx, locks, now); });
    await sleep(300);
    await creator.commit();

    const error = await directOutcome;
    expect(error).toBeInstanceOf(StartOver);
    expect((error as StartOver).code).toBe('40001');
    const balances = await retried;
    expect([...balances.keys()].sort()).toEqual(locks.map((a) => a.id).sort());
    expect(tries).toBe(2);
  });

  it('every account of one statement is created and locked when none existed', async () => {
    const shopId = randomUUID();
    const locks = [accounts.merchantAvailable(shopId), accounts.merchantReceivable(shopId), accounts.compensationFund()];
    const balances = await withTransaction(t.kameng.ctx.db, (tx) => lockAccounts(tx, locks, t.kameng.ctx.clock.now()));
    expect(Object.fromEntries(balances)).toEqual({ [locks[0].id]: 0, [locks[1].id]: 0, [locks[2].id]: expect.any(Number) });
  });
});
