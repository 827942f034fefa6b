import { describe, expect, it } from 'vitest';
import { extractKeyFacts, factsOfText, type KeyFactKind } from './key-facts';

const of = (text: string, kind: KeyFactKind) => factsOfText(text).filter((f) => f.kind === kind).map((f) => f.text);

describe('factsOfText finds what staff look for first', () => {
  const rows: Array<[string, KeyFactKind, string[]]> = [
    ['10:30 兑换失败', 'time', ['10:30']],
    ['昨天晚上8点下的单', 'time', ['昨天晚上8点']],
    ['2026-11-30 21:00 付款成功', 'time', ['2026-11-30 21:00']],
    ['11月30日晚上9点半还没发货', 'time', ['11月30日晚上9点半']],
    ['等了30分钟还没收到卡密', 'time', ['30分钟']],
    ['sent at 9:15 pm', 'time', ['9:15 pm']],
    ['订单号202308150001，请处理', 'order_no', ['202308150001']],
    ['订单 KM20261130210000123456 有问题', 'order_no', ['KM20261130210000123456']],
    ['order no. 88812345678 refund', 'order_no', ['88812345678']],
    ['付了¥12.5，应到50元', 'amount', ['¥12.5', '50元']],
    ['实际到账 12.50，少了 37.50', 'amount', ['12.50', '37.50']],
    ['兑换时提示“该充值码已被使用”', 'error', ['该充值码已被使用']],
    ['卡密无效，兑换失败', 'error', ['卡密无效', '兑换失败']],
    ['The launcher says invalid code. Please check', 'error', ['The launcher says invalid code']],
    ['稍等，马上发', 'promise', ['稍等', '马上发']],
    ['一会儿补给你', 'promise', ['一会儿补给你']],
    ['Sorry, I will send a new key tonight', 'promise', ['I will send a new key tonight']],
    ['we will refund you today', 'promise', ['we will refund you today']],
  ];
  it.each(rows)('%s → %s', (text, kind, expected) => {
    expect(of(text, kind)).toEqual(expected);
  });

  const quiet: Array<[string, KeyFactKind]> = [
    ['有一点问题', 'time'],
    ['充值100点券', 'time'],
    ['版本 2026.11.30 更新了', 'amount'],
    ['好的谢谢', 'promise'],
    ['收到了，可以用', 'error'],
  ];
  it.each(quiet)('%s has no %s', (text, kind) => {
    expect(of(text, kind)).toEqual([]);
  });

  it('a time inside a date-time is one fact, not two', () => {
    expect(factsOfText('2026-11-30 21:00').map((f) => f.text)).toEqual(['2026-11-30 21:00']);
  });
});

describe('extractKeyFacts', () => {
  it('takes the description, then chat messages with their id and sender, skipping system messages', () => {
    const facts = extractKeyFacts({
      description: '14:05 兑换卡密时提示“该卡已被使用”',
      messages: [
        { id: 'm1', sender: 'buyer', body: '卡密不能用，订单号202611300001' },
        { id: 'm2', sender: 'merchant', body: '稍等，马上补发' },
        { id: 'm3', sender: 'system', body: '平台提示：站外交易不受担保，10:00 起生效' },
      ],
    });
    expect(facts).toEqual([
      { kind: 'time', text: '14:05', source: 'description' },
      { kind: 'error', text: '该卡已被使用', source: 'description' },
      { kind: 'order_no', text: '202611300001', source: 'chat', messageId: 'm1', sender: 'buyer' },
      { kind: 'promise', text: '稍等', source: 'chat', messageId: 'm2', sender: 'merchant' },
      { kind: 'promise', text: '马上补发', source: 'chat', messageId: 'm2', sender: 'merchant' },
    ]);
  });

  it('caps the number of facts', () => {
    const messages = Array.from({ length: 100 }, (_, i) => ({ id: `m${i}`, sender: 'buyer', body: `${i % 24}:${String(i % 60).padStart(2, '0')} 还没到` }));
    expect(extractKeyFacts({ description: '', messages }).length).toBe(60);
  });
});
