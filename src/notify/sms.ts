import { randomUUID } from 'node:crypto';
import { aliyunTimestamp, canonicalQuery, percentEncode, signRpcRequest } from './aliyun-signature';

/** One SMS: the rendered text (kept in the outbox) and the template parameters a provider sends. */
export interface SmsMessage {
  phone: string;
  text: string;
  params: { title: string; order: string };
}

export interface SmsProvider {
  readonly name: string;
  /** Sends one message; resolves with the provider's id for it, throws when the provider refused it. */
  send(message: SmsMessage): Promise<{ messageId: string }>;
}

/** Sandbox: nothing leaves the machine; the sent rows are the outbox (`GET /api/sandbox/sms`). */
export class SandboxSmsProvider implements SmsProvider {
  readonly name = 'sandbox';
  async send(): Promise<{ messageId: string }> {
    return { messageId: `sandbox-${randomUUID()}` };
  }
}

export interface AliyunSmsConfig {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  /** A notification template registered with Aliyun taking ${title} and ${order}. */
  templateCode: string;
  endpoint: string;
  regionId: string;
}

/** A request that has not answered by then has failed; the job retries it. */
export const smsRequestTimeoutMs = 10_000;
/** Aliyun limits a template variable's length; longer titles are cut. */
export const smsTemplateParamLengthMax = 35;

/** 阿里云短信 (dysmsapi SendSms, API version 2017-05-25), signed per Aliyun's RPC signature rules. */
export class AliyunSmsProvider implements SmsProvider {
  readonly name = 'aliyun';
  constructor(private readonly config: AliyunSmsConfig, private readonly fetchImpl: typeof fetch = fetch, private readonly now: () => Date = () => new Date()) {}

  /** The signed query string of one SendSms call (exposed for tests). */
  signedQuery(message: SmsMessage, nonce: string = randomUUID()): string {
    const params: Record<string, string> = {
      AccessKeyId: this.config.accessKeyId, Action: 'SendSms', Format: 'JSON', RegionId: this.config.regionId,
      SignatureMethod: 'HMAC-SHA1', SignatureNonce: nonce, SignatureVersion: '1.0', Timestamp: aliyunTimestamp(this.now()), Version: '2017-05-25',
      PhoneNumbers: message.phone, SignName: this.config.signName, TemplateCode: this.config.templateCode,
      TemplateParam: JSON.stringify({ title: message.params.title.slice(0, smsTemplateParamLengthMax), order: message.params.order.slice(0, smsTemplateParamLengthMax) }),
    };
    return `Signature=${percentEncode(signRpcRequest(params, this.config.accessKeySecret))}&${canonicalQuery(params)}`;
  }

  async send(message: SmsMessage): Promise<{ messageId: string }> {
    const response = await this.fetchImpl(`${this.config.endpoint.replace(/\/$/, '')}/?${this.signedQuery(message)}`, {
      method: 'GET', signal: AbortSignal.timeout(smsRequestTimeoutMs),
    });
    const body = (await response.json().catch(() => ({}))) as { Code?: string; Message?: string; BizId?: string; RequestId?: string };
    if (!response.ok || body.Code !== 'OK') throw new Error(`Aliyun SendSms refused: ${body.Code ?? response.status} ${body.Message ?? ''}`.trim());
    return { messageId: body.BizId ?? body.RequestId ?? '' };
  }
}

export type SmsConfig = { provider: 'off' } | { provider: 'sandbox' } | ({ provider: 'aliyun' } & AliyunSmsConfig);

/** The configured provider; the sandbox one only in sandbox mode. */
export function createSmsProvider(config: SmsConfig, sandbox: boolean): SmsProvider | null {
  if (config.provider === 'aliyun') return new AliyunSmsProvider(config);
  if (config.provider === 'sandbox' && sandbox) return new SandboxSmsProvider();
  return null;
}

/** Mainland mobile numbers (11 digits from 1) or international ones with a leading +. */
export const phonePattern = /^(1[3-9]\d{9}|\+[1-9]\d{6,14})$/;
/** Spaces and dashes people type are dropped; a +86 prefix on a mainland number is kept as Aliyun accepts it. */
export const normalizePhone = (raw: string): string => raw.replace(/[\s-]/g, '');
