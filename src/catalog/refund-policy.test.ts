import { describe, expect, it } from 'vitest';
import { defaultRuleValues } from '../rules/defaults';
import { afterSalesWindowMinutes, formatDuration, refundPolicyText, type PolicyInput } from './refund-policy';

const rules = defaultRuleValues();
const product = (over: Partial<PolicyInput>): PolicyInput => ({
  type: 'card_key', afterSalesWindowMinutes: null, promisedDeliveryMinutes: null, noReasonAllowed: false, noReasonFeeBp: 0, ...over,
});

describe('formatDuration', () => {
  it.each([[5, '5 分钟'], [60, '1 小时'], [90, '90 分钟'], [1440, '1 天'], [4320, '3 天'], [2880, '2 天'], [120, '2 小时']])('%i minutes reads %s', (minutes, text) => {
    expect(formatDuration(minutes)).toBe(text);
  });
});

describe('afterSalesWindowMinutes', () => {
  it.each([
    ['card key uses the card-key report rule', product({}), 60],
    ['top-up uses the other-goods rule', product({ type: 'topup' }), 1440],
    ['manual uses the other-goods rule', product({ type: 'manual' }), 1440],
    ['the product setting wins', product({ afterSalesWindowMinutes: 4320 }), 4320],
  ])('%s', (_name, input, minutes) => {
    expect(afterSalesWindowMinutes(input, rules)).toBe(minutes);
  });
});

describe('refundPolicyText', () => {
  it.each([
    ['card key: instant refund window, report window, reveal rule, auto-confirm', product({}), ['5 分钟', '秒退', '1 小时', '查看卡密即视为拆封', '不支持无理由退款', '1 天']],
    ['card key with its own 3-day window', product({ afterSalesWindowMinutes: 4320 }), ['3 天内申请售后']],
    ['card key allowing no-reason refunds with a 5% fee', product({ noReasonAllowed: true, noReasonFeeBp: 500 }), ['支持无理由退款', '5%', '查看卡密前']],
    ['top-up: failure and the 30-minute timeout refund, partial refunds the difference', product({ type: 'topup' }), ['30 分钟', '全额自动退款', '退还差额', '1 天内申请售后']],
    ['manual: promised delivery time and late-delivery refund', product({ type: 'manual', promisedDeliveryMinutes: 120 }), ['2 小时内人工发货', '超时未发货可申请全额退款', '1 天内可申请售后']],
    ['manual with a 2-day window', product({ type: 'manual', promisedDeliveryMinutes: 60, afterSalesWindowMinutes: 2880 }), ['1 小时内人工发货', '2 天内可申请售后']],
  ])('%s', (_name, input, phrases) => {
    const { full } = refundPolicyText(input, rules);
    for (const phrase of phrases) expect(full).toContain(phrase);
  });

  it('follows the rules in force, not constants', () => {
    const { full, short } = refundPolicyText(product({ type: 'topup' }), { ...rules, 'topup.upstream-timeout': 45 });
    expect(full).toContain('45 分钟');
    expect(short).toContain('充值失败/超时自动退款');
  });

  it('states in the short text when a card key product refuses no-reason refunds', () => {
    expect(refundPolicyText(product({}), rules).short).toContain('不支持无理由退款');
    expect(refundPolicyText(product({ noReasonAllowed: true, noReasonFeeBp: 250 }), rules).short).toContain('2.50%');
  });
});
