import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Everything the process reads from its environment, read once. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  sandbox: boolean;
  secret: string;
  logLevel: string;
  /** Behind a reverse proxy: take the client IP from X-Forwarded-For (otherwise clients could spoof it). */
  trustProxy: boolean;
  schedulerIntervalMs: number;
  topupSimulator: 'auto' | 'manual';
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Where buyers reach the platform (https://kameng.example): links to its host are not off-platform links in chat. */
  publicUrl: string | undefined;
}

const secretFileName = 'secret.key';

function readSecret(dataDir: string, sandbox: boolean, fromEnv: string | undefined): string {
  if (fromEnv) return fromEnv;
  if (!sandbox) throw new Error('KAMENG_SECRET is required when KAMENG_SANDBOX=0 (it encrypts card keys)');
  // Sandbox: generate once into the data dir so restarts can still decrypt stored keys.
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, secretFileName);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const sandbox = (env.KAMENG_SANDBOX ?? '1') !== '0';
  const dataDir = path.resolve(env.KAMENG_DATA_DIR ?? './data');
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    sandbox,
    secret: readSecret(dataDir, sandbox, env.KAMENG_SECRET),
    logLevel: env.LOG_LEVEL ?? 'info',
    trustProxy: env.KAMENG_TRUST_PROXY === '1',
    schedulerIntervalMs: Number(env.KAMENG_SCHEDULER_INTERVAL_MS ?? 1000),
    topupSimulator: env.KAMENG_TOPUP_SIMULATOR === 'manual' ? 'manual' : 'auto',
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM ?? 'Kameng <noreply@kameng.local>',
    publicUrl: env.KAMENG_PUBLIC_URL || undefined,
  };
}
