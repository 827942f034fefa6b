import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const ivBytes = 12;
const tagBytes = 16;

/**
 * AES-256-GCM for card keys and manual deliveries at rest, and an HMAC for dedupe, both with
 * keys derived from KAMENG_SECRET. Ciphertext format: base64url(iv | tag | ciphertext).
 */
export class SecretBox {
  private readonly encryptionKey: Buffer;
  private readonly fingerprintKey: Buffer;

  constructor(secret: string) {
    this.encryptionKey = Buffer.from(hkdfSync('sha256', secret, 'kameng', 'card-key-encryption', 32));
    this.fingerprintKey = Buffer.from(hkdfSync('sha256', secret, 'kameng', 'card-key-fingerprint', 32));
  }

  encrypt(plain: string): string {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  decrypt(sealed: string): string {
    const raw = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, raw.subarray(0, ivBytes));
    decipher.setAuthTag(raw.subarray(ivBytes, ivBytes + tagBytes));
    return Buffer.concat([decipher.update(raw.subarray(ivBytes + tagBytes)), decipher.final()]).toString('utf8');
  }

  /** A keyed fingerprint: equal codes match without the database ever holding them in clear. */
  fingerprint(plain: string): string {
    return createHmac('sha256', this.fingerprintKey).update(plain).digest('base64url');
  }
}
