import { describe, expect, it } from 'vitest';
import { defaultRules, type RuleId } from './defaults';
import { ruleTitle, ruleTitlesEn } from './titles-en';

describe('rule titles', () => {
  it('every rule has a Chinese title and an English one, and nothing else has an English title', () => {
    const ids = Object.keys(defaultRules) as RuleId[];
    expect(Object.keys(ruleTitlesEn).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      expect(ruleTitle(id, 'zh'), id).toMatch(/[\u4e00-\u9fff]/);
      expect(ruleTitle(id, 'en'), id).toMatch(/^[A-Z]/);
      expect(ruleTitle(id, 'en'), id).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('an unknown id stays as it is rather than vanishing', () => {
    expect(ruleTitle('no.such-rule', 'en')).toBe('no.such-rule');
  });
});
