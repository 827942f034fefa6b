import { describe, expect, it } from 'vitest';
import type { CaseReason } from '../db/schema';
import { checkCompleteness, descriptionLengthMin, localizeWarnings, warningMessage, type EvidenceKind } from './completeness';

const codes = (reason: CaseReason, description: string, provided: EvidenceKind[] = []) =>
  checkCompleteness(reason, description, provided).warnings.map((w) => w.code);
const descriptionCodes = (description: string) => codes('no_reason', description).filter((c) => c.startsWith('DESCRIPTION_'));

/** A concrete description in the form seed 000 recommends (time, what was shown, order number). */
const concrete = '14:05 兑换时提示该卡已被使用，订单号 KM20240815000123，已联系商家 30 分钟未回复';

describe('description (seed 000: 仅说“没收到货”无效)', () => {
  it.each([
    ['没收到货', ['DESCRIPTION_TOO_SHORT', 'DESCRIPTION_VAGUE']],
    ['没收到货！！！', ['DESCRIPTION_TOO_SHORT', 'DESCRIPTION_VAGUE']],
    ['  没收到货。  ', ['DESCRIPTION_TOO_SHORT', 'DESCRIPTION_VAGUE']],
    ['不能用', ['DESCRIPTION_TOO_SHORT', 'DESCRIPTION_VAGUE']],
    ['骗子，退款', ['DESCRIPTION_TOO_SHORT', 'DESCRIPTION_VAGUE']],
    ['卡密有问题赶紧的', ['DESCRIPTION_TOO_SHORT', 'DESCRIPTION_VAGUE']],
    ['not working', ['DESCRIPTION_VAGUE', 'DESCRIPTION_NO_DETAIL']],
    ['scam', ['DESCRIPTION_TOO_SHORT', 'DESCRIPTION_VAGUE']],
    ['没收到货！！！！！！！！！', ['DESCRIPTION_VAGUE', 'DESCRIPTION_NO_DETAIL']],
    ['商品不好，不想要了，请尽快处理一下', ['DESCRIPTION_NO_DETAIL']],
    ['', ['DESCRIPTION_TOO_SHORT']],
    [concrete, []],
    ['购买游戏点卡后30分钟未收到卡密，订单号202308150001，与卖家聊天记录显示对方已读未回', []],
    ['充值到账错误，实际到账10元，订单显示50元', []],
    ['卡密无法使用，提示“已被激活”，截图已上传', []],
  ])('%j → %j', (description, expected) => {
    expect(descriptionCodes(description)).toEqual(expected);
  });

  it(`counts the trimmed text against the ${descriptionLengthMin}-character minimum`, () => {
    expect(descriptionCodes(`  ${'兑换提示错误'.padEnd(descriptionLengthMin - 1, '码')}  `)).toContain('DESCRIPTION_TOO_SHORT');
    expect(descriptionCodes('兑换提示错误'.padEnd(descriptionLengthMin, '码'))).not.toContain('DESCRIPTION_TOO_SHORT');
  });

  it('gives the buyer an example of a good description', () => {
    const vague = checkCompleteness('not_delivered', '没收到货', []).warnings.find((w) => w.code === 'DESCRIPTION_VAGUE');
    expect(vague?.message).toContain('该卡已被使用');
  });

  // Known issue (see the report): '点' in the detail pattern (meant for "14点") also matches 点卡 and 快点,
  // and the vague check lets any text 6+ characters longer than the phrase through, so the seed's own
  // vague example dressed in a few words passes with no description warning at all.
  it('"买的点卡没收到货请处理一下" is still a vague description', () => {
    expect(descriptionCodes('买的点卡没收到货请处理一下').length).toBeGreaterThan(0);
  });
});

describe('evidence checklist (交易凭证 / 问题证明 / 沟通记录)', () => {
  it.each([
    ['key_invalid without a problem proof', 'key_invalid', [], ['EVIDENCE_MISSING_PROBLEM']],
    ['key_invalid with only the chat', 'key_invalid', ['communication'], ['EVIDENCE_MISSING_PROBLEM']],
    ['key_invalid with a screenshot', 'key_invalid', ['problem'], []],
    ['not_as_described without a problem proof', 'not_as_described', [], ['EVIDENCE_MISSING_PROBLEM']],
    ['wrong_amount without the arrival record', 'wrong_amount', [], ['EVIDENCE_MISSING_PROBLEM']],
    ['wrong_amount with the arrival record', 'wrong_amount', ['problem'], []],
    ['not_delivered: the delivery log is the platform\'s, the chat is optional', 'not_delivered', [], []],
    ['buyer_mistake needs nothing from the buyer', 'buyer_mistake', [], []],
    ['no_reason needs nothing from the buyer', 'no_reason', [], []],
  ] as const)('%s', (_name, reason, provided, expected) => {
    expect(codes(reason, concrete, [...provided]).filter((c) => c.startsWith('EVIDENCE_'))).toEqual(expected);
  });

  it.each(['not_delivered', 'key_invalid', 'not_as_described', 'wrong_amount', 'buyer_mistake', 'no_reason'] as const)(
    '%s: the transaction proof is always ticked by the platform',
    (reason) => {
      const { checklist, warnings } = checkCompleteness(reason, concrete, []);
      expect(checklist[0]).toMatchObject({ kind: 'transaction', required: true, byPlatform: true, provided: true });
      expect(checklist.filter((i) => i.kind !== 'transaction').every((i) => !i.byPlatform)).toBe(true);
      expect(warnings.map((w) => w.code)).not.toContain('EVIDENCE_MISSING_TRANSACTION');
    },
  );

  it.each([
    ['not_delivered', ['transaction', 'communication'], ['communication']],
    ['key_invalid', ['transaction', 'problem', 'communication'], ['communication']],
    ['not_as_described', ['transaction', 'problem', 'communication'], ['communication']],
    ['wrong_amount', ['transaction', 'problem', 'communication'], ['communication']],
    ['buyer_mistake', ['transaction', 'communication'], ['communication']],
    ['no_reason', ['transaction'], []],
  ] as const)('%s lists %j (optional: %j)', (reason, kinds, optional) => {
    const { checklist } = checkCompleteness(reason, concrete, []);
    expect(checklist.map((i) => i.kind)).toEqual(kinds);
    expect(checklist.filter((i) => !i.required).map((i) => i.kind)).toEqual(optional);
  });

  it('marks what the buyer provided, and an optional chat record never warns', () => {
    const { checklist, warnings } = checkCompleteness('key_invalid', concrete, ['problem', 'communication']);
    expect(checklist.map((i) => [i.kind, i.provided])).toEqual([['transaction', true], ['problem', true], ['communication', true]]);
    expect(warnings).toEqual([]);
    expect(checkCompleteness('key_invalid', concrete, ['problem']).checklist[2]).toMatchObject({ kind: 'communication', provided: false, required: false });
  });

  it('a vague description and a missing proof are both reported', () => {
    expect(codes('key_invalid', '不能用', [])).toEqual(['DESCRIPTION_TOO_SHORT', 'DESCRIPTION_VAGUE', 'EVIDENCE_MISSING_PROBLEM']);
  });
});

/** Any Han character: English warnings and labels must not fall back to Chinese. */
const han = /\p{Script=Han}/u;

describe('both languages', () => {
  it.each([
    ['没收到货', 'not_delivered'],
    ['不能用', 'key_invalid'],
    ['not working', 'key_invalid'],
    ['scam', 'wrong_amount'],
    [concrete, 'key_invalid'],
    ['商品不好，不想要了，请尽快处理一下', 'not_as_described'],
  ] as const)('%j (%s): the same warnings in either language, only the words differ', (description, reason) => {
    const zh = checkCompleteness(reason, description, [], 'zh');
    const en = checkCompleteness(reason, description, [], 'en');
    expect(en.warnings.map((w) => w.code)).toEqual(zh.warnings.map((w) => w.code));
    expect(en.checklist.map(({ label: _label, ...rest }) => rest)).toEqual(zh.checklist.map(({ label: _label, ...rest }) => rest));
    for (const text of [...en.warnings.map((w) => w.message), ...en.checklist.map((i) => i.label)]) expect(text).not.toMatch(han);
    for (const text of zh.warnings.map((w) => w.message)) expect(text).toMatch(han);
  });

  it('words English warnings and labels precisely', () => {
    const { warnings, checklist } = checkCompleteness('key_invalid', '不能用', [], 'en');
    expect(warnings.map((w) => w.message)).toEqual([
      `Describe the problem precisely (at least ${descriptionLengthMin} characters): what happened, when, and what message you saw`,
      expect.stringContaining("'this card has already been used'"),
      'Missing: Proof of the problem (e.g. a screenshot of the failed redemption, the top-up arrival record)',
    ]);
    expect(checklist.map((i) => i.label)).toEqual([
      'Proof of the deal (order number, payment and delivery records)',
      'Proof of the problem (e.g. a screenshot of the failed redemption, the top-up arrival record)',
      'Record of talking to the seller (screenshots of your chat with the merchant)',
    ]);
  });

  it('is Chinese by default', () => {
    expect(checkCompleteness('key_invalid', '不能用', [])).toEqual(checkCompleteness('key_invalid', '不能用', [], 'zh'));
  });
});

describe('localizeWarnings (a case records Chinese warnings; each reader reads them in their language)', () => {
  it('re-words every known code and keeps what it does not know', () => {
    const recorded = [...checkCompleteness('key_invalid', '不能用', [], 'zh').warnings, { code: 'SOMETHING_NEW', message: '新的提示' }];
    const english = localizeWarnings(recorded, 'en') as Array<{ code: string; message: string }>;
    expect(english.map((w) => w.code)).toEqual(recorded.map((w) => w.code));
    expect(english.slice(0, 3)).toEqual(checkCompleteness('key_invalid', '不能用', [], 'en').warnings);
    expect(english[3]).toEqual({ code: 'SOMETHING_NEW', message: '新的提示' });
    expect(localizeWarnings(recorded, 'zh')).toEqual(recorded);
  });

  it.each([[null], ['not a list'], [[null, 3, { message: 'no code' }]]])('leaves a malformed record %j as it is', (recorded) => {
    expect(localizeWarnings(recorded, 'en')).toEqual(recorded);
  });

  it('knows no evidence kind it does not list', () => {
    expect(warningMessage('EVIDENCE_MISSING_TELEPATHY', 'en')).toBeNull();
  });
});
