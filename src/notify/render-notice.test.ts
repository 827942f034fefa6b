import { describe, expect, it } from 'vitest';
import type { NoticeKind, NoticeParams } from './kinds';
import { defaultReader, formatTime, sentence } from './reader-format';
import { renderNotice } from './render-notice';

const at = '2026-12-01T22:48:26.513Z'; // 06:48 on 2 December in Beijing
const later = '2026-12-03T16:00:00.000Z';

/** One sample per kind: the mapped type makes a new kind without a sample fail to compile. */
const samples: { [K in NoticeKind]: NoticeParams[K] } = {
  order_paid: { orderNo: 'K1', productTitle: '代写周报', quantity: 1, amount: 1990, productType: 'manual', deliverBy: at },
  order_delivered: { orderNo: 'K1', productTitle: 'Steam 充值卡', productType: 'card_key' },
  refund_booked: { orderNo: 'K1', amount: 5000, destination: 'original', expectedBy: later, cause: 'topup_failed' },
  refund_arrived: { orderNo: 'K1', amount: 5000 },
  refund_funded: { orderNo: 'K1', amount: 5000 },
  late_delivery_penalty: { orderNo: 'K1', minutesLate: 42, amount: 100, reader: 'buyer', paidTo: 'wallet' },
  case_opened: { orderNo: 'K1', merchantBy: at },
  case_auto_approved: { orderNo: 'K1', amount: 1000, ruleId: 'aftersales.instant-refund-window' },
  case_merchant_response: { orderNo: 'K1', accepted: false, buyerBy: later },
  case_closed: { orderNo: 'K1', bySystem: true },
  case_escalated: { orderNo: 'K1', decisionBy: later },
  case_withdrawn: { orderNo: 'K1' },
  case_evidence_requested: { orderNo: 'K1', note: '请提供上游核销记录。', evidenceBy: at },
  case_evidence_submitted: { orderNo: 'K1', party: 'merchant' },
  case_evidence_not_provided: { orderNo: 'K1', party: 'buyer' },
  case_decided: { orderNo: 'K1', by: 'staff', outcome: 'refund', amount: 1234, ruleId: 'aftersales.judgement.claim-proven', reason: '截图清楚显示卡密无效。', appeal: false, appealBy: later },
  case_appealed: { orderNo: 'K1', party: 'buyer' },
  case_deadline_approaching: { orderNo: 'K1', step: 'merchant_response', deadline: at },
  case_overdue: { orderNo: 'K1', decisionBy: at },
  case_external_channels: { orderNo: 'K1', days: 15, link: 'https://kameng.example/api/orders/1/evidence-package?format=html', channel: 'alipay' },
  case_exchanged: { orderNo: 'K1', newOrderNo: 'K2', newTitle: '月卡', refunded: 0, paidFromWallet: 300 },
  case_exchange_failed: { orderNo: 'K1', amount: 800, error: { code: 'PRODUCT_OUT_OF_STOCK', message: 'the product is out of stock' } },
  chat_message: { orderNo: 'K1', from: 'merchant', flagged: true },
  chat_read_unanswered: { orderNo: 'K1', ruleId: 'chat.read-unanswered-minutes' },
  review_posted: { orderNo: 'K1', rating: 5 },
  identity_approved: { shopName: '星辰小铺' },
  identity_rejected: { shopName: '星辰小铺', reason: '营业执照照片模糊。' },
  shop_suspended: { shopName: 'Star Cards', reason: 'several buyers reported used keys' },
  shop_reinstated: { shopName: 'Star Cards', reason: 'deposit restored', active: false },
  withdrawal_paid: { amount: 10000, channel: 'bank' },
  refund_fallback_wallet: { orderNo: 'K20261201000001', amount: 1990, channel: 'wechat' },
  withdrawal_failed: { amount: 10000, channel: 'bank', failure: 'account closed' },
  legacy_text: { title: '旧通知', body: '旧的正文' },
};

const iso = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const ruleId = /\b(aftersales|chat|order|trust|refund)\.[a-z-]+/;

describe('every notice kind in both languages', () => {
  for (const [kind, params] of Object.entries(samples)) {
    for (const lang of ['zh', 'en'] as const) {
      it(`${kind} (${lang}) has a title and a body with no placeholder, raw time, rule id or doubled punctuation`, () => {
        const { title, body } = renderNotice(kind, params as Record<string, unknown>, defaultReader(lang));
        const text = `${title}\n${body}`;
        expect(title.trim()).not.toBe('');
        expect(body.trim()).not.toBe('');
        expect(text).not.toMatch(/\{\w+\}|undefined|null|NaN|\[object/);
        expect(text).not.toMatch(iso);
        expect(text.replace(/https:\S+/g, '')).not.toMatch(ruleId);
        expect(text).not.toMatch(/。。|\.\.|，，|,,|。\.|\.。/);
        if (lang === 'en' && kind !== 'legacy_text') expect(text.replace(/星辰小铺|代写周报|月卡|Steam 充值卡|请提供上游核销记录|截图清楚显示卡密无效|营业执照照片模糊/g, '')).not.toMatch(/[\u4e00-\u9fff]/);
      });
    }
  }

  it('times are shown in Beijing time: 22:48 UTC is 06:48 the next day', () => {
    expect(formatTime(at, defaultReader('zh'))).toBe('2026年12月2日 06:48（北京时间）');
    expect(formatTime(at, defaultReader('en'))).toBe('2 Dec 2026, 06:48 (Beijing time)');
    const { body } = renderNotice('order_paid', samples.order_paid, defaultReader('en'));
    expect(body).toContain('Please deliver by 2 Dec 2026, 06:48 (Beijing time)');
    expect(body).toContain('¥19.90');
  });

  it('rule ids are shown as their titles in the reader\'s language', () => {
    expect(renderNotice('case_decided', samples.case_decided, defaultReader('zh')).body).toContain('「仲裁：买家举证充分，支持退款」');
    expect(renderNotice('case_decided', samples.case_decided, defaultReader('en')).body).toContain('Arbitration: the buyer proved the claim; refund');
  });

  it('text a person ended with punctuation ends once', () => {
    expect(sentence('营业执照照片模糊。', 'zh')).toBe('营业执照照片模糊。');
    expect(sentence('account closed.', 'en')).toBe('account closed.');
    expect(renderNotice('case_decided', samples.case_decided, defaultReader('zh')).body).toContain('理由：截图清楚显示卡密无效。如有新证据');
  });

  it('an unknown kind (written by a newer build) still reads as its stored text', () => {
    expect(renderNotice('something_new', { title: 'T', body: 'B' }, defaultReader('en'))).toEqual({ title: 'T', body: 'B' });
  });
});
