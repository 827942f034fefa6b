import type { Lang, Translate } from './i18n';

const timeZone = 'Asia/Shanghai';

/** Integer fen → "¥1,234.50"; integer arithmetic only, so no float ever rounds a cent away. */
export function formatMoney(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** "12", "12.5", "12.50" → fen; anything else (negatives, three decimals, "1e3") → null. */
export function parseYuan(input: string): number | null {
  const match = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(input);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** "5" → 500 bp, "2.5" → 250 bp; the form takes percent, the API takes basis points. */
export function parsePercentToBasisPoints(input: string): number | null {
  const match = /^\s*(\d{1,3})(?:\.(\d{1,2}))?\s*$/.exec(input);
  if (!match) return null;
  const bp = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return bp <= 10_000 ? bp : null;
}

/** A share (0–1) as a percentage with at most one decimal; a dash where there is no basis (null). */
export function formatPercent(share: number | null): string {
  if (share === null) return '—';
  return `${(Math.round(share * 1000) / 10).toFixed(share * 100 % 1 === 0 ? 0 : 1)}%`;
}

export function formatDateTime(iso: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
  }).format(new Date(iso));
}

/** "3 分钟前" / "in 2 h": the hint next to an absolute time. */
export function formatRelative(iso: string, now: number, t: Translate): string {
  const diffMs = new Date(iso).getTime() - now;
  const minutes = Math.round(Math.abs(diffMs) / 60_000);
  if (minutes < 1) return t('common.justNow');
  const [n, unit] = minutes < 60 ? [minutes, t('common.unit.minute')]
    : minutes < 48 * 60 ? [Math.round(minutes / 60), t('common.unit.hour')]
      : [Math.round(minutes / 1440), t('common.unit.day')];
  return t(diffMs < 0 ? 'common.ago' : 'common.later', { n, unit });
}

/** Milliseconds → "23:41:05" (hours may pass 24 for long windows). */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}
