/**
 * 关键信息提取: what an arbitrator looks for first in a case description and its chat — times,
 * order numbers, amounts, error messages, and promises ("马上发", "一会儿补"). Pure and rule-based:
 * the facts point at the text; the staff member still reads it and decides.
 */

export type KeyFactKind = 'time' | 'order_no' | 'amount' | 'error' | 'promise';

export interface KeyFact {
  kind: KeyFactKind;
  text: string;
  source: 'description' | 'chat';
  messageId?: string;
  /** Who wrote the chat message the fact comes from. */
  sender?: string;
}

export interface KeyFactInput {
  description: string;
  messages: ReadonlyArray<{ id: string; sender: string; body: string }>;
}

export const keyFactsMax = 60;
export const keyFactTextLengthMax = 80;

const periods = '凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|半夜';
const days = '今天|昨天|前天|今晚|昨晚|今早|明天|刚才';
const cnNumber = '[一二三四五六七八九十两]{1,3}';

/** Spans that name a moment, an order or money; earlier patterns win where two overlap. */
const spanPatterns: Array<{ kind: KeyFactKind; pattern: RegExp; group?: number }> = [
  { kind: 'order_no', pattern: /\bkm\d{14,24}\b/gi },
  { kind: 'order_no', pattern: /订单(?:号|编号)?\s*[:：]?\s*([a-z]{0,4}\d{6,30})(?!\d)/gi, group: 1 },
  { kind: 'order_no', pattern: /\border\s*(?:no\.?|number|#)\s*[:#]?\s*([a-z]{0,4}\d{6,30})(?!\d)/gi, group: 1 },
  { kind: 'time', pattern: /(?<!\d)\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:[\sT]*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?(?!\d)/g },
  { kind: 'time', pattern: new RegExp(`(?<!\\d)\\d{1,2}月\\d{1,2}[日号](?:\\s*(?:${periods})?\\s*\\d{1,2}(?:[:：]\\d{2}|点(?:半|\\d{1,2}分)?))?`, 'g') },
  { kind: 'time', pattern: new RegExp(`(?:${days})(?:${periods})?\\s*(?:\\d{1,2}|${cnNumber})[点时](?:半|\\d{1,2}分|${cnNumber}分)?`, 'g') },
  { kind: 'time', pattern: new RegExp(`(?:${periods})\\s*(?:\\d{1,2}|${cnNumber})[点时](?:半|\\d{1,2}分|${cnNumber}分)?`, 'g') },
  { kind: 'time', pattern: /(?<![\d.])\d{1,2}点(?:半|\d{1,2}分)?(?![卡券数\d])/g },
  { kind: 'time', pattern: /\b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b/gi },
  { kind: 'time', pattern: /(?<![\d:：])(?:[01]?\d|2[0-3])[:：][0-5]\d(?:[:：][0-5]\d)?(?![\d:：])/g },
  { kind: 'time', pattern: /(?<![\d.])\d{1,3}\s*(?:分钟|个小时|小时|天)(?:前|后|内|了|都)?/g },
  { kind: 'amount', pattern: /[¥￥]\s?\d{1,9}(?:,\d{3})*(?:\.\d{1,2})?/g },
  { kind: 'amount', pattern: /(?:rmb|cny)\s?\d{1,9}(?:\.\d{1,2})?/gi },
  { kind: 'amount', pattern: /(?<![\d.])\d{1,9}(?:\.\d{1,2})?\s?(?:元|块钱|块|rmb|cny)/gi },
  { kind: 'amount', pattern: /(?<![\d.:\-/])\d{1,7}\.\d{2}(?![\d.])/g },
];

/** Quoted text is almost always the error the buyer saw. */
const quotePattern = /[“"「『]([^”"」』\n]{2,80})[”"」』]/g;
const errorWords = /错误|报错|失败|无效|已被使用|已使用|被使用|已兑换|被兑换|已激活|不存在|过期|异常|不正确|用不了|无法|\berror\b|\binvalid\b|\bfail(?:ed|s)?\b|\bexpired\b|already (?:used|redeemed)|not found|doesn'?t work/i;
const promiseWords = /马上|立刻|立即|稍等|等一下|等下|一会儿?|待会儿?|等会儿?|尽快|今天内|晚点|回头给|保证|承诺|包退|包赔|包换|给你补|帮你补|补发|补给你|重发|给你退|退给你|给你换|会处理|会退|会补|\bwill (?:send|refund|resend|fix|replace)\b|\brefund you\b|\bresend\b|\bright away\b|\basap\b|\bpromise\b|\bi'?ll (?:send|refund|fix|check)\b/i;
const clauseSplit = /[。！？!?\n；;，,]|\.\s/;

const clip = (text: string) => {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length > keyFactTextLengthMax ? `${clean.slice(0, keyFactTextLengthMax - 1)}…` : clean;
};

/** The facts of one text, in the order they appear. */
export function factsOfText(raw: string): Array<{ kind: KeyFactKind; text: string }> {
  const text = raw.normalize('NFKC');
  const taken: Array<{ start: number; end: number; kind: KeyFactKind; text: string }> = [];
  const overlaps = (start: number, end: number) => taken.some((t) => start < t.end && end > t.start);
  for (const { kind, pattern, group } of spanPatterns) {
    for (const match of text.matchAll(pattern)) {
      const value = group ? match[group]! : match[0];
      const start = match.index! + (group ? match[0].indexOf(value) : 0);
      const end = start + value.length;
      if (!overlaps(start, end)) taken.push({ start, end, kind, text: value.trim() });
    }
  }
  const quotes: string[] = [];
  for (const match of text.matchAll(quotePattern)) {
    quotes.push(match[1]!);
    taken.push({ start: match.index!, end: match.index! + match[0].length, kind: 'error', text: match[1]! });
  }
  let offset = 0;
  for (const clause of text.split(clauseSplit)) {
    const start = text.indexOf(clause, offset);
    offset = start + clause.length;
    if (!clause.trim()) continue;
    if (errorWords.test(clause) && !quotes.some((q) => clause.includes(q))) taken.push({ start, end: offset, kind: 'error', text: clause });
    if (promiseWords.test(clause)) taken.push({ start, end: offset, kind: 'promise', text: clause });
  }
  return taken.sort((a, b) => a.start - b.start).map((t) => ({ kind: t.kind, text: clip(t.text) }));
}

/** Key facts of a case: its description first, then the chat in order (system messages are the platform's own words). */
export function extractKeyFacts(input: KeyFactInput): KeyFact[] {
  const facts: KeyFact[] = [];
  const push = (fact: KeyFact) => {
    if (facts.length >= keyFactsMax) return;
    if (facts.some((f) => f.kind === fact.kind && f.text === fact.text && f.messageId === fact.messageId)) return;
    facts.push(fact);
  };
  for (const fact of factsOfText(input.description)) push({ ...fact, source: 'description' });
  for (const message of input.messages) {
    if (message.sender === 'system') continue;
    for (const fact of factsOfText(message.body)) push({ ...fact, source: 'chat', messageId: message.id, sender: message.sender });
  }
  return facts;
}
