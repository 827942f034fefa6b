import { fill, type Lang } from './lang';

/**
 * Chinese wording of every error code the API returns. The English message is the one written where
 * the error is raised (it names the numbers of that case); Chinese readers get this text, filled from
 * the error's details. `errorCodes.test.ts` checks that every code raised in src/ has an entry.
 * `{yuan:name}` formats a fen amount from details as yuan.
 */
export const zhErrorMessages: Record<string, string> = {
  // Accounts and sessions
  ACCOUNT_DISABLED: '该账号已被平台停用，请联系客服。',
  CANNOT_DISABLE_SELF: '管理员不能停用自己的账号。',
  CSRF_TOKEN_INVALID: '页面已过期，请刷新后重试。',
  EMAIL_TAKEN: '该邮箱已注册，请直接登录。',
  FORBIDDEN: '您的账号没有执行此操作的权限。',
  INVALID_CREDENTIALS: '邮箱或密码不正确。',
  LOGIN_BUSY: '登录请求较多，请 {retryAfterSeconds} 秒后再试。',
  RATE_LIMITED: '尝试次数过多，请稍后再试。',
  LOGIN_THROTTLED: '登录失败次数过多，请 {retryAfterSeconds} 秒后再试。',
  UNAUTHENTICATED: '请先登录。',
  USER_NOT_FOUND: '用户不存在。',
  API_KEY_LIMIT: '该店铺的有效 API 密钥已达上限，请先吊销一个。',
  API_KEY_NOT_FOUND: 'API 密钥不存在。',
  WEBHOOK_LIMIT: '该店铺的回调地址（Webhook）已达上限，请先删除一个。',
  WEBHOOK_NOT_FOUND: '回调地址（Webhook）不存在。',
  WEBHOOK_URL_INVALID: '回调地址格式不正确，需为 http:// 或 https:// 开头的完整网址。',
  WEBHOOK_TARGET_PRIVATE: '回调地址 {host} 指向本机、内网或其他非公网地址，不能使用。',
  WEBHOOK_TARGET_UNRESOLVABLE: '回调地址的域名 {host} 无法解析。',

  // Requests
  VALIDATION_FAILED: '提交的内容格式不正确。',
  BAD_REQUEST: '请求格式不正确。',
  BAD_URL: '网址格式不正确。',
  NOT_FOUND: '页面或接口不存在。',
  METHOD_NOT_ALLOWED: '该接口不支持此请求方式。',
  NOT_ACCEPTABLE: '无法以请求的格式返回内容。',
  REQUEST_TIMEOUT: '请求发送时间过长，请重试。',
  PAYLOAD_TOO_LARGE: '提交的内容过大。',
  URI_TOO_LONG: '网址过长。',
  UNSUPPORTED_MEDIA_TYPE: '不支持该内容类型。',
  HEADERS_TOO_LARGE: '请求头过大。',
  IDEMPOTENCY_KEY_IN_FLIGHT: '上一次提交仍在处理中，请稍等几秒再试，不会重复提交。',
  IDEMPOTENCY_KEY_REUSED: '这次提交与上一次不一致，请刷新页面后重新填写。',
  MULTIPART_REQUIRED: '请以文件上传（multipart/form-data）的方式提交，字段名为 file。',
  MULTIPART_MALFORMED: '上传内容无法读取，请重新选择文件上传。',
  MULTIPART_INVALID: '上传内容无法读取，请重新选择文件上传。',
  FILE_REQUIRED: '没有收到文件，请选择要上传的文件。',
  INTERNAL: '服务器出现问题，已记录，请稍后再试。',

  // Shops, products, keys
  SHOP_NOT_FOUND: '店铺不存在，或您无权查看。',
  SHOP_NAME_TAKEN: '店铺名称已被使用。',
  SHOP_SUSPENDED: '店铺已被暂停，不能提现，请联系平台。',
  SHOP_OWES_PLATFORM: '店铺尚欠平台 {yuan:owed}（先行赔付），结清前不能提现。',
  PRODUCT_NOT_FOUND: '商品不存在或已下架。',
  AFTER_SALES_WINDOW_OUT_OF_RANGE: '售后期超出了规则允许的范围。',
  NO_REASON_FEE_TOO_HIGH: '无理由退款手续费超过了规则上限。',
  CATEGORY_NOT_FOUND: '分类不存在。',
  CATEGORY_NAME_TAKEN: '同一级下已有同名分类。',
  PRODUCT_IMAGE_NOT_FOUND: '图片不存在或已删除。',
  PRODUCT_IMAGE_EMPTY: '文件是空的。',
  PRODUCT_IMAGE_TOO_LARGE: '图片文件过大，最大 {bytesMax} 字节。',
  PRODUCT_IMAGE_TYPE_NOT_ALLOWED: '只接受 PNG、JPEG、WebP 和 GIF 图片（按文件内容判断，而非文件名）。',
  PRODUCT_IMAGE_DIMENSIONS_TOO_LARGE: '图片像素过多（最多 {pixelsMax} 像素），请缩小后再上传。',
  PRODUCT_IMAGE_UNREADABLE: '图片无法读取，可能已损坏或不完整。',
  PRODUCT_IMAGES_FULL: '每个商品最多 {max} 张图片，请先删除一张。',
  IMAGE_STORE_UNAVAILABLE: '图片存储暂时不可用，请稍后再试。',
  NOT_A_CARD_KEY_PRODUCT: '只有卡密类商品可以导入卡密。',
  NO_KEYS: '没有可导入的卡密：每行一个，或提交 JSON 数组。',
  TOO_MANY_KEYS: '单次导入的卡密过多（本次 {count} 个）。',
  KEY_TOO_LONG: '有卡密超过了长度上限。',

  // Orders and payments
  ORDER_NOT_FOUND: '订单不存在，或您无权查看。',
  ORDER_LOOKUP_FAILED: '订单号或查询密码不正确。',
  LOOKUP_BUSY: '查询过于频繁，请 {retryAfterSeconds} 秒后再试。',
  ORDER_STATE_CHANGED: '订单状态已变化，请刷新后再操作。',
  ORDER_NOT_CONFIRMABLE: '当前状态的订单不能确认收货。',
  ORDER_ON_HOLD: '该订单有进行中的售后单，售后结束后才会结算。',
  ORDER_NOT_AWAITING_DELIVERY: '订单当前不在待发货状态。',
  NOT_MANUAL_GOODS: '只有人工服务类商品需要手动发货。',
  NOT_CARD_KEYS: '该订单没有卡密。',
  KEYS_NOT_DELIVERED: '卡密尚未发放，无法查看。',
  NO_KEYS_TO_REVEAL: '没有可查看的已发放卡密。',
  OUT_OF_STOCK: '库存不足，请减少数量或稍后再试。',
  QUANTITY_TOO_LARGE: '单笔订单购买数量超过上限。',
  TOO_MANY_UNPAID_ORDERS: '未付款订单过多，请先支付或等待其过期。',
  GUEST_HAS_NO_WALLET: '游客不能使用钱包，请选择支付渠道付款。',
  TOPUP_ACCOUNT_REQUIRED: '直充商品需要填写充值账号。',
  TOPUP_ACCOUNT_INVALID: '充值账号只能包含 4–64 位字母、数字及 . _ @ -',
  TOPUP_ACCOUNT_NOT_ALLOWED: '只有直充商品需要填写充值账号。',
  TOPUP_NOT_FOUND: '充值单不存在。',
  TOPUP_ALREADY_FINAL: '该充值结果已经记录，不能更改。',
  COUPON_INVALID: '优惠码无效：本店没有这个优惠码，请核对后重试。',
  COUPON_DISABLED: '该优惠券已被商家停用。',
  COUPON_EXPIRED: '该优惠券已过期。',
  COUPON_USED_UP: '该优惠券已被领用完。',
  COUPON_MIN_AMOUNT_NOT_MET: '订单满 {yuan:minAmount} 才能使用该优惠券（当前 {yuan:total}）。',
  COUPON_CODE_INVALID: '优惠码需为 3–32 位字母、数字、下划线或短横线。',
  COUPON_DISCOUNT_REQUIRED: '请在“减免金额”和“折扣百分比”中填写且只填写一项。',
  COUPON_TERMS_OUT_OF_RANGE: '优惠券的金额、折扣、门槛或次数超出了允许的范围。',
  COUPON_EXPIRY_INVALID: '优惠券的到期时间需晚于现在，且不超过 {maxDays} 天。',
  COUPON_LIMIT: '本店有效的优惠券已达上限（{max} 张），请先停用一张。',
  COUPON_CODE_TAKEN: '本店已有优惠码 {code}（不区分大小写）。',
  COUPON_NOT_FOUND: '优惠券不存在。',
  COUPON_CHANGED: '优惠券刚刚被修改，请刷新后重试。',
  INSUFFICIENT_BALANCE: '钱包余额不足（当前 {yuan:balance}），请选择其他支付方式或先充值。',
  INSUFFICIENT_FUNDS: '可用余额不足。',
  PAYMENT_NOT_FOUND: '支付单不存在。',
  CHANNEL_NOT_SUPPORTED: '该支付渠道暂不可用，请选择其他渠道。',
  PAYOUT_STATE_CHANGED: '该提现单已处理。',
  REFUND_EXCEEDS_PAID: '退款金额超过了订单尚可退的金额（{yuan:refundable}）。',

  // After-sales
  CASE_NOT_FOUND: '售后单不存在，或您无权查看。',
  CASE_STATE_CHANGED: '售后单状态已变化，请刷新后再操作。',
  CASE_ALREADY_OPEN: '该订单已有进行中的售后单。',
  ORDER_NOT_REFUNDABLE: '该订单当前不能申请售后。',
  ITEMS_NOT_IN_ORDER: '所选商品不属于该订单。',
  REISSUE_NOT_POSSIBLE: '只有卡密类商品可以补发。',
  AMOUNT_MISMATCH: '全额退款无需填写金额（或填写全部可退金额）；如只退一部分，请选择部分退款。',
  DESCRIPTION_TOO_SHORT: '请具体描述问题：发生了什么、何时、看到什么提示。',
  DESCRIPTION_VAGUE: '描述太笼统，请写明时间、提示和已做的沟通。',
  DESCRIPTION_NO_DETAIL: '请补充时间、错误提示或金额等细节，平台据此核对记录。',
  ALREADY_DECIDED: '这些商品已退款或已有处理结论，不能重复申请。',
  REFUND_EXCEEDS_REFUNDABLE: '申请金额超过可退金额（至多 {yuan:refundable}）。',
  NO_REASON_NOT_ALLOWED: '该商品不支持无理由退款。',
  KEY_REVEALED: '已查看的卡密不支持无理由退款（消保法第25条），如卡密有问题，请选择相应原因申请。',
  REFUND_WINDOW_CLOSED: '已超过发货后 {windowMinutes} 分钟的售后期。',
  TOPUP_IN_PROGRESS: '充值仍在供货商处理中，失败或超时会自动退款。',
  DELIVERY_NOT_YET_DUE: '尚未到商家承诺的发货时间，请到时仍未发货再申请。',
  MERCHANT_DEADLINE_PASSED: '商家处理期限已过。',
  BUYER_DEADLINE_PASSED: '申请平台介入的期限已过。',
  MESSAGE_REQUIRED: '请填写说明（至少 5 个字）。',
  AMOUNT_REQUIRED: '部分退款需要填写金额（分）。',
  AMOUNT_TOO_LARGE: '金额超过了尚可退款的金额。',
  REASON_REQUIRED: '请填写裁决理由。',
  UNKNOWN_RULE: '规则不存在或不在当前规则集中。',
  CASE_CLAIMED: '该售后单已被另一位客服认领，请待其释放后再处理（管理员可接管）。',
  CASE_NOT_CLAIMABLE: '只有平台处理中的售后单可以认领。',
  NOTES_LIMIT_REACHED: '该售后单的内部备注已达上限。',
  HOLIDAY_NOT_FOUND: '该日期没有节假日调整记录。',
  SAME_STAFF_APPEAL: '申诉须由另一位客服裁决。',
  NOT_APPEALABLE: '只有平台的裁决可以申诉。',
  APPEAL_LIMIT_REACHED: '该售后单已申诉过，申诉结果为最终结果。',
  APPEAL_WINDOW_CLOSED: '申诉期已过。',
  APPEAL_NEEDS_NEW_EVIDENCE: '申诉需要提交售后单上没有的新证据。',
  EVIDENCE_NOT_REQUESTED: '平台没有要求您补充证据。',
  EVIDENCE_DEADLINE_PASSED: '补充证据的期限已过。',
  EVIDENCE_NOT_FOUND: '证据不存在。',
  EVIDENCE_EMPTY: '文件是空的。',
  EVIDENCE_TOO_LARGE: '文件过大。',
  EVIDENCE_TYPE_NOT_ALLOWED: '不支持该文件类型，或文件内容与类型不符：请上传图片、PDF、视频或纯文本。',
  EVIDENCE_IMAGE_TOO_LARGE: '图片尺寸过大。',
  EVIDENCE_KIND_INVALID: '证据类别不正确。',
  EVIDENCE_STORE_UNAVAILABLE: '证据存储暂时不可用，请稍后再试。',
  EVIDENCE_FILE_UNAVAILABLE: '找不到已存储的文件，已记录。',
  TOO_MANY_EVIDENCE: '一次提交的文件过多。',

  // Chat
  MESSAGE_NOT_FOUND: '消息不存在。',
  MESSAGE_EMPTY: '消息不能为空。',
  MESSAGE_TOO_LONG: '消息过长。',
  CHAT_NOT_ESCALATED: '售后单提交平台处理后，客服才能加入会话。',
  OFF_PLATFORM_PAYMENT: '请勿私下转账或添加站外联系方式：站外交易不受平台担保，出现问题平台无法保障您的权益。',

  // Trust: identity and reviews
  PHONE_INVALID: '手机号格式不正确：请输入 11 位手机号，或带 + 的国际号码。',
  IDENTITY_NUMBER_INVALID: '证件号码格式不正确：身份证为 18 位，营业执照为 18 位统一社会信用代码。',
  IDENTITY_NAME_REQUIRED: '请填写姓名或企业名称。',
  IDENTITY_PENDING: '已有一份认证正在审核，请等待结果。',
  IDENTITY_ALREADY_DECIDED: '这份认证已经审核过了。',
  IDENTITY_NOT_FOUND: '认证申请不存在。',
  SHOP_IDENTITY_REQUIRED: '店铺主体认证通过后才能上架和销售，请先在商家后台提交认证。',
  ALREADY_REVIEWED: '这个订单已经评价过了，每个订单只能评价一次。',
  REVIEW_NOT_YET_ALLOWED: '确认收货（订单完成）后才能评价。',

  // Buyer mistakes, cancel, key checks
  EXCHANGE_OTHER_SHOP: '换货只能换同一店铺的其他商品。',
  EXCHANGE_FUNDS_WAITING: '原订单的款项暂时无法动用，换货未能完成。',
  EXCHANGE_NEEDS_ACCOUNT: '换成直充商品需要填写充值账号。',
  EXCHANGE_SAME_PRODUCT: '换货请选择另一件商品。',
  EXCHANGE_PRODUCT_UNAVAILABLE: '要换的商品已下架或库存不足。',
  EXCHANGE_NEEDS_BUYER_MISTAKE: '只有误拍或重复下单可以换货。',
  EXCHANGE_NEEDS_FULL_REFUND: '换货会转移所申请商品的全部价值，请选择全额退款。',
  GOODS_USED: '商品已使用（卡密已查看或已交付），只有未使用的商品可以换货或存入余额免手续费。',
  ORDER_NOT_CANCELLABLE: '只有待付款的订单可以取消。',
  CANCEL_NOT_ALLOWED: '按现行规则，买家不能取消订单，未付款订单会自动过期。',
  KEY_CHECKER_NOT_CARD_KEY: '只有卡密类商品可以设置卡密核验。',
  UNKNOWN_KEY_CHECKER: '没有这个卡密核验服务。',

  // Payment channels and operations
  PAYMENT_MISMATCH: '支付通知与支付单不符（渠道或金额不同），未作处理。',
  PAYOUT_NOT_SUPPORTED: '此渠道不支持提现打款，请选择支付宝、微信或银行卡。',
  PAYOUT_ACCOUNT_REQUIRED: '请先设置店铺的收款账户，再申请提现。',
  REFUND_NOT_FOUND: '找不到该退款。',
  REFUND_NOT_ON_CHANNEL: '该退款不是退回支付渠道的，沙箱无可模拟。',
  COMPLAINT_NOT_READABLE: '暂时无法读取投诉详情，请渠道稍后重发。',
  CHARGEBACK_NOT_SIMULATED: '沙箱只能为已支付的微信支付或支付宝订单模拟投诉。',
  REFUND_NOT_STUCK: '该退款没有卡住（仍在渠道的到账期限内，或已处理），无需处理。',
  PAYMENT_CANCELLED: '订单已取消，这笔支付已关闭。',
  NOTIFICATION_REJECTED: '支付通知未通过校验，未作处理。',
  NOT_READY: '服务尚未就绪（数据库不可用或有未执行的迁移）。',
  METRICS_UNAVAILABLE: '暂时无法读取监控数据。',

  // Rules
  RULE_SET_NOT_FOUND: '规则集不存在。',
  RULE_VALUE_INVALID: '规则 {rule} 的取值须为 {min} 到 {max} 之间的整数（{unit}）。',
};

const yuan = (fen: unknown) => (typeof fen === 'number' && Number.isFinite(fen) ? `¥${(fen / 100).toFixed(2)}` : '');

/**
 * The message for a reader: English keeps the raised message; Chinese uses the catalog, or the
 * raised message when the code has no entry (errorCodes.test.ts keeps that from happening).
 */
export function localizedErrorMessage(lang: Lang, code: string, message: string, details?: Record<string, unknown>): string {
  if (lang === 'en') return message;
  const template = zhErrorMessages[code];
  if (!template) return message;
  const values = details ?? {};
  return fill(template.replace(/\{yuan:(\w+)\}/g, (_, name: string) => yuan(values[name])), values)
    .replace(/（\s*）|\(\s*\)/g, '');
}
