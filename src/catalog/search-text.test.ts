import { describe, expect, it } from 'vitest';
import { normalizeSearch, productSearchText, searchPattern } from './search-text';

const matches = (title: string, query: string) => productSearchText(title).includes(normalizeSearch(query));

describe('product search text', () => {
  it.each([
    ['网易一卡通 点卡 30 元', '点卡', true],
    ['网易一卡通 点卡 30 元', 'dianka', true],
    ['网易一卡通 点卡 30 元', 'DIAN KA', true],
    ['网易一卡通 点卡 30 元', 'wyykt', true],
    ['网易一卡通 点卡 30 元', '一卡通点卡', true],
    ['Steam 钱包充值卡 ¥50', 'steam钱包', true],
    ['Steam 钱包充值卡 ¥50', 'qianbao', true],
    ['绿色会员', 'lv', true], // ü is written v
    ['爱奇艺黄金会员 月卡', 'dianka', false],
    // Parts are separated by a space and a query has none, so it cannot join the end of one part to the next.
    ['点卡', '点卡dianka', false],
  ])('%s ← %s: %s', (title, query, expected) => {
    expect(matches(title, query)).toBe(expected);
  });

  it('escapes LIKE wildcards in the query', () => {
    expect(searchPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });
});
