import pg from 'pg';

/** One statement as the client sends it: its text, its parameters (already mapped by `prepareStatementValues`) and its prepared name, if any. */
export interface HeldStatement {
  text: string;
  values: unknown[];
  name?: string;
}

/** The wire layer of node-postgres that a query writes its messages to (not in pg's typings). */
interface Wire {
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
  parse(message: { text: string; name?: string }): void;
  bind(message: { portal: string; statement?: string; values: unknown[]; binary?: boolean }): void;
  execute(message: { portal: string }): void;
}

/** pg.Query as this module uses it (its handlers are not in pg's typings). */
interface QueryInternals {
  name?: string;
  text: string;
  callback?: (error: Error | null, result?: pg.QueryResult) => void;
  hasBeenParsed(connection: Wire): boolean;
  submit(connection: Wire): Error | null;
  prepare(connection: Wire): void;
  handleRowDescription(message: unknown): void;
  handleDataRow(message: unknown): void;
  handleCommandComplete(message: unknown, connection: Wire): void;
  handleError(error: Error, connection: Wire): void;
}
const QueryBase = pg.Query as unknown as new (config: object) => QueryInternals;
const prepareValue = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils.prepareValue;

/**
 * Parameters as the extended protocol sends them (dates, JSON, arrays to text), mapped when a
 * statement is held rather than when it is written, so that writing a held statement cannot fail.
 */
export const prepareStatementValues = (values: unknown[]): unknown[] => values.map((v) => prepareValue(v));

/**
 * One round trip for several statements (issue 10: on this VM each round trip — a socket write, a
 * wake-up of PostgreSQL, a wake-up of Node — costs more than most statements). The statements held
 * `ahead` (a transaction's BEGIN, the write-behind's queued writes) are written as Parse/Bind/Execute
 * in front of the statement itself, all before ONE Sync; PostgreSQL runs them in order, each a
 * statement of its own (its own snapshot), and answers once. Only the last statement's result is
 * returned. If one fails, PostgreSQL skips the rest up to the Sync and the error is this query's: the
 * transaction is aborted as it would have been had they been sent one by one, and rolls back.
 *
 * Named (prepared) statements ahead are parsed once per connection like the query's own: each
 * ParseComplete is matched to the Parse it answers (`parseCompleted`, called by the client), and on an
 * error the names whose Parse never completed are forgotten, so they are parsed again next time.
 */
export class PipelinedQuery extends QueryBase {
  readonly #ahead: readonly HeldStatement[];
  /** The statements whose Parse this query sent, in order: ParseCompletes come back in that order. */
  readonly #parses: Array<{ name?: string; text: string }> = [];
  #parsed = 0;
  /** Results of statements ahead still to come (they are not returned). */
  #aheadLeft: number;

  constructor(ahead: readonly HeldStatement[], statement: HeldStatement, callback: (error: Error | null, result?: pg.QueryResult) => void) {
    // Extended protocol even without parameters (a COMMIT): the simple protocol would end in a Sync of its own.
    super({ text: statement.text, name: statement.name, values: statement.values, queryMode: 'extended', callback });
    this.#ahead = ahead;
    this.#aheadLeft = ahead.length;
  }

  override prepare(connection: Wire): void {
    for (const s of this.#ahead) {
      if (!s.name || !(s.name in connection.parsedStatements || s.name in connection.submittedNamedStatements)) {
        connection.parse({ text: s.text, name: s.name });
        this.#parses.push(s);
        if (s.name) connection.submittedNamedStatements[s.name] = s.text;
      }
      connection.bind({ portal: '', statement: s.name, values: s.values });
      connection.execute({ portal: '' });
    }
    if (!this.hasBeenParsed(connection)) this.#parses.push({ name: this.name, text: this.text });
    super.prepare(connection);
  }

  /** A ParseComplete arrived: the next Parse this query sent is prepared on the connection. */
  parseCompleted(connection: Wire): void {
    const parse = this.#parses[this.#parsed++];
    if (!parse?.name) return;
    connection.parsedStatements[parse.name] = parse.text;
    delete connection.submittedNamedStatements[parse.name];
  }

  override handleRowDescription(message: unknown): void {
    if (this.#aheadLeft === 0) super.handleRowDescription(message);
  }

  override handleDataRow(message: unknown): void {
    if (this.#aheadLeft === 0) super.handleDataRow(message);
  }

  override handleCommandComplete(message: unknown, connection: Wire): void {
    if (this.#aheadLeft > 0) this.#aheadLeft -= 1;
    else super.handleCommandComplete(message, connection);
  }

  override handleError(error: Error, connection: Wire): void {
    // PostgreSQL skipped every message after the failing one: Parses not yet answered never happened.
    for (const parse of this.#parses.slice(this.#parsed)) {
      if (parse.name) delete connection.submittedNamedStatements[parse.name];
    }
    super.handleError(error, connection);
  }
}
