import { isIPv6 } from 'node:net';
import type { Ctx } from '../context';
import { AppError } from '../shared/errors';
import { countHit, forgetHits, secondsUntilWindowEnds, takeBackHit } from '../shared/rate-limit';

/** Failed sign-ins one account may take per window before it is locked until the window ends. */
export const loginFailuresPerAccountMax = 5;
/** A larger budget per client address: many people may share one office or carrier NAT. */
export const loginFailuresPerAddressMax = 50;
export const loginFailureWindowMinutes = 15;
export const loginBusyRetryAfterSeconds = 1;

/**
 * The address an attempt is counted against: IPv4 as it is, IPv6 by its /64, since one
 * subscriber usually holds a whole /64 and could otherwise take a fresh address per guess.
 */
export function addressKey(ip: string): string {
  const address = ip.split('%')[0];
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head, tail] = address.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0');
  const groups = tail === undefined ? headGroups : [...headGroups, ...zeros, ...tailGroups];
  return `${groups.slice(0, 4).map((group) => parseInt(group, 16).toString(16)).join(':')}::/64`;
}

const keys = (email: string, ip: string) => ({ account: `login:account:${email}`, address: `login:address:${addressKey(ip)}` });

const throttled = (retryAfterSeconds: number, limit: 'account' | 'address') => new AppError(
  'LOGIN_THROTTLED', 429, `too many failed sign-ins; try again in ${Math.ceil(retryAfterSeconds / 60)} minutes`,
  { details: { retryAfterSeconds, limit } },
);

/**
 * Counts a sign-in attempt against the address and the email before any password work, and
 * refuses once either is over its budget. Counting up front (and taking the count back on success)
 * bounds the argon2 work per account even when many attempts arrive at once on several servers.
 * Unknown emails are counted the same way, so the throttle does not reveal which accounts exist.
 */
export async function reserveLoginAttempt(ctx: Ctx, email: string, ip: string): Promise<void> {
  const now = ctx.clock.now();
  const key = keys(email, ip);
  const address = await countHit(ctx.db, key.address, loginFailureWindowMinutes, now);
  if (address.count > loginFailuresPerAddressMax) {
    throw throttled(secondsUntilWindowEnds(address.windowStart, loginFailureWindowMinutes, now), 'address');
  }
  const account = await countHit(ctx.db, key.account, loginFailureWindowMinutes, now);
  if (account.count > loginFailuresPerAccountMax) {
    throw throttled(secondsUntilWindowEnds(account.windowStart, loginFailureWindowMinutes, now), 'account');
  }
}

/** A successful sign-in starts the account over and does not count against the address. */
export async function loginSucceeded(ctx: Ctx, email: string, ip: string): Promise<void> {
  const key = keys(email, ip);
  await forgetHits(ctx.db, key.account);
  await takeBackHit(ctx.db, key.address);
}

/** No password check ran (every slot busy): the attempt counts against nobody. */
export async function loginNotAttempted(ctx: Ctx, email: string, ip: string): Promise<AppError> {
  const key = keys(email, ip);
  await takeBackHit(ctx.db, key.account);
  await takeBackHit(ctx.db, key.address);
  return new AppError('LOGIN_BUSY', 429, 'the server is busy checking other sign-ins; try again in a moment', {
    details: { retryAfterSeconds: loginBusyRetryAfterSeconds },
  });
}
