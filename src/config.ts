import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type SmsConfig } from './notify/sms';
import { readRailConfigs, type RailConfigs } from './payments/channels/config';

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
  /** Shared evidence storage; undefined keeps evidence on this server's disk under dataDir. */
  evidenceS3: S3Config | undefined;
  /** Where buyers reach the platform (https://kameng.example): links to its host are not off-platform links in chat. */
  publicUrl: string | undefined;
  /** How long a SIGTERM/SIGINT waits for in-flight requests, the running job and the database to close before forcing exit. */
  shutdownTimeoutMs: number;
  /**
   * How long a resolved session is served from memory without a query (0: never). Sign-out and
   * account changes reach every server at once through LISTEN/NOTIFY; this bounds what nothing
   * announces (a row edited by hand in psql).
   */
  sessionCacheTtlMs: number;
  /**
   * How long the trust figures shown beside products (refund rate, rating, credit; catalogue and
   * product page) are served from memory (0: never). They summarise 30 days, so seconds of delay
   * change nothing a buyer decides on; staff and the shop page always read them fresh.
   */
  trustCacheTtlMs: number;
  /** PostgreSQL connections this server opens at most (KAMENG_DB_POOL_SIZE); ignored on PGlite, which has one. */
  dbPoolSize: number;
  /** Bearer token that opens GET /metrics; without one, /metrics is served only in the sandbox. */
  metricsToken: string | undefined;
  /** SMS for important notices: off, the sandbox outbox, or Aliyun (KAMENG_SMS_PROVIDER, ALIYUN_SMS_*). */
  sms: SmsConfig;
  /** Real payment channels (KAMENG_ALIPAY_*, KAMENG_WECHAT_*, KAMENG_UNIONPAY_*, KAMENG_EPAY_*); ignored in sandbox mode, where simulators stand in. */
  rails: RailConfigs;
}

/** An S3-compatible bucket (KAMENG_S3_*); keys may come from the AWS SDK's own chain instead. */
export interface S3Config {
  bucket: string;
  endpoint: string | undefined;
  region: string;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  forcePathStyle: boolean;
}

/** A refusal to start that one line explains (bad configuration, a data folder in use …). */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** Prints a StartupError as one line and exits 1; anything else is rethrown as the bug it is. */
export function exitOnStartupError(error: unknown): never {
  if (error instanceof StartupError) {
    console.error(`kameng: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

/** The secret derives the card-key encryption key: 32 characters is 192 bits even as base64. */
export const secretLengthMin = 32;
export const schedulerIntervalMsMax = 60 * 60_000;
/** 4 s by default: a process manager that sends SIGTERM usually waits 5–10 s before SIGKILL. */
export const shutdownTimeoutMsDefault = 4000;
export const metricsTokenLengthMin = 16;
/** 5 s: a hot session costs one query per 5 s instead of one per request; see Config.sessionCacheTtlMs. */
export const sessionCacheTtlMsDefault = 5000;
export const sessionCacheTtlMsMax = 60_000;
/** 5 s: a catalogue page's trust figures cost five grouped queries per shop set once per 5 s; see Config.trustCacheTtlMs. */
export const trustCacheTtlMsDefault = 5000;
/** PostgreSQL connections per server: see README (Configuration) for how it was chosen. */
export const dbPoolSizeDefault = 10;
const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const secretFileName = 'secret.key';

const trueWords = ['1', 'true', 'yes', 'on'];
const falseWords = ['0', 'false', 'no', 'off'];

type Env = NodeJS.ProcessEnv;
/** An empty variable counts as unset, as with `VAR=` in a compose file. */
const read = (env: Env, name: string): string | undefined => (env[name]?.trim() ? env[name]!.trim() : undefined);

export function parseBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = read(env, name);
  if (value === undefined) return fallback;
  if (trueWords.includes(value.toLowerCase())) return true;
  if (falseWords.includes(value.toLowerCase())) return false;
  throw new StartupError(`${name} must be one of ${trueWords.join('/')} or ${falseWords.join('/')}, got "${value}"`);
}

export function parseInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = read(env, name);
  if (value === undefined) return fallback;
  const number = /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new StartupError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return number;
}

function parseChoice<T extends string>(env: Env, name: string, fallback: T, choices: readonly T[]): T {
  const value = read(env, name);
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) throw new StartupError(`${name} must be one of ${choices.join(', ')}, got "${value}"`);
  return value as T;
}

function parseUrl(env: Env, name: string, protocols: string[]): string | undefined {
  const value = read(env, name);
  if (value === undefined) return undefined;
  const protocol = URL.canParse(value) ? new URL(value).protocol : '';
  if (!protocols.includes(protocol)) throw new StartupError(`${name} must be a ${protocols.map((p) => `${p}//…`).join(' or ')} URL`);
  return value;
}

function readSecret(dataDir: string, sandbox: boolean, fromEnv: string | undefined): string {
  if (fromEnv) {
    if (!sandbox && fromEnv.length < secretLengthMin) {
      throw new StartupError(`KAMENG_SECRET must be at least ${secretLengthMin} characters in production (it encrypts card keys); generate one with: openssl rand -base64 48`);
    }
    return fromEnv;
  }
  if (!sandbox) throw new StartupError('KAMENG_SECRET is required when KAMENG_SANDBOX is off (it encrypts card keys); generate one with: openssl rand -base64 48');
  // Sandbox: generate once into the data dir so restarts can still decrypt stored keys.
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, secretFileName);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** Reads and checks the environment; a bad value is a StartupError naming the variable. */
export function loadConfig(env: Env = process.env): Config {
  const sandbox = parseBoolean(env, 'KAMENG_SANDBOX', true);
  const dataDir = path.resolve(read(env, 'KAMENG_DATA_DIR') ?? './data');
  return {
    port: parseInteger(env, 'PORT', 3000, 0, 65535),
    host: read(env, 'HOST') ?? '0.0.0.0',
    databaseUrl: parseUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir,
    sandbox,
    secret: readSecret(dataDir, sandbox, env.KAMENG_SECRET || undefined),
    logLevel: parseChoice(env, 'LOG_LEVEL', 'info', logLevels),
    trustProxy: parseBoolean(env, 'KAMENG_TRUST_PROXY', false),
    schedulerIntervalMs: parseInteger(env, 'KAMENG_SCHEDULER_INTERVAL_MS', 1000, 0, schedulerIntervalMsMax),
    topupSimulator: parseChoice(env, 'KAMENG_TOPUP_SIMULATOR', 'auto', ['auto', 'manual'] as const),
    smtpUrl: parseUrl(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: read(env, 'MAIL_FROM') ?? 'Kameng <noreply@kameng.local>',
    evidenceS3: readS3Config(env),
    publicUrl: parseUrl(env, 'KAMENG_PUBLIC_URL', ['http:', 'https:']),
    shutdownTimeoutMs: parseInteger(env, 'KAMENG_SHUTDOWN_TIMEOUT_MS', shutdownTimeoutMsDefault, 100, 120_000),
    sessionCacheTtlMs: parseInteger(env, 'KAMENG_SESSION_CACHE_TTL_MS', sessionCacheTtlMsDefault, 0, sessionCacheTtlMsMax),
    trustCacheTtlMs: parseInteger(env, 'KAMENG_TRUST_CACHE_TTL_MS', trustCacheTtlMsDefault, 0, 60_000),
    dbPoolSize: parseInteger(env, 'KAMENG_DB_POOL_SIZE', dbPoolSizeDefault, 1, 100),
    metricsToken: readMetricsToken(env),
    sms: readSmsConfig(env, sandbox),
    rails: readRails(env, sandbox),
  };
}

/** KAMENG_SMS_PROVIDER (sandbox by default in sandbox mode, else off); aliyun needs every ALIYUN_SMS_* value. */
export function readSmsConfig(env: Env, sandbox: boolean): SmsConfig {
  const provider = parseChoice(env, 'KAMENG_SMS_PROVIDER', sandbox ? 'sandbox' : 'off', ['off', 'sandbox', 'aliyun'] as const);
  if (provider === 'off') return { provider };
  if (provider === 'sandbox') {
    if (!sandbox) throw new StartupError('KAMENG_SMS_PROVIDER=sandbox needs KAMENG_SANDBOX on; use aliyun or off in production');
    return { provider };
  }
  const required = ['ALIYUN_SMS_ACCESS_KEY_ID', 'ALIYUN_SMS_ACCESS_KEY_SECRET', 'ALIYUN_SMS_SIGN_NAME', 'ALIYUN_SMS_TEMPLATE_CODE'] as const;
  const missing = required.filter((name) => !read(env, name));
  if (missing.length) throw new StartupError(`KAMENG_SMS_PROVIDER=aliyun needs ${missing.join(', ')}`);
  const endpoint = parseUrl(env, 'ALIYUN_SMS_ENDPOINT', sandbox ? ['https:', 'http:'] : ['https:']) ?? 'https://dysmsapi.aliyuncs.com';
  return {
    provider, endpoint, regionId: read(env, 'ALIYUN_SMS_REGION') ?? 'cn-hangzhou',
    accessKeyId: read(env, 'ALIYUN_SMS_ACCESS_KEY_ID')!, accessKeySecret: read(env, 'ALIYUN_SMS_ACCESS_KEY_SECRET')!,
    signName: read(env, 'ALIYUN_SMS_SIGN_NAME')!, templateCode: read(env, 'ALIYUN_SMS_TEMPLATE_CODE')!,
  };
}

function readMetricsToken(env: Env): string | undefined {
  const token = read(env, 'KAMENG_METRICS_TOKEN');
  if (token !== undefined && token.length < metricsTokenLengthMin) {
    throw new StartupError(`KAMENG_METRICS_TOKEN must be at least ${metricsTokenLengthMin} characters; generate one with: openssl rand -hex 24`);
  }
  return token;
}

/** The payment channels' variables (src/payments/channels/config.ts). */
const railVariables = [
  'KAMENG_ALIPAY_APP_ID', 'KAMENG_ALIPAY_GATEWAY', 'KAMENG_ALIPAY_PRIVATE_KEY', 'KAMENG_ALIPAY_PUBLIC_KEY',
  'KAMENG_ALIPAY_APP_CERT', 'KAMENG_ALIPAY_ROOT_CERT', 'KAMENG_ALIPAY_PUBLIC_CERT',
  'KAMENG_EPAY_KEY', 'KAMENG_EPAY_PID', 'KAMENG_EPAY_TYPE', 'KAMENG_EPAY_URL',
  'KAMENG_UNIONPAY_CERT_ID', 'KAMENG_UNIONPAY_GATEWAY', 'KAMENG_UNIONPAY_MER_ID', 'KAMENG_UNIONPAY_PRIVATE_KEY', 'KAMENG_UNIONPAY_PUBLIC_KEY',
  'KAMENG_WECHAT_APIV3_KEY', 'KAMENG_WECHAT_APP_ID', 'KAMENG_WECHAT_BASE_URL', 'KAMENG_WECHAT_MCH_ID', 'KAMENG_WECHAT_MERCHANT_SERIAL',
  'KAMENG_WECHAT_PLATFORM_PUBLIC_KEY', 'KAMENG_WECHAT_PLATFORM_SERIAL', 'KAMENG_WECHAT_PRIVATE_KEY',
];

/** Every KAMENG_* variable the server, the CLI or the test tools read; anything else is likely a typo. */
export const knownVariables: readonly string[] = [
  'KAMENG_SANDBOX', 'KAMENG_DATA_DIR', 'KAMENG_SECRET', 'KAMENG_TRUST_PROXY', 'KAMENG_SCHEDULER_INTERVAL_MS', 'KAMENG_TOPUP_SIMULATOR',
  'KAMENG_PUBLIC_URL', 'KAMENG_SHUTDOWN_TIMEOUT_MS', 'KAMENG_SESSION_CACHE_TTL_MS', 'KAMENG_TRUST_CACHE_TTL_MS', 'KAMENG_DB_POOL_SIZE', 'KAMENG_METRICS_TOKEN', 'KAMENG_SMS_PROVIDER', 'KAMENG_S3_BUCKET', 'KAMENG_S3_ENDPOINT', 'KAMENG_S3_REGION',
  'KAMENG_S3_ACCESS_KEY_ID', 'KAMENG_S3_SECRET_ACCESS_KEY', 'KAMENG_S3_FORCE_PATH_STYLE',
  ...railVariables,
];
/** Prefixes of variables only test and benchmark tools read. */
const toolPrefixes = ['KAMENG_TEST_', 'KAMENG_FUZZ_', 'KAMENG_BENCH_', 'KAMENG_CRASH_'];

/** The set KAMENG_* variables nothing reads (warned at start, not refused: a typo must not take production down). */
export function unknownVariables(env: Env = process.env): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith('KAMENG_') && !knownVariables.includes(name) && !toolPrefixes.some((p) => name.startsWith(p)))
    .sort();
}

/** Payment channels: each is checked whole at start; a real one needs the public URL its provider calls back. */
function readRails(env: Env, sandbox: boolean): RailConfigs {
  const rails = readRailConfigs(env, (message) => new StartupError(message));
  if (!sandbox && Object.keys(rails).length > 0 && !parseUrl(env, 'KAMENG_PUBLIC_URL', ['https:', 'http:'])) {
    throw new StartupError('KAMENG_PUBLIC_URL is required with a payment channel configured: providers send their notifications to it');
  }
  return rails;
}

function readS3Config(env: NodeJS.ProcessEnv): S3Config | undefined {
  if (!env.KAMENG_S3_BUCKET) return undefined;
  const accessKeyId = env.KAMENG_S3_ACCESS_KEY_ID || undefined;
  const secretAccessKey = env.KAMENG_S3_SECRET_ACCESS_KEY || undefined;
  if (!accessKeyId !== !secretAccessKey) throw new StartupError('set both KAMENG_S3_ACCESS_KEY_ID and KAMENG_S3_SECRET_ACCESS_KEY, or neither');
  return {
    bucket: env.KAMENG_S3_BUCKET,
    endpoint: parseUrl(env, 'KAMENG_S3_ENDPOINT', ['http:', 'https:']),
    region: env.KAMENG_S3_REGION || 'us-east-1',
    accessKeyId,
    secretAccessKey,
    forcePathStyle: parseBoolean(env, 'KAMENG_S3_FORCE_PATH_STYLE', false),
  };
}
