import { describe, expect, it } from 'vitest';
import { detectOffPlatform, luhnValid, type OffPlatformKind } from './off-platform';

const platformHosts = ['kameng.example', 'localhost'];
const kinds = (body: string, knownTokens: string[] = []) => [...new Set(detectOffPlatform(body, { platformHosts, knownTokens }).map((m) => m.kind))];

describe('detectOffPlatform flags what moves payment or contact off the platform', () => {
  const flagged: Array<[string, OffPlatformKind[]]> = [
    ['私下转账给你便宜5块', ['keyword']],
    ['加微信聊，发货快', ['keyword']],
    ['加 我 Q Q 吧', ['keyword']],
    ['我的微信号 kameng_888 ，加一下', ['keyword', 'wechat_id']],
    ['vx：abc12345', ['wechat_id']],
    ['ＱＱ：１２３４５６７８９', ['qq']],
    ['扣扣 20481024 联系我', ['qq']],
    ['支付宝转账更快', ['keyword']],
    ['支付宝账号 seller@example.com', ['keyword', 'alipay_account']],
    ['扫码付就行，不用在平台下单', ['keyword']],
    ['我们线下交易吧', ['keyword']],
    ['不走平台可以省手续费', ['keyword']],
    ['有事打我电话 138 1234 5678', ['phone']],
    ['手机+86 139-0000-1111', ['phone']],
    ['转账到 6222 0212 3456 7890 128 户名张三', ['bank_card']],
    ['Add me on WeChat, it is faster', ['keyword']],
    ['whatsapp +1 555 0100', ['keyword']],
    ['ping me on Telegram', ['keyword']],
    ['Just pay me directly and skip the fee', ['keyword']],
    ['we can settle outside the platform', ['keyword']],
    ['付款链接 https://pay.evil-shop.cn/qr?id=9', ['link']],
    ['去 cheap-keys.top 下单更便宜', ['link']],
  ];
  it.each(flagged)('%s', (body, expected) => {
    expect(kinds(body).sort()).toEqual([...expected].sort());
  });
});

describe('detectOffPlatform leaves ordinary after-sales talk alone', () => {
  const clean: Array<[string, string[]?]> = [
    ['订单号 KM20261130210000123456 的卡密兑换失败'],
    ['10:30 兑换时提示“该卡已被使用”，金额 ¥12.50，另一单 50元'],
    ['2026-11-30 21:00 下单，昨天晚上8点才发货'],
    ['卡密：STEAM-50-1001-ABCD，麻烦看一下'],
    ['点卡卡号 1234 5678 9012 3456 密码 887766'],
    ['卡号 4111111111111111 兑换提示无效'],
    ['我是用微信支付付的款，退款原路退回就行'],
    ['退款到支付宝就可以，谢谢'],
    ['I paid with WeChat Pay, please refund to the original channel'],
    ['充值 Q币 100，QQ 12345678 还没到账', ['12345678']],
    ['话费充值号码 13812345678 没到账', ['13812345678']],
    ['订单详情见 http://localhost:3000/orders/5d1c 和 https://kameng.example/cases/1'],
    ['加vip会员的卡能用吗'],
    ['有一点问题，稍等我截图'],
    ['version 1.2.3 of the launcher shows error 0x80070005'],
  ];
  it.each(clean)('%s', (body, knownTokens = []) => {
    expect(detectOffPlatform(body, { platformHosts, knownTokens })).toEqual([]);
  });
});

describe('luhnValid', () => {
  it.each([['4111111111111111', true], ['6222021234567890128', true], ['1234567890123456', false]])('%s → %s', (digits, valid) => {
    expect(luhnValid(digits)).toBe(valid);
  });
});
