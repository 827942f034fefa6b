import { describe, expect, it } from 'vitest';
import { rewordReason, systemReason, systemReasons, type SystemReason } from './system-reasons';

const han = /\p{Script=Han}/u;

describe('system decision reasons', () => {
  it.each(Object.keys(systemReasons) as SystemReason[])('%s reads back in English from its Chinese record', (reason) => {
    const recorded = systemReason(reason, 'zh', { fee: 150 });
    const english = rewordReason(recorded, 'en');
    expect(english).toBe(systemReason(reason, 'en', { fee: 150 }));
    expect(english).not.toMatch(han);
  });

  it('carries the fee over into the English words', () => {
    expect(rewordReason('商品支持无理由退款，扣除手续费 250 分后退款', 'en')).toBe('The product accepts no-reason refunds; refunded after a fee of 250 fen');
  });

  it.each([
    ['a reason staff wrote', '卡密截图显示已被使用，商家未提供反证'],
    ['a merchant message that contains a system phrase', '商家同意买家的售后请求，另赠一张卡'],
    ['nothing', null],
  ])('keeps %s as written', (_name, recorded) => {
    expect(rewordReason(recorded, 'en')).toBe(recorded);
  });

  it('leaves Chinese readers the record as it is', () => {
    expect(rewordReason(systemReason('merchantSilent', 'zh'), 'zh')).toBe('商家未在响应时限内处理，按规则支持买家');
  });
});
