import { createHmac } from 'node:crypto';

/**
 * Alibaba Cloud RPC request signing (signature version 1.0, HMAC-SHA1), as the dysmsapi SendSms
 * documentation describes it: percent-encode every name and value (RFC 3986: space as %20, `*` as
 * %2A, `~` kept), sort by name, join as the canonical query, sign
 * `METHOD&%2F&percentEncode(canonicalQuery)` with the key `AccessKeySecret&`, base64.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params).filter((k) => k !== 'Signature').sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k])}`).join('&');
}

export function signRpcRequest(params: Record<string, string>, accessKeySecret: string, method: 'GET' | 'POST' = 'GET'): string {
  const stringToSign = `${method}&${percentEncode('/')}&${percentEncode(canonicalQuery(params))}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign).digest('base64');
}

/** Aliyun wants UTC without milliseconds: 2017-07-12T02:42:19Z. */
export const aliyunTimestamp = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');
