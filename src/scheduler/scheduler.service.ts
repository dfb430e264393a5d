import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { Inject, Injectable } from '../common/injection.js';
import { LOGGER } from '../common/logger.js';
import { HANDOFF_CONFIG, type HandoffConfig, SCHEDULED_JOBS, type ScheduledJobName } from '../config/config.js';
import { tryWithDatabaseLock } from '../database/database-lock.js';
import { MaintenanceService } from '../maintenance/maintenance.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { JobRunRepository } from './job-run.repository.js';
import { nextPeriodStart, periodStart } from './periods.js';

/**
 * SPEC §7's schedule, in the server: cleanup every 10 minutes, partitions and retention daily
 * (HANDOFF_*_INTERVAL). Plain timers: the coordination is in the database. At each period's start
 * every instance tries the job's lock (a second one running skips at once), then claims the
 * period in `scheduled_job_runs` (an instance whose timer fires later in the same period finds
 * it taken), so each job runs once per period across all instances.
 */
@Injectable()
export class SchedulerService implements OnModuleDestroy {
  /** Names this process in `scheduled_job_runs` and in the logs. */
  private readonly instance = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  /**
   * Jobs of this instance run one after another, never side by side: each holds database locks
   * on connections of its own (up to four for a cleanup), and three at once at midnight would
   * take most of the pool from the requests.
   */
  private queue: Promise<void> = Promise.resolve();
  private readonly stopping = new AbortController();

  constructor(
    private readonly dataSource: DataSource,
    private readonly runs: JobRunRepository,
    private readonly maintenance: MaintenanceService,
    private readonly metrics: MetricsService,
    @Inject(HANDOFF_CONFIG) private readonly config: HandoffConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Starts the timers. The server calls it once it listens; CLI commands never do. */
  start(): void {
    if (!this.config.scheduler.enabled) return;
    for (const job of SCHEDULED_JOBS) {
      const intervalSeconds = this.config.scheduler.intervals[job];
      if (intervalSeconds > 0) this.schedule(job, intervalSeconds * 1000);
    }
  }

  /** Stops the timers and waits for a running job; a cleanup stops after its current batch. */
  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    for (const timer of this.timers) clearTimeout(timer);
    await Promise.allSettled([...this.running]);
  }

  private schedule(job: ScheduledJobName, intervalMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const run = (this.queue = this.queue.then(() => this.runPeriod(job, intervalMs))).finally(() => {
        this.running.delete(run);
        if (!this.stopping.signal.aborted) this.schedule(job, intervalMs);
      });
      this.running.add(run);
    }, nextPeriodStart(Date.now(), intervalMs) - Date.now());
    this.timers.add(timer);
  }

  private async runPeriod(job: ScheduledJobName, intervalMs: number): Promise<void> {
    const period = new Date(periodStart(Date.now(), intervalMs));
    const context = { job, period: period.toISOString(), instance: this.instance };
    try {
      const result = await tryWithDatabaseLock(this.dataSource, `job:${job}`, async () => {
        if (!(await this.runs.claim(job, period, this.instance))) return false;
        await this.runClaimed(job, period, context);
        return true;
      });
      if (!result.ran || !result.value) this.logger.debug(context, `scheduled job ${job}: skipped, run by another instance`);
    } catch (error) {
      this.logger.error({ ...context, err: error }, `scheduled job ${job} could not run`);
    }
  }

  private async runClaimed(job: ScheduledJobName, period: Date, context: Record<string, string>): Promise<void> {
    try {
      const summary = await this.jobs[job]();
      await this.runs.finish(job, period, 'succeeded', summary);
      this.metrics.recordJobRun(job, 'succeeded');
      this.logger.info({ ...context, ...summary }, `scheduled job ${job} ran`);
    } catch (error) {
      this.metrics.recordJobRun(job, 'failed');
      this.logger.error({ ...context, err: error }, `scheduled job ${job} failed`);
      await this.runs.finish(job, period, 'failed', { error: (error as { code?: string }).code ?? 'error' });
    }
  }

  private readonly jobs: Record<ScheduledJobName, () => Promise<object>> = {
    cleanup: () => this.maintenance.cleanup({ signal: this.stopping.signal }),
    partitions: () => this.maintenance.ensurePartitions(),
    prune: () => this.maintenance.pruneArchive(),
  };
}
