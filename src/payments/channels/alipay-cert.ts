import { createHash, X509Certificate } from 'node:crypto';

/**
 * 公钥证书模式: with certificates instead of bare keys every Alipay request carries `app_cert_sn`
 * (the application's public-key certificate) and `alipay_root_cert_sn` (Alipay's root bundle), as
 * Alipay's SDKs compute them: MD5 (hex) of the issuer's attributes, most specific first, written
 * `CN=…,OU=…,O=…,C=…`, followed by the serial number in decimal. The root bundle's SN joins, with
 * `_`, the SNs of its RSA-signed certificates only (signature OID 1.2.840.113549.1.1.*; the SM2 one is
 * left out). Alipay requires this mode for fund transfers (alipay.fund.trans.uni.transfer).
 */
export interface AlipayCertSns { appCertSn: string; alipayRootCertSn: string }

const pemBlocks = (text: string) => text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];

export function alipayCertSn(pem: string): string {
  const cert = new X509Certificate(pem);
  const issuer = cert.issuer.split('\n').reverse().join(',');
  const serial = BigInt(`0x${cert.serialNumber}`).toString(10);
  return createHash('md5').update(issuer + serial, 'utf8').digest('hex');
}

export function alipayRootCertSn(bundle: string): string {
  const sns = pemBlocks(bundle).filter((pem) => signatureOid(pem).startsWith('1.2.840.113549.1.1.')).map(alipayCertSn);
  if (sns.length === 0) throw new Error('the root certificate bundle holds no RSA-signed certificate');
  return sns.join('_');
}

/** One DER element: where its content starts and ends. */
function element(der: Buffer, at: number): { tag: number; start: number; end: number } {
  const tag = der[at]!;
  let length = der[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i]!;
    start += bytes;
  }
  if (start + length > der.length) throw new Error('truncated certificate');
  return { tag, start, end: start + length };
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm SEQUENCE { OID, … }, signature }: the OID, dotted. */
export function signatureOid(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const certificate = element(der, 0);
  const tbs = element(der, certificate.start);
  const algorithm = element(der, tbs.end);
  const oid = element(der, algorithm.start);
  if (certificate.tag !== 0x30 || algorithm.tag !== 0x30 || oid.tag !== 0x06) throw new Error('not an X.509 certificate');
  const bytes = der.subarray(oid.start, oid.end);
  const parts = [Math.floor(bytes[0]! / 40), bytes[0]! % 40];
  let value = 0;
  for (const byte of bytes.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) { parts.push(value); value = 0; }
  }
  return parts.join('.');
}
