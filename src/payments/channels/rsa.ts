import { createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** SHA256withRSA, base64: Alipay RSA2, WeChat Pay v3 and UnionPay all sign this way. */
export function rsaSign(text: string, key: KeyObject): string {
  return createSign('RSA-SHA256').update(text, 'utf8').sign(key, 'base64');
}

export function rsaVerify(text: string, signature: string, key: KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256').update(text, 'utf8').verify(key, signature, 'base64');
  } catch {
    return false;
  }
}

/**
 * A key given as PEM text, as a path to a PEM file, or (Alipay's habit) as bare base64 DER on one
 * line. Throws with a short reason when it is none of those.
 */
export function readKeyText(value: string): string {
  if (value.includes('-----BEGIN')) return value.replace(/\\n/g, '\n');
  if (/^[A-Za-z0-9+/=\s]+$/.test(value) && value.length > 200) return value.replace(/\s/g, '');
  return readFileSync(value, 'utf8');
}

export function privateKeyFrom(value: string): KeyObject {
  const text = readKeyText(value);
  if (text.includes('-----BEGIN')) return createPrivateKey(text);
  return createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
}

/** A public key, or the public key of a certificate. */
export function publicKeyFrom(value: string): KeyObject {
  const text = readKeyText(value);
  if (text.includes('-----BEGIN')) return createPublicKey(text);
  return createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
}
