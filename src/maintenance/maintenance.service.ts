import { DataSource } from 'typeorm';
import { Inject, Injectable } from '../common/injection.js';
import { HANDOFF_CONFIG, type HandoffConfig } from '../config/config.js';
import { withDatabaseLock } from '../database/database-lock.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { type ArchivePartition, isCovered, monthOf, monthsBetween, partitionName } from './archive-partitions.js';
import type { CleanupOptions, CleanupResultDto, PartitionDto, PartitionsResultDto, PruneResultDto } from './maintenance.schemas.js';
import { SessionArchiveRepository } from './session-archive.repository.js';

/** Held by whoever moves sessions between the live table and the archive (cleanup, restore). */
export const SESSIONS_ARCHIVE_LOCK = 'sessions-archive';
/** Partition DDL: two `CREATE TABLE IF NOT EXISTS` of one partition would still collide. */
const PARTITIONS_LOCK = 'archive-partitions';
const DAY_SECONDS = 86_400;

/**
 * SPEC §7's cleanup, archive retention and partitions. Jobs are plain methods: the CLI and the
 * scheduler call them.
 */
@Injectable()
export class MaintenanceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly archive: SessionArchiveRepository,
    private readonly metrics: MetricsService,
    @Inject(HANDOFF_CONFIG) private readonly config: HandoffConfig,
  ) {}

  /**
   * Moves sessions expired or revoked more than the grace period ago into the archive, one
   * transaction per batch, then deletes finished QR login requests. Interrupted (killed, or
   * stopped through `signal`), it leaves every row in one table, and the next run carries on.
   */
  cleanup(options: CleanupOptions = {}): Promise<CleanupResultDto> {
    const graceSeconds = options.graceSeconds ?? this.config.maintenance.cleanupGraceSeconds;
    const batchSize = options.batchSize ?? this.config.maintenance.cleanupBatchSize;
    return withDatabaseLock(this.dataSource, SESSIONS_ARCHIVE_LOCK, async () => {
      const started = performance.now();
      const batches = new BatchTimer();
      if (this.partitioned) await this.ensurePartitionsForCleanup(graceSeconds);
      const archived = await this.archiveDeadSessions(graceSeconds, batchSize, batches, options);
      const authSessionsDeleted = await this.deleteFinishedAuthSessions(graceSeconds, batchSize, batches, options.signal);
      return {
        archived,
        authSessionsDeleted,
        batches: batches.count,
        longestBatchMs: round(batches.longestMs),
        durationMs: round(performance.now() - started),
        graceSeconds,
        batchSize,
        interrupted: options.signal?.aborted ?? false,
      };
    });
  }

  /** Creates the current and next months' archive partitions (PostgreSQL; nothing to do on MySQL). */
  async ensurePartitions(): Promise<PartitionsResultDto> {
    if (!this.partitioned) return { partitioned: false, created: [], partitions: [] };
    const now = new Date();
    const created = await this.ensurePartitionsFor(now, monthOf(now).to);
    return { partitioned: true, created, partitions: (await this.archive.listPartitions()).map(toPartitionDto) };
  }

  async listPartitions(): Promise<PartitionsResultDto> {
    if (!this.partitioned) return { partitioned: false, created: [], partitions: [] };
    return { partitioned: true, created: [], partitions: (await this.archive.listPartitions()).map(toPartitionDto) };
  }

  /**
   * Makes sure every month from `first`'s to `last`'s has an archive partition, so that rows of
   * those months can be inserted (a row without a partition is refused). Returns those created.
   */
  async ensurePartitionsFor(first: Date, last: Date): Promise<string[]> {
    if (!this.partitioned) return [];
    return withDatabaseLock(this.dataSource, PARTITIONS_LOCK, async () => {
      const existing = await this.archive.listPartitions();
      const created: string[] = [];
      for (const month of monthsBetween(first, last)) {
        if (isCovered(month, existing)) continue;
        const name = partitionName(month);
        await this.archive.createPartition(name, month);
        created.push(name);
      }
      return created;
    });
  }

  /**
   * Archive retention: drops archived sessions created more than `olderThanDays` ago. On
   * PostgreSQL whole monthly partitions go (a month is dropped once all of it is older); on
   * MySQL rows are deleted in batches.
   */
  async pruneArchive(olderThanDays: number = this.config.maintenance.archiveRetentionDays): Promise<PruneResultDto> {
    const cutoff = await this.archive.secondsAgo(olderThanDays * DAY_SECONDS);
    const result = { olderThanDays, cutoff: cutoff.toISOString(), partitionsDropped: [] as string[], partitionsBusy: [] as string[], rowsDeleted: 0 };
    if (this.partitioned) {
      await withDatabaseLock(this.dataSource, PARTITIONS_LOCK, async () => {
        for (const partition of await this.archive.listPartitions()) {
          if (partition.to > cutoff) continue;
          const dropped = await this.archive.dropPartition(partition.name, this.config.maintenance.pruneLockTimeoutSeconds);
          (dropped ? result.partitionsDropped : result.partitionsBusy).push(partition.name);
        }
      });
      return result;
    }
    const batchSize = this.config.maintenance.cleanupBatchSize;
    for (let deleted = batchSize; deleted === batchSize; ) {
      deleted = await this.archive.deleteArchivedBefore(cutoff, batchSize);
      result.rowsDeleted += deleted;
    }
    return result;
  }

  private async archiveDeadSessions(graceSeconds: number, batchSize: number, batches: BatchTimer, options: CleanupOptions): Promise<number> {
    const total = options.onProgress ? await this.archive.countDead(graceSeconds) : 0;
    let archived = 0;
    for (let afterId = 0; !options.signal?.aborted; ) {
      const batch = await batches.time(() => this.archive.moveBatch(afterId, graceSeconds, batchSize));
      archived += batch.moved;
      this.metrics.recordCleanupRows('cross_app_sessions', batch.moved);
      options.onProgress?.({ task: 'cross_app_sessions', total, done: archived });
      if (batch.lastId === null || batch.moved < batchSize) break;
      afterId = batch.lastId;
    }
    return archived;
  }

  private async deleteFinishedAuthSessions(graceSeconds: number, batchSize: number, batches: BatchTimer, signal?: AbortSignal): Promise<number> {
    let deleted = 0;
    while (!signal?.aborted) {
      const count = await batches.time(() => this.archive.deleteFinishedAuthSessions(graceSeconds, batchSize));
      deleted += count;
      this.metrics.recordCleanupRows('auth_sessions', count);
      if (count < batchSize) break;
    }
    return deleted;
  }

  /** The archive is partitioned on PostgreSQL (PGlite included), not on MySQL. */
  private get partitioned(): boolean {
    return this.archive.dialect === 'postgres';
  }

  /**
   * Partitions for every month the dead rows were created in, and for this month and the next:
   * rows that die while cleanup runs were created recently.
   */
  private async ensurePartitionsForCleanup(graceSeconds: number): Promise<void> {
    const { oldest, newest } = await this.archive.deadCreatedRange(graceSeconds);
    const now = new Date();
    const first = oldest && oldest < now ? oldest : now;
    const next = monthOf(now).to;
    await this.ensurePartitionsFor(first, newest && newest > next ? newest : next);
  }
}

/** How many batches ran, and how long the longest took (the longest any lock was held). */
class BatchTimer {
  count = 0;
  longestMs = 0;

  async time<T>(batch: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await batch();
    } finally {
      this.count++;
      this.longestMs = Math.max(this.longestMs, performance.now() - started);
    }
  }
}

function toPartitionDto(partition: ArchivePartition): PartitionDto {
  return { name: partition.name, from: partition.from.toISOString(), to: partition.to.toISOString() };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
