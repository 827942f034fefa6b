import type { Ctx, UserActor } from '../context';
import { normalizePhone, phonePattern } from '../notify/sms';
import { badRequest } from '../shared/errors';

/** 手机号: the user's own number for SMS notices, or null to stop them. */
export async function setPhone(ctx: Ctx, actor: UserActor, input: { phone: string | null }): Promise<{ phone: string | null }> {
  const phone = input.phone === null || input.phone.trim() === '' ? null : normalizePhone(input.phone);
  if (phone !== null && !phonePattern.test(phone)) {
    throw badRequest('PHONE_INVALID', 'a phone number is an 11-digit mainland mobile number (13800138000) or an international one with + (+85291234567)');
  }
  await ctx.db.updateTable('users').set({ phone }).where('id', '=', actor.userId).executeTakeFirstOrThrow();
  return { phone };
}
