import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { GuestActor, UserActor } from '../context';
import type { Db, Tx } from '../db/connect';
import { TtlMap } from '../shared/ttl-map';

/** What the auth hook needs of a session, and nothing more: who acts, the CSRF token, when it ends. */
export interface CachedSession {
  actor: UserActor | GuestActor;
  csrfToken: string;
  expiresAt: Date;
}

/**
 * At ~200 bytes an entry, 10,000 hot sessions are about 2 MB; the least recently used goes first.
 * More signed-in users than this simply cost their query again.
 */
export const sessionCacheEntriesMax = 10_000;

/** Taken before reading a session from the database: `set` keeps the read only if nothing was invalidated since. */
export interface CacheTicket {
  readonly epoch: number;
  readonly at: number;
}

/**
 * A short in-process cache of resolved sessions, so a hot session costs no query per request.
 *
 * It never extends or revives a session: an entry lives at most `ttlMs` from the moment its row was
 * read (a monotonic clock, not the sandbox clock), the session's own expiry is still checked on each
 * hit by the caller, and only sessions that were valid when read (an active user, or a guest) are
 * kept. Anything that ends or changes a session forgets it here (`forgetToken`, `forgetUser`) after
 * its commit, and tells the other servers through `pg_notify` (see `SessionInvalidations`).
 *
 * Every invalidation moves the epoch on: a read that was under way while something was invalidated
 * (it may have seen the row from before the change) is not kept. While `suspend`ed (the listener
 * connection is down), nothing is served or kept.
 */
export class SessionCache {
  readonly #entries: TtlMap<string, CachedSession>;
  #epoch = 0;
  #serving: boolean;

  readonly ttlMs: number;
  readonly maxEntries: number;
  private readonly monotonicNow: () => number;

  constructor(options: {
    ttlMs: number;
    maxEntries?: number;
    /** Monotonic milliseconds (tests pass their own). */
    now?: () => number;
    /** False on PostgreSQL: serving starts when the invalidation listener is heard (`resume`). */
    serving?: boolean;
  }) {
    this.ttlMs = options.ttlMs;
    this.maxEntries = options.maxEntries ?? sessionCacheEntriesMax;
    this.monotonicNow = options.now ?? (() => performance.now());
    this.#entries = new TtlMap(this.ttlMs, this.maxEntries, this.monotonicNow);
    this.#serving = (options.serving ?? true) && this.ttlMs > 0;
  }

  /** Whether hits are served (the TTL is above zero and, on PostgreSQL, the listener is up). */
  get serving(): boolean {
    return this.#serving;
  }

  get size(): number {
    return this.#entries.size;
  }

  ticket(): CacheTicket {
    return { epoch: this.#epoch, at: this.monotonicNow() };
  }

  get(id: string): CachedSession | undefined {
    return this.#serving ? this.#entries.get(id) : undefined;
  }

  set(id: string, session: CachedSession, ticket: CacheTicket): void {
    if (!this.#serving || ticket.epoch !== this.#epoch) return;
    this.#entries.set(id, session, ticket.at);
  }

  /** One session ended (sign-out). */
  forgetToken(id: string): void {
    this.#epoch += 1;
    this.#entries.delete(id);
  }

  /** Every session of a user (disabled, or their standing changed). A scan: rare, and bounded by `maxEntries`. */
  forgetUser(userId: string): void {
    this.#epoch += 1;
    this.#entries.deleteWhere((session) => session.actor.kind === 'user' && session.actor.userId === userId);
  }

  flush(): void {
    this.#epoch += 1;
    this.#entries.clear();
  }

  /** Stop trusting anything cached: the listener is down, changes made elsewhere would go unheard. */
  suspend(): void {
    this.#serving = false;
    this.flush();
  }

  /** The listener hears changes again: start from empty. */
  resume(): void {
    this.flush();
    this.#serving = this.ttlMs > 0;
  }
}

/** The PostgreSQL channel on which servers tell each other which sessions to forget. */
export const sessionChannel = 'kameng_sessions';

/** A message on `sessionChannel`: one session (`t:` + its id) or every session of a user (`u:` + user id). */
export const forgetTokenMessage = (id: string) => `t:${id}`;
export const forgetUserMessage = (userId: string) => `u:${userId}`;

/**
 * Tells every server sharing the database to forget a user's sessions, delivered when `tx` commits
 * (a rolled-back change tells nobody). The caller also calls `ctx.sessionCache.forgetUser` after the
 * commit, for this server. On PGlite nobody listens: one process, the local call is enough.
 */
export async function announceUserSessionsChanged(tx: Tx | Db, userId: string): Promise<void> {
  await sql`select pg_notify(${sessionChannel}, ${forgetUserMessage(userId)})`.execute(tx);
}

/** The listener connection's application_name in pg_stat_activity. */
export const sessionListenerName = 'kameng-session-listener';
/** How long the listener waits to hear its own probe before it gives up on this connection. */
const probeTimeoutMs = 5_000;
/** A query on the listener connection this often proves it is still alive (a silently dead one would hear nothing). */
const heartbeatMs = 15_000;
const reconnectDelayMinMs = 500;
const reconnectDelayMaxMs = 30_000;

/**
 * On PostgreSQL: one dedicated connection that LISTENs on `sessionChannel` and evicts what other
 * servers (and this one) announce. The cache serves only while this connection is known to hear:
 * after LISTEN it sends a probe through the application's own pool and resumes the cache once the
 * probe arrives (so a wrong URL, or a pooler that drops LISTEN such as pgbouncer in transaction mode,
 * leaves the cache off rather than trusting it). When the connection fails, ends or stops answering
 * the heartbeat, the cache is flushed and bypassed at once, and the listener reconnects with backoff.
 */
export class SessionInvalidations {
  #client: pg.Client | undefined;
  #stopped = false;
  #retry: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #delayMs = reconnectDelayMinMs;
  #probe: { id: string; heard: () => void } | undefined;

  constructor(
    private readonly cache: SessionCache,
    private readonly url: string,
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  /**
   * Starts listening; resolves after the first attempt, whether or not it succeeded (a failed one
   * retries in the background). The cache stays suspended until the listener is heard.
   */
  start(): Promise<void> {
    this.cache.suspend();
    return this.#connect();
  }

  /** Resolves once the cache serves again (tests). */
  async ready(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!this.cache.serving) {
      if (Date.now() > until) throw new Error('the session listener did not come up');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    clearInterval(this.#heartbeat);
    this.cache.suspend();
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    const client = new pg.Client({ connectionString: this.url, keepAlive: true, application_name: sessionListenerName });
    this.#client = client;
    client.on('error', (error) => this.#drop(client, error));
    client.on('end', () => this.#drop(client, new Error('the connection ended')));
    client.on('notification', (message) => { if (this.#client === client) this.#heard(message.payload ?? ''); });
    try {
      await client.connect();
      await client.query(`listen ${sessionChannel}`);
      await this.#probeThroughPool();
      if (this.#client !== client) return;
      this.cache.resume();
      this.#delayMs = reconnectDelayMinMs;
      this.#heartbeat = setInterval(() => this.#beat(client), heartbeatMs);
      this.#heartbeat.unref();
      this.log.info('session cache on: listening for session changes');
    } catch (error) {
      this.#drop(client, error);
    }
  }

  async #probeThroughPool(): Promise<void> {
    const id = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const heard = new Promise<void>((resolve, reject) => {
      this.#probe = { id, heard: resolve };
      timer = setTimeout(() => reject(new Error('the listener did not hear a notification sent through the pool (another database, or a pooler that drops LISTEN?)')), probeTimeoutMs);
    });
    try {
      await sql`select pg_notify(${sessionChannel}, ${`probe:${id}`})`.execute(this.db);
      await heard;
    } finally {
      clearTimeout(timer);
      this.#probe = undefined;
    }
  }

  #heard(payload: string): void {
    const kind = payload.slice(0, payload.indexOf(':') + 1);
    const value = payload.slice(kind.length);
    if (kind === 't:') this.cache.forgetToken(value);
    else if (kind === 'u:') this.cache.forgetUser(value);
    else if (kind === 'probe:') { if (this.#probe?.id === value) this.#probe.heard(); }
    else this.cache.flush(); // a message this version does not know: forget everything rather than guess
  }

  #beat(client: pg.Client): void {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('the listener connection stopped answering')), probeTimeoutMs); });
    Promise.race([client.query('select 1'), timeout])
      .catch((error) => this.#drop(client, error))
      .finally(() => clearTimeout(timer));
  }

  #drop(client: pg.Client, error: unknown): void {
    if (this.#client !== client) return; // an old connection's late event
    this.cache.suspend();
    this.#client = undefined;
    clearInterval(this.#heartbeat);
    client.end().catch(() => undefined);
    if (this.#stopped) return;
    this.log.warn({ err: error }, `session cache off until the listener reconnects (in ${this.#delayMs} ms)`);
    this.#retry = setTimeout(() => void this.#connect(), this.#delayMs);
    this.#retry.unref();
    this.#delayMs = Math.min(this.#delayMs * 2, reconnectDelayMaxMs);
  }
}
