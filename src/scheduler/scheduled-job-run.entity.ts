import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The last period a scheduled job was claimed for, by which instance, and how it ended. */
@Entity('scheduled_job_runs')
export class ScheduledJobRun {
  @PrimaryColumn({ type: 'varchar', length: 50 })
  job!: string;

  @Column({ name: 'period_start', type: Date })
  periodStart!: Date;

  @Column({ type: 'varchar', length: 100 })
  instance!: string;

  @Column({ name: 'started_at', type: Date })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: Date, nullable: true })
  finishedAt!: Date | null;

  /** `running`, `succeeded` or `failed`. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  outcome!: string | null;

  /** What the run did, as JSON (rows moved, partitions created…). */
  @Column({ type: 'text', nullable: true })
  summary!: string | null;
}
