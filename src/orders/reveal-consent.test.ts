import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/lib/messages-en';
import { zh } from '../../web/src/lib/messages';
import { revealConsent, revealConsentText } from './deliver';

describe('reveal consent (查看卡密即视为拆封)', () => {
  it.each([['zh', zh], ['en', en]] as const)('the web dialog in %s shows exactly the sentences the server records', (lang, messages) => {
    expect(messages['order.consentBody']).toBe(revealConsent[lang].lead);
    expect(messages['order.consentBody2']).toBe(revealConsent[lang].rest);
  });

  it('names the law in both languages, and the English text has no Chinese left in it', () => {
    expect(revealConsentText('zh')).toContain('《消费者权益保护法》第二十五条');
    expect(revealConsentText('en')).toContain('Article 25 of the Consumer Rights Protection Law');
    expect(revealConsentText('en')).not.toMatch(/\p{Script=Han}/u);
    expect(revealConsentText('zh')).toBe(`${revealConsent.zh.lead}${revealConsent.zh.rest}`);
  });
});
