import { paymentComplaintChannel, consumerComplaintChannel } from '../aftersales/external-channels';
import { localizedErrorMessage } from '../i18n/error-messages';
import { ruleTitle } from '../rules/titles-en';
import type { NoticeKind, NoticeParams, Party, RefundCause } from './kinds';
import { formatMoney as yuan, formatTime, joinSentences, sentence, type Reader } from './reader-format';

export interface RenderedNotice {
  title: string;
  body: string;
}

type Renderer<K extends NoticeKind> = (p: NoticeParams[K], r: Reader, say: Say) => RenderedNotice;
/** Picks the reader's wording: `say('中文', 'English')`. */
type Say = (zh: string, en: string) => string;

const party = (p: Party, say: Say) => (p === 'buyer' ? say('买家', 'The buyer') : say('商家', 'The merchant'));
const rule = (id: string, r: Reader) => (r.lang === 'en' ? `“${ruleTitle(id, r.lang)}”` : `「${ruleTitle(id, r.lang)}」`);
const productKind = (t: 'card_key' | 'manual' | 'topup', say: Say) =>
  t === 'card_key' ? say('卡密', 'card keys') : t === 'topup' ? say('直充', 'top-up') : say('人工发货', 'manual delivery');
const channelNames: Record<string, [string, string]> = {
  bank: ['银行卡', 'your bank card'], unionpay: ['银行卡（银联）', 'your bank card (UnionPay)'], alipay: ['支付宝', 'Alipay'],
  wechat: ['微信支付', 'WeChat Pay'], epay: ['易支付', 'epay'], balance: ['平台余额', 'your balance'], sandbox: ['模拟支付', 'the sandbox payment'],
};
const channelName = (channel: string, say: Say) => { const names = channelNames[channel]; return names ? say(names[0], names[1]) : channel; };
const causes: Record<RefundCause, [string, string]> = {
  topup_failed: ['直充未能到账', 'the top-up did not arrive'],
  topup_partial: ['直充只到账一部分', 'only part of the top-up arrived'],
  late_payment_out_of_stock: ['付款到账时订单已过期且库存已售出', 'the payment arrived after the order expired and the stock was gone'],
  case: ['售后处理结果', 'the after-sales outcome'],
  other: ['平台规则', 'the platform rules'],
};

const renderers: { [K in NoticeKind]: Renderer<K> } = {
  order_paid: (p, r, say) => ({
    title: say(`新订单已付款（订单 ${p.orderNo}）`, `New paid order ${p.orderNo}`),
    body: joinSentences(r.lang,
      say(`买家已付款 ${yuan(p.amount)}：${p.productTitle} × ${p.quantity}（${productKind(p.productType, say)}）。`, `The buyer paid ${yuan(p.amount)} for ${p.productTitle} × ${p.quantity} (${productKind(p.productType, say)}).`),
      p.productType === 'manual' && p.deliverBy !== null && say(`请在 ${formatTime(p.deliverBy, r)} 前发货，逾期将按平台规则赔付买家。`, `Please deliver by ${formatTime(p.deliverBy, r)}; a late delivery compensates the buyer under the platform rules.`),
      p.productType === 'card_key' && say('卡密已自动发货。', 'The card keys were delivered automatically.')),
  }),
  order_delivered: (p, r, say) => ({
    title: say(`订单 ${p.orderNo} 已发货`, `Order ${p.orderNo} delivered`),
    body: joinSentences(r.lang, say(`您购买的 ${p.productTitle} 已发货，请到订单页查看。`, `${p.productTitle} has been delivered; open the order to see it.`),
      say('如有问题，请在售后时限内申请售后。', 'If something is wrong, file an after-sales claim within the window.')),
  }),
  refund_booked: (p, r, say) => ({
    title: p.destination === 'wallet' ? say('退款已存入余额', 'Refund added to your balance') : say('退款已发起', 'Refund on its way'),
    body: joinSentences(r.lang,
      say(`因${causes[p.cause][0]}，订单 ${p.orderNo} 退款 ${yuan(p.amount)}`, `Order ${p.orderNo}: ${yuan(p.amount)} refunded because ${causes[p.cause][1]}`)
        + (p.destination === 'wallet' ? say('，已存入您的余额。', '; it is in your balance now.') : say('，将原路退回。', '; it goes back to how you paid.')),
      p.destination === 'original' && p.expectedBy !== null && say(`预计最晚 ${formatTime(p.expectedBy, r)} 前到账。`, `Expect it by ${formatTime(p.expectedBy, r)}.`)),
  }),
  refund_fallback_wallet: (p, _r, say) => ({
    title: say('退款已退回余额', 'Refund added to your balance'),
    body: say(`订单 ${p.orderNo} 的退款 ${yuan(p.amount)} 无法原路退回${channelName(p.channel, say)}，已存入您的平台余额，可直接使用或提现。`,
      `Order ${p.orderNo}: the refund of ${yuan(p.amount)} could not go back to ${channelName(p.channel, say)}, so it is in your balance now, to spend or withdraw.`),
  }),
  refund_arrived: (p, _r, say) => ({
    title: say('退款已到账', 'Refund arrived'),
    body: say(`订单 ${p.orderNo} 的退款 ${yuan(p.amount)} 已原路退回。`, `The refund of ${yuan(p.amount)} for order ${p.orderNo} reached your original payment method.`),
  }),
  refund_funded: (p, _r, say) => ({
    title: say('退款已执行', 'Refund paid'),
    body: say(`订单 ${p.orderNo} 的退款 ${yuan(p.amount)} 已由平台执行。`, `The platform paid the refund of ${yuan(p.amount)} for order ${p.orderNo}.`),
  }),
  late_delivery_penalty: (p, _r, say) => p.reader === 'buyer'
    ? {
      title: say('延迟发货赔付已到账', 'Late-delivery compensation paid'),
      body: say(`订单 ${p.orderNo} 晚于承诺时间 ${p.minutesLate} 分钟发货，商家按平台规则赔付 ${yuan(p.amount)}，已${p.paidTo === 'wallet' ? '存入您的余额' : '退回原支付渠道'}。`,
        `Order ${p.orderNo} was delivered ${p.minutesLate} minutes after the promised time; the merchant paid you ${yuan(p.amount)} under the platform rules, ${p.paidTo === 'wallet' ? 'into your balance' : 'back to how you paid'}.`),
    }
    : {
      title: say('延迟发货已赔付买家', 'Late delivery: the buyer was compensated'),
      body: say(`订单 ${p.orderNo} 晚于承诺时间 ${p.minutesLate} 分钟发货，已按平台规则从您的资金中赔付买家 ${yuan(p.amount)}。`,
        `Order ${p.orderNo} was delivered ${p.minutesLate} minutes after the promised time; ${yuan(p.amount)} from your funds compensated the buyer under the platform rules.`),
    },
  case_opened: (p, r, say) => ({
    title: say('新的售后申请', 'New after-sales claim'),
    body: p.merchantBy
      ? say(`订单 ${p.orderNo} 有新的售后申请，商家需在 ${formatTime(p.merchantBy, r)} 前处理。`, `Order ${p.orderNo} has a new after-sales claim; the merchant must respond by ${formatTime(p.merchantBy, r)}.`)
      : say(`订单 ${p.orderNo} 有新的售后申请，平台将在处理时限内处理。`, `Order ${p.orderNo} has a new after-sales claim; the platform handles it within its deadline.`),
  }),
  case_auto_approved: (p, r, say) => ({
    title: say('售后已自动通过', 'Claim approved automatically'),
    body: say(`订单 ${p.orderNo} 的售后已按平台规则${rule(p.ruleId, r)}自动通过，退款 ${yuan(p.amount)}。`,
      `The claim on order ${p.orderNo} was approved automatically under the rule ${rule(p.ruleId, r)}: ${yuan(p.amount)} refunded.`),
  }),
  case_merchant_response: (p, r, say) => ({
    title: p.accepted ? say('商家已同意售后', 'The merchant accepted your claim') : say('商家已答复售后', 'The merchant answered your claim'),
    body: p.accepted
      ? say(`商家同意了订单 ${p.orderNo} 的售后请求，已为您处理。`, `The merchant accepted your claim on order ${p.orderNo} and it has been carried out.`)
      : joinSentences(r.lang, say(`商家答复了订单 ${p.orderNo} 的售后，请到售后页查看。`, `The merchant answered your claim on order ${p.orderNo}; open the case to read it.`),
        p.buyerBy && say(`请在 ${formatTime(p.buyerBy, r)} 前选择接受或申请平台介入，逾期视为接受。`, `Accept it or ask the platform to arbitrate by ${formatTime(p.buyerBy, r)}; after that it counts as accepted.`)),
  }),
  case_closed: (p, _r, say) => ({
    title: say('售后已结束', 'Case closed'),
    body: p.bySystem
      ? say(`买家未在时限内申请平台介入，订单 ${p.orderNo} 的售后单已按商家的处理结果结束。`, `The buyer did not ask for arbitration in time; the case on order ${p.orderNo} closed on the merchant's answer.`)
      : say(`买家接受了商家的处理结果，订单 ${p.orderNo} 的售后单已结束。`, `The buyer accepted the merchant's answer; the case on order ${p.orderNo} is closed.`),
  }),
  case_escalated: (p, r, say) => ({
    title: say('平台已介入', 'The platform is arbitrating'),
    body: joinSentences(r.lang, say(`买家就订单 ${p.orderNo} 申请了平台介入，仲裁员将查看双方证据和平台记录后作出判定。`, `The buyer asked the platform to arbitrate the case on order ${p.orderNo}; an arbitrator decides from both sides' evidence and the platform's records.`),
      p.decisionBy && say(`预计在 ${formatTime(p.decisionBy, r)} 前判定。`, `Expect a decision by ${formatTime(p.decisionBy, r)}.`)),
  }),
  case_withdrawn: (p, _r, say) => ({
    title: say('买家已撤销售后', 'The buyer withdrew the claim'),
    body: say(`买家撤销了订单 ${p.orderNo} 的售后申请。`, `The buyer withdrew the after-sales claim on order ${p.orderNo}.`),
  }),
  case_evidence_requested: (p, r, say) => ({
    title: say('平台请您补充证据', 'The platform asks you for evidence'),
    body: joinSentences(r.lang, say(`订单 ${p.orderNo}：`, `Order ${p.orderNo}: `) + sentence(p.note, r.lang),
      say(`请在 ${formatTime(p.evidenceBy, r)} 前提交，逾期视为放弃该项主张。`, `Send it by ${formatTime(p.evidenceBy, r)}; after that the point counts as given up.`)),
  }),
  case_evidence_submitted: (p, _r, say) => ({
    title: say('对方已补充证据', 'The other side sent evidence'),
    body: say(`${party(p.party, say)}按平台要求补充了订单 ${p.orderNo} 的证据，仲裁员将继续处理。`, `${party(p.party, say)} sent the evidence the platform asked for on order ${p.orderNo}; the arbitrator continues.`),
  }),
  case_evidence_not_provided: (p, _r, say) => ({
    title: say('补充举证已逾期', 'Requested evidence not sent in time'),
    body: say(`${party(p.party, say)}未在时限内补充订单 ${p.orderNo} 的证据，视为放弃该项主张，仲裁员将据现有证据判定。`,
      `${party(p.party, say)} did not send the evidence for order ${p.orderNo} in time; the point counts as given up and the arbitrator decides on the evidence at hand.`),
  }),
  case_decided: (p, r, say) => {
    const outcome = p.outcome === 'reject' ? say('驳回', 'rejected') : p.outcome === 'reissue' ? say('补发', 'a replacement is sent')
      : say(`退款 ${yuan(p.amount)}`, `${yuan(p.amount)} refunded`);
    if (p.by === 'merchant_silence') {
      return {
        title: say('商家超时未处理，售后已通过', 'The merchant did not respond in time: claim approved'),
        body: say(`商家未在时限内处理订单 ${p.orderNo} 的售后，平台按规则${rule(p.ruleId, r)}支持买家（${outcome}）。`,
          `The merchant did not respond to the claim on order ${p.orderNo} in time; under the rule ${rule(p.ruleId, r)} the buyer is supported (${outcome}).`),
      };
    }
    return {
      title: p.appeal ? say('申诉已判定', 'Appeal decided') : say('平台已判定', 'The platform decided'),
      body: joinSentences(r.lang,
        say(`订单 ${p.orderNo} 的售后判定：${outcome}。`, `Decision on order ${p.orderNo}: ${outcome}.`),
        say(`依据规则${rule(p.ruleId, r)}。`, `Rule: ${rule(p.ruleId, r)}.`),
        p.reason && say('理由：', 'Reason: ') + sentence(p.reason, r.lang),
        p.appealBy && say(`如有新证据，可在 ${formatTime(p.appealBy, r)} 前申诉一次。`, `With new evidence you may appeal once, by ${formatTime(p.appealBy, r)}.`)),
    };
  },
  case_appealed: (p, _r, say) => ({
    title: say('售后已申诉', 'Decision appealed'),
    body: say(`${party(p.party, say)}对订单 ${p.orderNo} 的判定提交了申诉，将由另一位仲裁员复核。`, `${party(p.party, say)} appealed the decision on order ${p.orderNo}; a different arbitrator reviews it.`),
  }),
  case_deadline_approaching: (p, r, say) => {
    const what = p.step === 'merchant_response' ? say('处理买家的售后申请', 'respond to the buyer\'s claim')
      : p.step === 'buyer_response' ? say('选择接受商家答复或申请平台介入', 'accept the merchant\'s answer or ask for arbitration')
        : say('补充平台要求的证据', 'send the evidence the platform asked for');
    return {
      title: say('售后截止时间临近', 'After-sales deadline soon'),
      body: say(`订单 ${p.orderNo}：请在 ${formatTime(p.deadline, r)} 前${what}，逾期将按平台规则处理。`, `Order ${p.orderNo}: please ${what} by ${formatTime(p.deadline, r)}; after that the platform rules decide.`),
    };
  },
  case_overdue: (p, r, say) => ({
    title: say('售后单超过仲裁时限', 'Case past its decision deadline'),
    body: say(`订单 ${p.orderNo} 的售后单已超过仲裁时限（${formatTime(p.decisionBy, r)}）仍未判定，已置顶于仲裁队列。`,
      `The case on order ${p.orderNo} passed its decision deadline (${formatTime(p.decisionBy, r)}) without a decision; it now leads the staff queue.`),
  }),
  case_external_channels: (p, r, say) => {
    const payment = paymentComplaintChannel(p.channel)[r.lang];
    return {
      title: say(`售后 ${p.days} 个工作日未判定：外部投诉渠道`, `No decision after ${p.days} business days: where else to turn`),
      body: [
        say(`订单 ${p.orderNo} 的售后申请已超过 ${p.days} 个工作日仍未判定。您可以下载证据包（订单、经校验的时间线、售后记录、聊天记录和证据哈希）：${p.link}`,
          `Your after-sales claim on order ${p.orderNo} has had no decision for ${p.days} business days. Download the evidence package (order, verified timeline, cases, chat and evidence hashes): ${p.link}`),
        say(`外部渠道：${consumerComplaintChannel.name.zh} ${consumerComplaintChannel.url}；${payment}。`, `Outside the platform: ${consumerComplaintChannel.name.en} ${consumerComplaintChannel.url}; ${payment}.`),
      ].join('\n'),
    };
  },
  case_exchanged: (p, r, say) => ({
    title: say('换货已完成', 'Exchange done'),
    body: joinSentences(r.lang, say(`订单 ${p.orderNo} 已换为新订单 ${p.newOrderNo}（${p.newTitle}）。`, `Order ${p.orderNo} was exchanged for order ${p.newOrderNo} (${p.newTitle}).`),
      p.refunded > 0 && say(`差价 ${yuan(p.refunded)} 已原路退回。`, `The difference of ${yuan(p.refunded)} goes back to how you paid.`),
      p.refunded === 0 && p.paidFromWallet > 0 && say(`已从余额补差价 ${yuan(p.paidFromWallet)}。`, `The difference of ${yuan(p.paidFromWallet)} was paid from your balance.`)),
  }),
  case_exchange_failed: (p, r, say) => ({
    title: say('换货未成，款项已存入余额', 'Exchange failed: the money is in your balance'),
    body: say(`订单 ${p.orderNo} 的换货未能完成（${sentence(localizedErrorMessage('zh', p.error.code, p.error.message, p.error.details), 'zh').replace(/。$/, '')}），${yuan(p.amount)} 已存入您的余额，不收手续费。`,
      `The exchange for order ${p.orderNo} could not be made (${sentence(localizedErrorMessage('en', p.error.code, p.error.message, p.error.details), 'en').replace(/\.$/, '')}); ${yuan(p.amount)} is in your balance, with no fee.`),
  }),
  chat_message: (p, r, say) => {
    const from = p.from === 'buyer' ? say('买家', 'The buyer') : p.from === 'merchant' ? say('商家', 'The merchant') : say('平台客服', 'Platform staff');
    return {
      title: say(`${from}发来新消息（订单 ${p.orderNo}）`, `New message from ${from.replace(/^The /, 'the ')} (order ${p.orderNo})`),
      body: joinSentences(r.lang, say(`${from}在订单 ${p.orderNo} 的站内沟通中发来一条消息，请到订单页查看。`, `${from} wrote in the conversation on order ${p.orderNo}; open the order to read it.`),
        p.flagged && say('平台提示其中含有站外联系或付款信息。站外交易不受平台担保，请勿私下转账。', 'The platform flagged it for contact or payment off the platform. Trades off the platform are not protected; never pay privately.')),
    };
  },
  chat_read_unanswered: (p, r, say) => ({
    title: say(`买家消息已读未回（订单 ${p.orderNo}）`, `Buyer message read but unanswered (order ${p.orderNo})`),
    body: say(`您已读买家的消息但未在规定时间内回复，平台已按规则${rule(p.ruleId, r)}记录为“已读未回”，会作为该订单售后的证据。请尽快回复买家。`,
      `You read the buyer's message but did not answer in time; under the rule ${rule(p.ruleId, r)} the platform recorded it as read-unanswered, evidence in any after-sales case on this order. Please answer the buyer soon.`),
  }),
  review_posted: (p, _r, say) => ({
    title: say('收到新评价', 'New review'),
    body: say(`订单 ${p.orderNo} 的买家给出了 ${p.rating} 星评价。`, `The buyer of order ${p.orderNo} left a ${p.rating}-star review.`),
  }),
  identity_approved: (p, _r, say) => ({
    title: say('店铺认证已通过', 'Shop identity verified'),
    body: say(`店铺「${p.shopName}」的主体信息已通过审核。`, `The identity of the shop “${p.shopName}” was verified.`),
  }),
  identity_rejected: (p, r, say) => ({
    title: say('店铺认证未通过', 'Shop identity not verified'),
    body: joinSentences(r.lang, say(`店铺「${p.shopName}」的主体信息未通过审核：`, `The identity of the shop “${p.shopName}” was not verified: `) + sentence(p.reason, r.lang),
      say('请修改后重新提交。', 'Please correct it and submit again.')),
  }),
  shop_suspended: (p, r, say) => ({
    title: say('店铺已被暂停', 'Shop suspended'),
    body: joinSentences(r.lang, say(`店铺「${p.shopName}」已被平台暂停，暂停期间商品下架、不能提现。`, `The platform suspended your shop “${p.shopName}”: its products are off sale and withdrawals are paused meanwhile.`),
      p.reason !== null && p.reason !== '' && say('原因：', 'Reason: ') + sentence(p.reason, r.lang)),
  }),
  shop_reinstated: (p, r, say) => ({
    title: say('店铺已恢复', 'Shop reinstated'),
    body: joinSentences(r.lang,
      p.active ? say(`店铺「${p.shopName}」已恢复营业。`, `Your shop “${p.shopName}” is open again.`)
        : say(`店铺「${p.shopName}」已恢复，保证金补足后商品重新上架。`, `Your shop “${p.shopName}” is reinstated; its products return once the deposit is topped up.`),
      p.reason !== null && p.reason !== '' && say('说明：', 'Note: ') + sentence(p.reason, r.lang)),
  }),
  withdrawal_paid: (p, _r, say) => ({
    title: say('提现已到账', 'Withdrawal paid'),
    body: say(`您的提现 ${yuan(p.amount)} 已付至${channelName(p.channel, say)}。`, `Your withdrawal of ${yuan(p.amount)} was paid to ${channelName(p.channel, say)}.`),
  }),
  withdrawal_failed: (p, r, say) => ({
    title: say('提现失败', 'Withdrawal failed'),
    body: joinSentences(r.lang, say(`您的提现 ${yuan(p.amount)} 未能付至${channelName(p.channel, say)}，款项已退回可提现余额，请核对收款账户后重新提现。`, `Your withdrawal of ${yuan(p.amount)} to ${channelName(p.channel, say)} failed; the money is back in your available balance. Check the payout account and withdraw again.`),
      say('原因：', 'Reason: ') + sentence(p.failure, r.lang)),
  }),
  legacy_text: (p) => ({ title: p.title, body: p.body }),
};

/** A notice in the reader's language and time zone: rule titles, ¥ amounts, no raw times. */
export function renderNotice(kind: string, params: Record<string, unknown>, reader: Reader): RenderedNotice {
  const say: Say = (zh, en) => (reader.lang === 'en' ? en : zh);
  const render = (renderers as Record<string, Renderer<NoticeKind> | undefined>)[kind];
  // A kind this build does not know (a newer deploy wrote it) still shows something readable.
  if (!render) return { title: String(params.title ?? kind), body: String(params.body ?? '') };
  return render(params as never, reader, say);
}
