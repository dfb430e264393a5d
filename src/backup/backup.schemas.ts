import type { ProgressListener } from '../common/progress.js';

export interface BackupTableSummaryDto {
  readonly table: string;
  readonly rows: number;
  /** Independent of the database kind and of row order: equal on a faithful copy. */
  readonly checksum: string;
}

export interface BackupSummaryDto {
  readonly database: string;
  readonly tables: BackupTableSummaryDto[];
}

export interface RestoreTableSummaryDto extends BackupTableSummaryDto {
  readonly inserted: number;
  /** Rows already there (same key), left as they are. */
  readonly skipped: number;
}

export interface RestoreSummaryDto {
  readonly database: string;
  readonly tables: RestoreTableSummaryDto[];
}

export interface BackupOptions {
  readonly onProgress?: ProgressListener;
}
