import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import pino from 'pino';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceImagePixelsMax, evidenceSizeBytesMax } from '../../src/aftersales/evidence';
import { createKameng } from '../../src/app';
import type { Config, S3Config } from '../../src/config';
import { openDatabase } from '../../src/db/connect';
import type { App } from '../../src/http/app-type';
import { tinyPng } from '../support/aftersales';
import type { Session } from '../support/api';
import { useTestApp } from '../support/harness';

const bucket = 'kameng-evidence';
const scratch = mkdtempSync(path.join(os.tmpdir(), 'kameng-evidence-'));
const dataDirOf = (name: string) => path.join(scratch, name);
let s3: S3rver;
let s3Config: S3Config;
let s3Client: S3Client;

// Registered before useTestApp, so the S3 server is up when the app starts and down after it stops.
beforeAll(async () => {
  s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dataDirOf('s3rver'), configureBuckets: [{ name: bucket, configs: [] }] });
  const { port } = await s3.run();
  s3Config = { bucket, endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true };
  s3Client = new S3Client({ endpoint: s3Config.endpoint, region: s3Config.region, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
});
afterAll(async () => {
  s3Client?.destroy();
  await s3?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const t = useTestApp({ config: () => ({ dataDir: dataDirOf('server-a'), evidenceS3: s3Config }) });

/** A second Kameng on the same database (the same PGlite, or a new pool on the PostgreSQL database). */
async function secondServer(config: Partial<Config>) {
  const database = t.databaseUrl ? await openDatabase({ databaseUrl: t.databaseUrl, poolSize: 2 }) : t.kameng.database;
  const kameng = await createKameng({
    database, logger: pino({ level: 'silent' }),
    config: { sandbox: true, secret: 'test-secret-not-for-production', topupSimulator: 'manual', schedulerIntervalMs: 0, logLevel: 'silent', ...config },
  });
  return {
    server: kameng.server,
    async close() {
      await kameng.close();
      if (t.databaseUrl) await database.close();
    },
  };
}

function multipart(content: Buffer | string, options: { filename?: string; contentType?: string; kind?: string } = {}) {
  const boundary = `----kameng${randomUUID().slice(0, 8)}`;
  const parts: Buffer[] = [];
  if (options.kind) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n${options.kind}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${options.filename ?? 'proof.bin'}"\r\nContent-Type: ${options.contentType ?? 'application/octet-stream'}\r\n\r\n`));
  parts.push(Buffer.isBuffer(content) ? content : Buffer.from(content));
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(server: App, user: Session, body: { payload: Buffer; contentType: string }) {
  const res = await server.inject({ method: 'POST', url: '/api/evidence', payload: body.payload, headers: { authorization: `Bearer ${user.token}`, 'content-type': body.contentType } });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

/**
 * Over a real socket, pausing once the first evidenceSizeBytesMax bytes of the file are sent: the
 * server has read exactly the limit when the rest arrives, the case where toBuffer() did not throw.
 */
async function uploadOverSocket(address: string, user: Session, body: { payload: Buffer; contentType: string }) {
  const fileStart = body.payload.indexOf('\r\n\r\n', body.payload.indexOf('name="file"')) + 4;
  const url = `${address}/api/evidence`;
  const headers = { authorization: `Bearer ${user.token}`, 'content-type': body.contentType, 'content-length': body.payload.length };
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    req.write(body.payload.subarray(0, fileStart + evidenceSizeBytesMax));
    setTimeout(() => req.end(body.payload.subarray(fileStart + evidenceSizeBytesMax)), 150);
  });
}

const evidenceRows = async () => Number((await t.kameng.ctx.db.selectFrom('evidence').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const bucketKeys = async () => ((await s3Client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key);

/** A PNG that is only a signature, an IHDR claiming the given size, and IEND: no decoder ever needs to run. */
function pngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'ascii'), data])));
    return Buffer.concat([length, Buffer.from(type, 'ascii'), data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no filter, no interlace
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IEND', Buffer.alloc(0))]);
}

function gifHeader(width: number, height: number): Buffer {
  const header = Buffer.alloc(13 + 1);
  header.write('GIF89a', 0, 'ascii');
  header.writeUInt16LE(width, 6);
  header.writeUInt16LE(height, 8);
  header[13] = 0x3b; // trailer
  return header;
}

function jpegHeader(width: number, height: number): Buffer {
  const app0 = Buffer.from('ffe000104a46494600010100000100010000', 'hex');
  const sof0 = Buffer.from('ffc0001108000000000301220002110103110100', 'hex');
  sof0.writeUInt16BE(height, 5);
  sof0.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from('ffd8', 'hex'), app0, sof0, Buffer.from('ffd9', 'hex')]);
}

function webpHeader(width: number, height: number): Buffer {
  const vp8x = Buffer.alloc(10);
  vp8x.writeUIntLE(width - 1, 4, 3);
  vp8x.writeUIntLE(height - 1, 7, 3);
  const chunk = Buffer.concat([Buffer.from('VP8X', 'ascii'), Buffer.from([10, 0, 0, 0]), vp8x]);
  const riff = Buffer.alloc(12);
  riff.write('RIFF', 0, 'ascii');
  riff.writeUInt32LE(4 + chunk.length, 4);
  riff.write('WEBP', 8, 'ascii');
  return Buffer.concat([riff, chunk]);
}

describe('evidence storage shared through S3', () => {
  it('an upload through one server is read through another server on the same database', async () => {
    const second = await secondServer({ dataDir: dataDirOf('server-b'), evidenceS3: s3Config });
    try {
      const buyer = await t.api.user('buyer');
      const uploaded = await upload(t.kameng.server, buyer, multipart(tinyPng, { filename: 'screenshot.png', contentType: 'image/png', kind: 'problem' }));
      expect(uploaded.status).toBe(201);
      expect(await bucketKeys()).toContain(`evidence/${uploaded.body.sha256.slice(0, 2)}/${uploaded.body.sha256}`);
      expect(existsSync(path.join(dataDirOf('server-a'), 'evidence'))).toBe(false);

      const read = await second.server.inject({ method: 'GET', url: `/api/evidence/${uploaded.body.id}`, headers: { authorization: `Bearer ${buyer.token}` } });
      expect(read.statusCode).toBe(200);
      expect(read.headers['content-type']).toBe('image/png');
      expect(read.rawPayload.equals(tinyPng)).toBe(true);

      // The same bytes again, through the other server: one more row, still one object.
      const again = await upload(second.server, buyer, multipart(tinyPng, { filename: 'again.png', contentType: 'image/png' }));
      expect(again.status).toBe(201);
      expect(again.body.sha256).toBe(uploaded.body.sha256);
      expect((await bucketKeys()).filter((key) => key?.endsWith(uploaded.body.sha256))).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('a server without the shared store answers a clean 503 for a file it does not hold, never a 500', async () => {
    const local = await secondServer({ dataDir: dataDirOf('server-local') });
    try {
      const buyer = await t.api.user('buyer');
      const uploaded = await upload(t.kameng.server, buyer, multipart('聊天记录：商家 14:03 已读未回', { filename: 'chat.txt', contentType: 'text/plain' }));
      expect(uploaded.status).toBe(201);
      const read = await local.server.inject({ method: 'GET', url: `/api/evidence/${uploaded.body.id}`, headers: { authorization: `Bearer ${buyer.token}` } });
      expect(read.statusCode).toBe(503);
      expect(JSON.parse(read.body).error.code).toBe('EVIDENCE_FILE_UNAVAILABLE');
    } finally {
      await local.close();
    }
  });

  it('an unreachable store refuses the upload with 503 and records nothing', async () => {
    const down = await secondServer({ dataDir: dataDirOf('server-down'), evidenceS3: { ...s3Config, endpoint: 'http://127.0.0.1:9' } });
    try {
      const buyer = await t.api.user('buyer');
      const before = await evidenceRows();
      const res = await upload(down.server, buyer, multipart(pngHeader(10, 10), { filename: 'x.png' }));
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('EVIDENCE_STORE_UNAVAILABLE');
      expect(await evidenceRows()).toBe(before);
    } finally {
      await down.close();
    }
  });
});

describe('upload limits', () => {
  it('a file over evidenceSizeBytesMax is answered 413 every time and nothing is stored', async () => {
    const buyer = await t.api.user('buyer');
    const [rowsBefore, keysBefore] = [await evidenceRows(), await bucketKeys()];
    const oversized = multipart('x'.repeat(11 * 1024 * 1024), { filename: 'log.txt', contentType: 'text/plain' });
    const address = await t.kameng.server.listen({ host: '127.0.0.1', port: 0 });
    for (let attempt = 0; attempt < 5; attempt++) {
      for (const res of [await upload(t.kameng.server, buyer, oversized), await uploadOverSocket(address, buyer, oversized)]) {
        expect(res.status).toBe(413);
        expect(res.body.error).toMatchObject({ code: 'EVIDENCE_TOO_LARGE', message: expect.any(String) });
      }
    }
    // One byte over the limit is refused too.
    expect((await upload(t.kameng.server, buyer, multipart('y'.repeat(evidenceSizeBytesMax + 1), { filename: 'log.txt' }))).status).toBe(413);
    expect(await evidenceRows()).toBe(rowsBefore);
    expect(await bucketKeys()).toEqual(keysBefore);
    // Exactly at the limit is accepted, whole.
    const atLimit = await upload(t.kameng.server, buyer, multipart('z'.repeat(evidenceSizeBytesMax), { filename: 'log.txt' }));
    expect(atLimit.status).toBe(201);
    expect(atLimit.body.size).toBe(evidenceSizeBytesMax);
  });

  it.each([
    ['PNG 60000×60000', pngHeader(60_000, 60_000), 'huge.png'],
    ['PNG 8000×8000 (64 MP)', pngHeader(8_000, 8_000), 'big.png'],
    ['PNG 1×40000 (one side too long)', pngHeader(1, 40_000), 'strip.png'],
    ['GIF 65535×65535', gifHeader(65_535, 65_535), 'huge.gif'],
    ['JPEG 60000×60000', jpegHeader(60_000, 60_000), 'huge.jpg'],
    ['WebP 16000×16000', webpHeader(16_000, 16_000), 'huge.webp'],
  ])('an image whose header claims too many pixels is refused: %s', async (_name, content, filename) => {
    const buyer = await t.api.user('buyer');
    const before = await evidenceRows();
    const res = await upload(t.kameng.server, buyer, multipart(content, { filename }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('EVIDENCE_IMAGE_TOO_LARGE');
    expect(res.body.error.details.pixelsMax).toBe(evidenceImagePixelsMax);
    expect(await evidenceRows()).toBe(before);
  });

  it.each([
    ['a long chat screenshot (1080×30000 PNG)', pngHeader(1080, 30_000), 'image/png'],
    ['a phone photo (4000×3000 JPEG)', jpegHeader(4000, 3000), 'image/jpeg'],
    ['a GIF', gifHeader(640, 480), 'image/gif'],
    ['a WebP', webpHeader(1920, 1080), 'image/webp'],
  ])('an image of ordinary size passes: %s', async (_name, content, mime) => {
    const buyer = await t.api.user('buyer');
    const res = await upload(t.kameng.server, buyer, multipart(content, { filename: 'photo.png', contentType: 'image/png' }));
    expect(res.status).toBe(201);
    expect(res.body.mime).toBe(mime);
  });
});

describe('content decides the type', () => {
  const html = '<!DOCTYPE html><html><body><script>fetch("/api/me").then(r => r.text()).then(alert)</script></body></html>';
  it.each([
    ['HTML with a script named x.png and declared image/png', html, 'x.png', 'image/png'],
    ['HTML with a script named x.txt', '聊天记录 <script>alert(1)</script>', 'x.txt', 'text/plain'],
    ['SVG', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 'x.svg', 'image/svg+xml'],
    ['XML', '<?xml version="1.0"?><x/>', 'x.txt', 'text/plain'],
    ['plain text named as an image', '只是一段文字，不是截图', 'screenshot.png', 'application/octet-stream'],
    ['plain text declared as an image', '只是一段文字，不是截图', 'notes', 'image/jpeg'],
    ['a PNG declared as a PDF', tinyPng, 'receipt.pdf', 'application/pdf'],
    ['text with a NUL byte', 'abc\u0000def', 'x.txt', 'text/plain'],
    ['text that is not UTF-8', Buffer.from([0x61, 0xff, 0xfe, 0x62]), 'x.txt', 'text/plain'],
  ])('refused: %s', async (_name, content, filename, contentType) => {
    const buyer = await t.api.user('buyer');
    const before = await evidenceRows();
    const res = await upload(t.kameng.server, buyer, multipart(content, { filename, contentType }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('EVIDENCE_TYPE_NOT_ALLOWED');
    expect(res.body.error.message).toMatch(/image|PDF|accepted/);
    expect(await evidenceRows()).toBe(before);
  });

  it('a PNG misnamed .jpg is accepted and kept as what its content is', async () => {
    const buyer = await t.api.user('buyer');
    const res = await upload(t.kameng.server, buyer, multipart(tinyPng, { filename: 'wechat.jpg', contentType: 'image/jpeg' }));
    expect(res.status).toBe(201);
    expect(res.body.mime).toBe('image/png');
  });
});

describe('malformed multipart bodies', () => {
  it.each([
    ['cut in the middle of the file', (body: Buffer) => body.subarray(0, body.length - 40)],
    ['cut inside the part headers', (body: Buffer) => body.subarray(0, 30)],
    ['garbage instead of parts', () => Buffer.from('this is not multipart at all')],
    ['no body', () => Buffer.alloc(0)],
  ])('%s: 400 with the error body, nothing stored', async (_name, cut) => {
    const buyer = await t.api.user('buyer');
    const before = await evidenceRows();
    const whole = multipart(Buffer.concat([tinyPng, Buffer.alloc(2000, 1)]), { filename: 'x.png' });
    const res = await upload(t.kameng.server, buyer, { payload: cut(whole.payload), contentType: whole.contentType });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(await evidenceRows()).toBe(before);
  });

  it('a multipart content type without a boundary is a 400 with the error body', async () => {
    const buyer = await t.api.user('buyer');
    const res = await upload(t.kameng.server, buyer, { payload: Buffer.from('--x\r\n'), contentType: 'multipart/form-data' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  });
});
