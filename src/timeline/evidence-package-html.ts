import { createHash } from 'node:crypto';
import { consumerComplaintChannel, paymentComplaintChannel } from '../aftersales/external-channels';
import type { EvidencePackage } from './evidence-package';

export type PackageLang = 'zh' | 'en';

/** The page's only style: a fixed sheet whose hash the page's own CSP allows (no inline script, no 'unsafe-inline'). */
const stylesheet = [
  'body{font:14px/1.5 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;color:#111;margin:24px auto;max-width:960px;padding:0 16px}',
  'h1{font-size:22px}h2{font-size:17px;border-bottom:1px solid #999;margin-top:28px}',
  'table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid #bbb;padding:4px 6px;text-align:left;vertical-align:top}',
  'th{background:#f2f2f2}code,pre{font:12px/1.4 ui-monospace,monospace;white-space:pre-wrap;word-break:break-all}',
  '.hash{font:11px/1.3 ui-monospace,monospace;word-break:break-all;width:14em}.data{width:45%}',
  '.ok{color:#0a6b2d;font-weight:bold}.bad{color:#a40000;font-weight:bold}.meta{color:#444}',
  '@media print{body{margin:0}a{color:#111}}',
].join('');

export const evidencePackageStyleHash = createHash('sha256').update(stylesheet).digest('base64');

/** The CSP of the printable page: nothing runs, nothing loads; only its own stylesheet applies. */
export const evidencePackageCsp = `default-src 'none'; style-src 'sha256-${evidencePackageStyleHash}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const words = {
  zh: {
    title: '证据包', order: '订单', generatedAt: '生成时间', packageHash: '证据包哈希（SHA-256）',
    hashHelp: '哈希按规范 JSON（键名排序）计算，覆盖除 packageHash 以外的全部内容；JSON 版本：同一地址去掉 format=html。',
    facts: '订单信息', status: '状态', title2: '商品', amount: '金额（分）', paid: '已付（分）', refunded: '已退（分）', channel: '支付渠道',
    createdAt: '下单时间', paidAt: '付款时间', deliveredAt: '发货时间', shop: '店铺',
    timeline: '哈希链时间线', verified: '校验通过：事件未被篡改或删除', broken: '校验失败：时间线与哈希链不符', headHash: '链头哈希',
    seq: '序号', at: '时间', type: '事件', actor: '操作方', data: '内容', hash: '哈希',
    cases: '售后单', none: '无', reason: '原因', description: '描述', decision: '判定', rule: '依据规则', systemEvidence: '平台记录（系统证据）',
    overdue: '超过仲裁时限', messages: '站内沟通记录', sender: '发送方', body: '内容', readAt: '已读时间', flags: '标记',
    evidence: '证据文件', mime: '类型', size: '大小（字节）',
    external: '外部投诉渠道', externalHelp: '如平台未能解决，可携带本证据包向以下渠道投诉：',
  },
  en: {
    title: 'Evidence package', order: 'Order', generatedAt: 'Generated at', packageHash: 'Package hash (SHA-256)',
    hashHelp: 'The hash is taken over the canonical JSON (keys sorted) of everything except packageHash; for the JSON version open the same address without format=html.',
    facts: 'Order', status: 'Status', title2: 'Item', amount: 'Amount (fen)', paid: 'Paid (fen)', refunded: 'Refunded (fen)', channel: 'Payment channel',
    createdAt: 'Ordered at', paidAt: 'Paid at', deliveredAt: 'Delivered at', shop: 'Shop',
    timeline: 'Hash-chained timeline', verified: 'Verified: no event was altered or removed', broken: 'Verification FAILED: the timeline does not match its hash chain', headHash: 'Head hash',
    seq: 'No.', at: 'Time', type: 'Event', actor: 'Actor', data: 'Data', hash: 'Hash',
    cases: 'After-sales cases', none: 'None', reason: 'Reason', description: 'Description', decision: 'Decision', rule: 'Rule applied', systemEvidence: 'Platform records (system evidence)',
    overdue: 'Past the decision deadline', messages: 'Conversation', sender: 'Sender', body: 'Message', readAt: 'Read at', flags: 'Flags',
    evidence: 'Evidence files', mime: 'Type', size: 'Size (bytes)',
    external: 'External complaint channels', externalHelp: 'If the platform does not resolve it, take this package to:',
  },
} as const;

/** Every value goes through here: the page holds buyer and merchant text, never markup from them. */
export function escapeHtml(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const row = (cells: unknown[], tag: 'td' | 'th' = 'td') => `<tr>${cells.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;

/** 可打印页面: the same package as the JSON, one language, printable, with nothing that runs. */
export function renderEvidencePackageHtml(pkg: EvidencePackage, lang: PackageLang): string {
  const w = words[lang];
  const o = pkg.order;
  const payment = paymentComplaintChannel(o.channel)[lang];
  const parts = [
    `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>${escapeHtml(`${w.title} · ${pkg.orderNo}`)}</title><style>${stylesheet}</style></head><body>`,
    `<h1>${escapeHtml(w.title)} · ${escapeHtml(pkg.orderNo)}</h1>`,
    `<p class="meta">${escapeHtml(w.generatedAt)}: ${escapeHtml(pkg.generatedAt)}</p>`,
    `<p>${escapeHtml(w.packageHash)}: <code id="package-hash">${escapeHtml(pkg.packageHash)}</code></p><p class="meta">${escapeHtml(w.hashHelp)}</p>`,
    `<h2>${escapeHtml(w.facts)}</h2><table>`,
    row([w.order, o.orderNo]), row([w.title2, o.title]), row([w.shop, o.shop.name]), row([w.status, o.status]), row([w.amount, o.amount]),
    row([w.paid, o.paid]), row([w.refunded, o.refunded]), row([w.channel, o.channel]), row([w.createdAt, o.createdAt]), row([w.paidAt, o.paidAt ?? '—']),
    row([w.deliveredAt, o.deliveredAt ?? '—']), '</table>',
    `<h2>${escapeHtml(w.timeline)}</h2>`,
    `<p class="${pkg.timeline.verified ? 'ok' : 'bad'}" id="timeline-verified">${escapeHtml(pkg.timeline.verified ? w.verified : w.broken)}</p>`,
    `<p>${escapeHtml(w.headHash)}: <code>${escapeHtml(pkg.timeline.headHash)}</code></p>`,
    `<table>${row([w.seq, w.at, w.type, w.actor, w.hash, w.data], 'th')}`,
    ...pkg.timeline.events.map((e) => `<tr><td>${escapeHtml(e.seq)}</td><td>${escapeHtml(e.at)}</td><td>${escapeHtml(e.type)}</td><td>${escapeHtml(e.actor)}</td>`
      + `<td class="hash">${escapeHtml(e.hash)}</td><td class="data"><pre>${escapeHtml(JSON.stringify(e.data, null, 1))}</pre></td></tr>`), '</table>',
    `<h2>${escapeHtml(w.cases)}</h2>`,
    pkg.cases.length === 0 ? `<p>${escapeHtml(w.none)}</p>` : pkg.cases.map((c) => [
      `<table>`, row([w.reason, c.reason]), row([w.status, c.status]), row([w.description, c.description]), row([w.amount, c.amount]),
      row([w.createdAt, c.createdAt]), ...(c.overdueAt ? [row([w.overdue, c.overdueAt])] : []),
      row([w.decision, c.decision ? `${c.decision.outcome} ${c.decision.amount} · ${c.decision.reason ?? ''}` : '—']),
      row([w.rule, c.decision?.ruleId ? `${c.decision.ruleId} v${c.decision.ruleVersion ?? ''}` : '—']),
      `<tr><td>${escapeHtml(w.systemEvidence)}</td><td><pre>${escapeHtml(JSON.stringify(c.systemEvidence, null, 1))}</pre></td></tr>`, '</table>',
    ].join('')).join(''),
    `<h2>${escapeHtml(w.messages)}</h2>`,
    pkg.messages.length === 0 ? `<p>${escapeHtml(w.none)}</p>`
      : `<table>${row([w.at, w.sender, w.body, w.readAt, w.flags], 'th')}${pkg.messages.map((m) => row([m.createdAt, m.sender, m.body, m.readAt ?? '—', m.flags.join(', ')])).join('')}</table>`,
    `<h2>${escapeHtml(w.evidence)}</h2>`,
    pkg.evidence.length === 0 ? `<p>${escapeHtml(w.none)}</p>`
      : `<table>${row(['id', 'SHA-256', w.mime, w.size], 'th')}${pkg.evidence.map((e) => row([e.id, e.sha256, e.mime, e.size])).join('')}</table>`,
    `<h2>${escapeHtml(w.external)}</h2><p>${escapeHtml(w.externalHelp)}</p><ul>`,
    `<li>${escapeHtml(consumerComplaintChannel.name[lang])}: <a href="${escapeHtml(consumerComplaintChannel.url)}" rel="noopener noreferrer">${escapeHtml(consumerComplaintChannel.url)}</a></li>`,
    `<li>${escapeHtml(payment)}</li></ul>`,
    '</body></html>',
  ];
  return parts.join('\n');
}
