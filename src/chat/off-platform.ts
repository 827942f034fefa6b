/**
 * 站外交易检测: does a chat message try to move payment or contact off the platform (私下转账,
 * 加微信/QQ, an account number, an outside link)? Pure: text in, matches out. Such a message is still
 * delivered, but flagged and answered with a warning that it loses the escrow guarantee (担保).
 *
 * False positives cost a buyer a needless warning and a merchant a mark on its credit, so the
 * patterns look for intent, not for bare words: "微信支付" and "支付宝" are the platform's own
 * payment channels, a QQ number for a Q币 top-up is the order's own account, and a 16-digit card
 * key is not a bank card unless the message talks about a bank transfer.
 */

export type OffPlatformKind = 'keyword' | 'wechat_id' | 'qq' | 'alipay_account' | 'phone' | 'bank_card' | 'link';

export interface OffPlatformMatch {
  kind: OffPlatformKind;
  text: string;
}

export interface DetectOptions {
  /** Hosts that are the platform itself (and their subdomains): links to them are fine. */
  platformHosts?: readonly string[];
  /** Text the order itself carries (its number, its top-up account): never evidence of anything. */
  knownTokens?: ReadonlyArray<string | null | undefined>;
}

export const matchTextLengthMax = 60;
const knownTokenLengthMin = 4;

/** Chinese phrases, matched on the text with spaces removed ("加 微 信" is 加微信). */
const chinesePhrases: RegExp[] = [
  /私下(?:转账|交易|付款|支付|打款|给钱|转给|联系|加)/,
  /(?:加|\+|添加|联系|私聊|找)我?的?(?:微信|薇信|威信|v信|vx(?![a-z])|wx(?![a-z])|v(?![a-z0-9])|qq|扣扣|企鹅|支付宝|电报|tg(?![a-z])|飞机)/,
  /(?:微信|薇信|威信|v信|(?<![a-z])vx)(?:号|账号|帐号|id)/,
  /支付宝(?:账号|帐号|账户|号)/,
  /(?:支付宝|微信|银行卡|银行|网银|红包)(?:转账|转给|转我|打款给|汇款)/,
  /(?:转|汇|付)(?:账|款|钱)?(?:到|给)我的?(?:支付宝|微信|银行卡|卡上|账户|账号)/,
  /打(?:款|钱)(?:到|给)我/,
  /直接(?:转|打|付|汇)(?:款|钱)?给我/,
  /扫(?:码|[我这]?的?二维码)(?:付|支付|付款|转账|给钱)/,
  /收款码|收款二维码/,
  /线下(?:交易|付款|支付|转账)/,
  /(?:站外|平台外)(?:交易|付款|支付|转账|联系)/,
  /(?:不走|绕过|绕开|避开|脱离)平台/,
  /电报|纸飞机|飞机号/,
];

/** English phrases, matched on the lower-cased text with single spaces. */
const englishPhrases: RegExp[] = [
  /\bwe ?chat\b(?! ?pay)/,
  /\bweixin\b/,
  /\bwhats ?app\b/,
  /\btelegram\b/,
  /\bskype\b/,
  /\bline id\b/,
  /\bpaypal\b/,
  /\bvenmo\b/,
  /\bcash ?app\b/,
  /\bzelle\b/,
  /\bwestern union\b/,
  /\bpay (?:me|us) (?:directly|direct|outside|privately)\b/,
  /\bpay directly\b/,
  /\b(?:outside|off) (?:of )?(?:the|this) (?:platform|site|website)\b/,
  /\boff-?platform\b/,
  /\b(?:direct|private|bank|wire) transfer\b/,
  /\b(?:add|contact|text|message|reach|find) me (?:on|at|via) (?!this\b|here\b|the platform\b)/,
];

/** Account numbers, matched on the lower-cased text (group 1 is the account). */
const accountPatterns: Array<{ kind: OffPlatformKind; pattern: RegExp }> = [
  { kind: 'wechat_id', pattern: /(?:微信|薇信|威信|v信|(?<![a-z])(?:vx|wx|weixin|wechat))(?:号|id)?\s*[:是为]?\s*([a-z][-_a-z0-9]{5,19})(?![-_a-z0-9])/g },
  { kind: 'qq', pattern: /(?:(?<![a-z])qq|扣扣|企鹅)(?:号码|号)?\s*[:是为]?\s*([1-9]\d{4,10})(?!\d)/g },
  { kind: 'alipay_account', pattern: /(?:支付宝|(?<![a-z])alipay)(?:账号|帐号|账户|号)?\s*[:是为]?\s*([\w.+-]+@[\w-]+(?:\.[\w-]+)+|1[3-9]\d{9})/g },
];

/** A mainland mobile number, spaces or dashes allowed: 138 1234 5678, +86 138-1234-5678. */
const phonePattern = /(?<![0-9a-z_-])(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d){8}(?![0-9a-z_]|[-\s]?\d)/g;
/** 16–19 digits, spaces or dashes allowed: a bank card only when it passes Luhn and the text talks about a bank. */
const cardNumberPattern = /(?<![0-9a-z_-])\d(?:[\s-]?\d){15,18}(?![0-9a-z_]|[-\s]?\d)/g;
const bankContext = /银行|开户|户名|转账|汇款|打款|\bbank\b|\biban\b|\baccount\b|\btransfer\b/;
const topLevelDomains = 'com|cn|net|org|top|xyz|me|cc|io|co|vip|shop|store|link|info|biz|club|site|online|app|ly|gl|tk|ru|hk|tw';
/** A URL with a scheme, or a bare host with a known top-level domain ("pay.example.cn/x"). */
const linkPattern = new RegExp(`https?://[^\\s，。、）)]+|(?<![\\w@.-])(?:[a-z0-9-]+\\.)+(?:${topLevelDomains})(?![\\w-])(?::\\d+)?(?:/[^\\s，。、）)]*)?`, 'g');

/** Full-width letters, digits and colons become ASCII (ＱＱ：１２３ is QQ:123). */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

function hostOf(link: string): string {
  const withScheme = /^https?:\/\//.test(link) ? link : `http://${link}`;
  try {
    return new URL(withScheme).hostname;
  } catch {
    return link.split(/[/:]/)[0] ?? link;
  }
}

const onPlatform = (host: string, platformHosts: readonly string[]) =>
  platformHosts.some((p) => host === p.toLowerCase() || host.endsWith(`.${p.toLowerCase()}`));

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return sum % 10 === 0;
}

/** What in `body` takes payment or contact off the platform; empty when nothing does. */
export function detectOffPlatform(body: string, options: DetectOptions = {}): OffPlatformMatch[] {
  let text = normalizeText(body);
  for (const token of options.knownTokens ?? []) {
    const known = token ? normalizeText(token).trim() : '';
    if (known.length >= knownTokenLengthMin) text = text.split(known).join(' ');
  }
  const found: OffPlatformMatch[] = [];
  const add = (kind: OffPlatformKind, match: string) => {
    const clean = match.trim().slice(0, matchTextLengthMax);
    if (!found.some((f) => f.kind === kind && f.text === clean)) found.push({ kind, text: clean });
  };

  const compact = text.replace(/\s+/g, '');
  for (const pattern of chinesePhrases) {
    const match = pattern.exec(compact);
    if (match) add('keyword', match[0]);
  }
  const spaced = text.replace(/\s+/g, ' ');
  for (const pattern of englishPhrases) {
    const match = pattern.exec(spaced);
    if (match) add('keyword', match[0]);
  }
  for (const { kind, pattern } of accountPatterns) {
    for (const match of text.matchAll(pattern)) add(kind, match[1]!);
  }
  for (const match of text.matchAll(phonePattern)) add('phone', match[0]);
  const talksAboutBank = bankContext.test(text);
  for (const match of text.matchAll(cardNumberPattern)) {
    const digits = match[0].replace(/\D/g, '');
    if (talksAboutBank && luhnValid(digits)) add('bank_card', match[0]);
  }
  for (const match of text.matchAll(linkPattern)) {
    if (!onPlatform(hostOf(match[0]), options.platformHosts ?? [])) add('link', match[0]);
  }
  return found;
}
