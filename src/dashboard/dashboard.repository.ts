import { DataSource } from 'typeorm';
import { Injectable } from '../common/injection.js';
import { dialectOf, nowPlusSecondsSql, nowSql, placeholder, type SqlDialect } from '../database/dialect.js';
import type { OverviewDto, SessionSearchDto, SessionState, SessionSummaryDto } from './dashboard.schemas.js';
import { DirectorySql } from '../directory/directory-sql.js';
import { SqlParameters } from '../database/sql.js';

interface RawSession {
  id: number | string;
  user_id: number | string;
  email: string;
  account_id: number | string | null;
  source_app: string | null;
  target_app: string | null;
  state: SessionState;
  created_at: Date | string | null;
  expires_at: Date | string;
  used_at: Date | string | null;
  revoked_at: Date | string | null;
  ip_address: string | null;
  user_agent: string | null;
}

/** Read-only queries for the operators' views; the hot path never runs them. */
@Injectable()
export class DashboardRepository {
  private readonly dialect: SqlDialect;

  constructor(private readonly dataSource: DataSource) {
    this.dialect = dialectOf(dataSource);
  }

  /** Live sessions (not yet moved to the archive), newest first. */
  async searchSessions(search: SessionSearchDto): Promise<SessionSummaryDto[]> {
    const now = nowSql(this.dialect);
    const conditions: string[] = [];
    const parameters = new SqlParameters(this.dialect);
    const user = new DirectorySql(this.dialect).userJoin('u', 's.user_id');
    if (search.email) conditions.push(`LOWER(${user.email}) LIKE ${parameters.add(`%${escapeLike(search.email.toLowerCase())}%`)}`);
    if (search.app) conditions.push(`s.target_app = ${parameters.add(search.app)}`);
    if (search.state) conditions.push(`${STATE_SQL(now)} = ${parameters.add(search.state)}`);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = (await this.dataSource.query(
      `SELECT s.id, s.user_id, ${user.email} AS email, s.account_id, s.source_app, s.target_app, ${STATE_SQL(now)} AS state,
              s.created_at, s.expires_at, s.used_at, s.revoked_at, s.ip_address, s.user_agent
         FROM cross_app_sessions s ${user.join}
         ${where} ORDER BY s.id DESC LIMIT ${Number(search.limit)}`,
      parameters.values,
    )) as RawSession[];
    return rows.map((row) => ({
      id: Number(row.id),
      user_id: Number(row.user_id),
      email: row.email,
      account_id: row.account_id === null ? null : Number(row.account_id),
      source_app: row.source_app,
      target_app: row.target_app,
      state: row.state,
      created_at: iso(row.created_at),
      expires_at: iso(row.expires_at)!,
      used_at: iso(row.used_at),
      revoked_at: iso(row.revoked_at),
      ip_address: row.ip_address,
      user_agent: row.user_agent,
    }));
  }

  async sessionCounts(): Promise<{ active: number; validatedLastMinute: number }> {
    const now = nowSql(this.dialect);
    const [row] = (await this.dataSource.query(
      `SELECT
         (SELECT COUNT(*) FROM cross_app_sessions WHERE revoked_at IS NULL AND expires_at > ${now}) AS active,
         (SELECT COUNT(*) FROM cross_app_sessions WHERE used_at > ${nowPlusSecondsSql(this.dialect, -60)}) AS validated`,
    )) as Array<{ active: number | string; validated: number | string }>;
    return { active: Number(row?.active ?? 0), validatedLastMinute: Number(row?.validated ?? 0) };
  }

  async lastCleanup(): Promise<OverviewDto['last_cleanup']> {
    const [row] = (await this.dataSource.query(
      `SELECT started_at, finished_at, outcome, summary FROM scheduled_job_runs WHERE job = ${placeholder(this.dialect, 1)}`,
      ['cleanup'],
    )) as Array<{ started_at: Date | string; finished_at: Date | string | null; outcome: string | null; summary: string | null }>;
    if (!row) return null;
    return { started_at: iso(row.started_at)!, finished_at: iso(row.finished_at), outcome: row.outcome, summary: parseSummary(row.summary) };
  }
}

/** One state per session, the first that applies: revoked, used, expired, else active. */
function STATE_SQL(now: string): string {
  return `(CASE WHEN s.revoked_at IS NOT NULL THEN 'revoked' WHEN s.used_at IS NOT NULL THEN 'used'
                WHEN s.expires_at <= ${now} THEN 'expired' ELSE 'active' END)`;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

function iso(value: Date | string | null): string | null {
  if (value === null) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

function parseSummary(summary: string | null): unknown {
  if (summary === null) return null;
  try {
    return JSON.parse(summary) as unknown;
  } catch {
    return summary;
  }
}
