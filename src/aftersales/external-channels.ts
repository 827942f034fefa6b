/**
 * Where a buyer can go outside the platform (DESIGN.md "Transparency to the end"): the national
 * consumer complaint platform, and the complaint process of the channel the order was paid with.
 */
export interface Bilingual { zh: string; en: string }

export const consumerComplaintChannel = { name: { zh: '全国12315平台', en: 'National 12315 consumer complaint platform' }, url: 'https://www.12315.cn' } as const;

export function paymentComplaintChannel(channel: string): Bilingual {
  switch (channel) {
    case 'alipay': return {
      zh: '支付宝：在支付宝 App「我的 → 客服中心」或该笔账单详情中对这笔交易发起投诉',
      en: 'Alipay: in the Alipay app (Me → Customer Service, or the bill of this payment) file a complaint about this transaction',
    };
    case 'wechat': return {
      zh: '微信支付：在微信「我 → 服务 → 钱包 → 账单」中找到这笔交易，选择「投诉」',
      en: 'WeChat Pay: find this payment under Me → Services → Wallet → Bills and choose "Complaint"',
    };
    case 'unionpay': return {
      zh: '银联 / 银行卡：联系发卡银行或拨打银联客服 95516，对这笔交易提出争议（拒付）',
      en: 'UnionPay / bank card: contact your card issuer or UnionPay (95516) to dispute this payment (chargeback)',
    };
    case 'epay': return {
      zh: '易支付：按实际付款所用渠道（支付宝 / 微信支付 / 银行卡）的投诉流程对这笔交易发起投诉',
      en: 'epay: file a complaint through the channel the money actually came from (Alipay, WeChat Pay or your bank)',
    };
    default: return {
      zh: '付款渠道：按付款所用渠道的投诉流程对这笔交易发起投诉',
      en: 'Payment channel: file a complaint through the complaint process of the channel you paid with',
    };
  }
}
