import type { ProgressListener } from '../common/progress.js';

/** What a cleanup did. */
export interface CleanupResultDto {
  /** Sessions moved from `cross_app_sessions` into the archive. */
  readonly archived: number;
  /** Finished QR login requests deleted from `auth_sessions`. */
  readonly authSessionsDeleted: number;
  readonly batches: number;
  readonly longestBatchMs: number;
  readonly durationMs: number;
  readonly graceSeconds: number;
  readonly batchSize: number;
  /** Stopped early (server shutdown); the next run carries on. */
  readonly interrupted: boolean;
}

export interface CleanupOptions {
  readonly graceSeconds?: number;
  readonly batchSize?: number;
  /** Called after each batch (total: the dead sessions at the start, counted only when asked for). */
  readonly onProgress?: ProgressListener;
  /** Checked between batches. */
  readonly signal?: AbortSignal;
}

export interface PartitionDto {
  readonly name: string;
  readonly from: string;
  readonly to: string;
}

export interface PartitionsResultDto {
  /** False on MariaDB / MySQL, whose archive is one table. */
  readonly partitioned: boolean;
  readonly created: string[];
  readonly partitions: PartitionDto[];
}

export interface PruneResultDto {
  readonly olderThanDays: number;
  /** Rows older than this are gone (whole months of them on PostgreSQL). */
  readonly cutoff: string;
  readonly partitionsDropped: string[];
  /** Partitions left for the next run: the archive's lock did not come within the prune's lock timeout. */
  readonly partitionsBusy: string[];
  /** Rows deleted one batch at a time (MariaDB / MySQL). */
  readonly rowsDeleted: number;
}
