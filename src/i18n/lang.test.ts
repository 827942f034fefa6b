import { describe, expect, it } from 'vitest';
import { fill, langFromHeader } from './lang';

describe('langFromHeader', () => {
  it.each([
    [undefined, 'zh'],
    ['', 'zh'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh'],
    ['en-GB;q=0.5,zh-TW;q=0.8', 'zh'],
    ['fr-FR,en;q=0.7', 'en'],
    ['fr,de', 'zh'],
    ['en;q=0,zh;q=0.1', 'zh'],
    ['*', 'zh'],
    [';;;,,q=abc', 'zh'],
  ])('%s → %s', (header, lang) => {
    expect(langFromHeader(header)).toBe(lang);
  });

  it('takes the first of repeated headers in order', () => {
    expect(langFromHeader(['en', 'zh'])).toBe('en');
  });
});

describe('fill', () => {
  it('replaces placeholders and leaves missing ones empty', () => {
    expect(fill('至多 {max} 个，已有 {count}', { max: 3 })).toBe('至多 3 个，已有 ');
  });
});
