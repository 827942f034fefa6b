import { describe, expect, it } from 'vitest';
import { rewordSystemText, systemText, systemTexts, unknownTime, type SystemTextKey } from './system-text';

const han = /\p{Script=Han}/u;
// Values as the producers fill them (numbers, ISO times, codes, a list of times).
const values = {
  at: '2026-12-01T10:00:00.000Z', viewed: 1, total: 3, status: 'succeeded', amount: 500, n: 2, times: `2026-12-01T11:00:00.000Z、${unknownTime.zh}`,
  caseNo: 'a1b2c3d4', reason: 'key_invalid', rule: 'risk.claims-7d', channel: 'wechat', description: 'Paid but nothing came',
};

describe('system texts', () => {
  it.each(Object.keys(systemTexts) as SystemTextKey[])('%s reads back in English from its Chinese record', (key) => {
    const english = rewordSystemText(systemText(key, 'zh', values), 'en');
    expect(english).not.toMatch(han);
    if (key !== 'redeemedAfterDelivery') expect(english).toBe(systemText(key, 'en', values));
  });

  it('re-joins a list of times with commas and words a missing time', () => {
    expect(rewordSystemText(systemText('redeemedAfterDelivery', 'zh', values), 'en')).toContain('(2026-12-01T11:00:00.000Z, time unknown)');
  });

  it('keeps the more specific template ahead of the general one', () => {
    expect(rewordSystemText('上游回调：partial（到账 300 分）', 'en')).toBe("The supplier's callback: partial (300 fen arrived)");
    expect(rewordSystemText('售后单 a1b2c3d4：误拍换货', 'en')).toBe('After-sales case a1b2c3d4: exchange for a buyer mistake');
  });

  it("keeps a channel complainant's words as written after the platform's prefix", () => {
    expect(rewordSystemText('支付渠道投诉（alipay）：付款后未收到商品，商家不回复', 'en')).toBe('Payment channel complaint (alipay): 付款后未收到商品，商家不回复');
  });

  it.each([['a reason staff wrote', '多次恶意申请，客服核实'], ['a note with more after a system phrase', '尚未发货，买家催促'], ['nothing', null]])('keeps %s as written', (_name, recorded) => {
    expect(rewordSystemText(recorded, 'en')).toBe(recorded);
  });

  it('leaves Chinese readers the record as it is', () => {
    expect(rewordSystemText('客服标记', 'zh')).toBe('客服标记');
  });
});
