import { DataSource } from 'typeorm';
import { Injectable } from '../common/injection.js';
import { dialectOf, forDialect, nowSql, placeholder, type SqlDialect } from '../database/dialect.js';
import { execute } from '../database/sql.js';

/** Before any period: a job's row starts here. */
const NEVER = new Date(0);

/** `scheduled_job_runs`: one row per job, the last period claimed for it. */
@Injectable()
export class JobRunRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get dialect(): SqlDialect {
    return dialectOf(this.dataSource);
  }

  /**
   * Claims `period` for `job`: one conditional UPDATE that only matches while the job's last
   * claimed period is older, so that of any number of instances exactly one gets each period,
   * whatever the offset of their timers.
   */
  async claim(job: string, period: Date, instance: string): Promise<boolean> {
    const p = (index: number) => placeholder(this.dialect, index);
    await execute(
      this.dataSource,
      forDialect(this.dialect, {
        postgres: `INSERT INTO scheduled_job_runs (job, period_start, instance, started_at)
          VALUES ($1, $2, '', ${nowSql(this.dialect)}) ON CONFLICT (job) DO NOTHING`,
        mysql: `INSERT INTO scheduled_job_runs (job, period_start, instance, started_at)
          VALUES (?, ?, '', ${nowSql(this.dialect)}) ON DUPLICATE KEY UPDATE job = job`,
      }),
      [job, NEVER],
    );
    const { affected } = await execute(
      this.dataSource,
      `UPDATE scheduled_job_runs
       SET period_start = ${p(1)}, instance = ${p(2)}, started_at = ${nowSql(this.dialect)},
           finished_at = NULL, outcome = 'running', summary = NULL
       WHERE job = ${p(3)} AND period_start < ${p(4)}`,
      [period, instance, job, period],
    );
    return affected === 1;
  }

  async finish(job: string, period: Date, outcome: 'succeeded' | 'failed', summary: unknown): Promise<void> {
    const p = (index: number) => placeholder(this.dialect, index);
    await execute(
      this.dataSource,
      `UPDATE scheduled_job_runs SET finished_at = ${nowSql(this.dialect)}, outcome = ${p(1)}, summary = ${p(2)}
       WHERE job = ${p(3)} AND period_start = ${p(4)}`,
      [outcome, JSON.stringify(summary), job, period],
    );
  }
}
