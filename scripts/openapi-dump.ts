/**
 * Writes the OpenAPI document the app serves at GET /api/openapi.json to a file (or stdout), built
 * in-process on an in-memory PGlite with the sandbox on, so no server needs to be started.
 * Usage: npx tsx scripts/openapi-dump.ts [out.json]
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createKameng } from '../src/app';
import { openDatabase } from '../src/db/connect';

const database = await openDatabase({ dataDir: 'memory://' });
const kameng = await createKameng({
  database,
  logger: pino({ level: 'silent' }),
  config: { sandbox: true, secret: 'openapi-dump', schedulerIntervalMs: 0, topupSimulator: 'manual', dataDir: path.join(os.tmpdir(), 'kameng-openapi-dump'), logLevel: 'silent' },
});
const res = await kameng.server.inject({ method: 'GET', url: '/api/openapi.json' });
if (res.statusCode !== 200) throw new Error(`GET /api/openapi.json answered ${res.statusCode}: ${res.body}`);
const text = `${JSON.stringify(JSON.parse(res.body), null, 2)}\n`;
const out = process.argv[2];
if (out) writeFileSync(out, text); else process.stdout.write(text);
await kameng.close();
await database.close();
