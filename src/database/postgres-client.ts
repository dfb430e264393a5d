import pg from 'pg';

const TIMESTAMP_WITHOUT_TIME_ZONE_OID = 1114;

/** pg's parsers, except that TIMESTAMP WITHOUT TIME ZONE values are read as UTC (see data-source.ts). */
export const utcTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMP_WITHOUT_TIME_ZONE_OID && format !== 'binary'
      ? parseUtcTimestamp
      : pg.types.getTypeParser(oid, format as 'text'),
};

/**
 * pg sends a Date parameter as local time with an offset, and PostgreSQL ignores the offset when
 * the column is TIMESTAMP WITHOUT TIME ZONE: on a host whose TZ is not UTC every written time
 * would shift. Sending Dates as ISO strings (UTC) is right for both timestamp types.
 */
export class UtcParametersClient extends pg.Client implements PreparedStatements {
  constructor(config?: pg.ClientConfig) {
    super(config);
    // A connection that breaks while checked out of the pool (a server shutdown or crash in the
    // middle of a statement) emits 'error' with no pool listener attached: unheard, that ends
    // the process. The statement in flight fails with the same error, which is what is answered.
    this.on('error', () => undefined);
  }

  queryPrepared(name: string, text: string, values: unknown[]): Promise<pg.QueryResult> {
    return new Promise((resolve, reject) => {
      const query = new pg.Query(text, values.map(dateToUtc), (error, result) => (error ? reject(error) : resolve(result as unknown as pg.QueryResult)));
      (query as { name?: string }).name = name;
      super.query(query);
    });
  }

  override query(...args: unknown[]): never {
    const [first, second] = args;
    if (Array.isArray(second)) args[1] = second.map(dateToUtc);
    // In place: a pg Query / QueryStream object must keep its prototype (submit, events).
    else if (isQueryConfig(first)) first.values = first.values.map(dateToUtc);
    return (super.query as (...forwarded: unknown[]) => never)(...args);
  }
}

/** The pool clients Handoff opens itself; a host's data source may have plain pg clients. */
export interface PreparedStatements {
  /**
   * `query({ name, text, values })` without pg's copy of that object: pg 8.23 copies a query
   * config property by property into a slow object (~1.5 µs a statement: issue 11's profile),
   * but not a query given its text. The name is set before pg reads it, when the query is sent.
   */
  queryPrepared(name: string, text: string, values: unknown[]): Promise<pg.QueryResult>;
}

function isQueryConfig(value: unknown): value is { values: unknown[] } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { values?: unknown }).values);
}

function dateToUtc(value: unknown): unknown {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : value;
}

function parseUtcTimestamp(value: string): Date | string {
  // Keep PostgreSQL's 'infinity' spellings as strings, as pg does.
  if (!/^\d/.test(value)) return value;
  return new Date(`${value.replace(' ', 'T')}Z`);
}
