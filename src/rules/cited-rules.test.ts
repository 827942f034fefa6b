import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRules } from './defaults';

interface Citation {
  id: string;
  where: string;
}

const quoted = String.raw`(['"])([a-z][\w-]*(?:\.[\w-]+)+)\1`;
/** The ways source code cites a rule id: refusals, decisions, events, rate limits and typed literals. */
const citationPatterns = [
  new RegExp(String.raw`\brefused\(\s*(?:'[^']*'|"[^"]*"|\x60[^\x60]*\x60|[\w.]+)\s*,\s*${quoted}`, 'g'),
  new RegExp(String.raw`\b(?:rule|ruleId|decision_rule_id)\s*:\s*${quoted}`, 'g'),
  new RegExp(String.raw`\bhitRateLimit\([^;]*?,\s*${quoted}\s*\)`, 'g'),
  new RegExp(String.raw`${quoted}\s+(?:satisfies|as)\s+RuleId\b`, 'g'),
];

function citedRuleIds(source: string, file: string): Citation[] {
  const citations: Citation[] = [];
  for (const pattern of citationPatterns) {
    for (const match of source.matchAll(pattern)) {
      const line = source.slice(0, match.index).split('\n').length;
      citations.push({ id: match[3] ?? match[2]!, where: `${file}:${line}` });
    }
  }
  return citations;
}

const srcDir = path.resolve(import.meta.dirname, '..');
const sourceFiles = (readdirSync(srcDir, { recursive: true }) as string[])
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
  .map((file) => path.join(srcDir, file));

describe('every rule id the code cites exists in src/rules/defaults.ts', () => {
  it('finds citations in every form it looks for (the scanner itself works)', () => {
    const sample = [
      "throw refused('COUPON_INVALID', 'order.no-such', 'message');",
      "refused(verdict.code, 'aftersales.x-y', `m`)",
      "{ decision_rule_id: 'a.b', ruleId: 'c.d', rule: 'e.f' }",
      "await hitRateLimit(ctx, key, attempts, lookupWindowMinutes, 'g.h');",
      "const instantRule = 'i.j' satisfies RuleId;",
    ].join('\n');
    expect(citedRuleIds(sample, 'sample.ts').map((c) => c.id).sort()).toEqual(['a.b', 'aftersales.x-y', 'c.d', 'e.f', 'g.h', 'i.j', 'order.no-such']);
  });

  it('cites no rule that does not exist', () => {
    const citations = sourceFiles.flatMap((file) => citedRuleIds(readFileSync(file, 'utf8'), path.relative(srcDir, file)));
    // The refusals of catalog, orders and after-sales are all in here: far more than a handful.
    expect(citations.length).toBeGreaterThan(40);
    expect(new Set(citations.map((c) => c.id))).toContain('order.quantity-max');
    const unknown = citations.filter((c) => !Object.hasOwn(defaultRules, c.id)).map((c) => `${c.id} at ${c.where}`);
    expect(unknown).toEqual([]);
  });
});
