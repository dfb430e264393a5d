import { Entity, Index, PrimaryColumn } from 'typeorm';
import { CrossAppSessionColumns } from '../cross-app/cross-app-session.entity.js';

/**
 * A cross-app session moved out of the live table by cleanup: the live table's columns, so that a
 * column added there without its twin here fails the migrations' drift test. Migration
 * 1795600100000 explains the primary key (`created_at` is the partition key) and the partitions.
 */
@Entity('cross_app_sessions_archive')
@Index('idx_cross_app_sessions_archive_created_at', ['createdAt'])
@Index('idx_cross_app_sessions_archive_user_id', ['userId'])
export class CrossAppSessionArchive extends CrossAppSessionColumns {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @PrimaryColumn({ name: 'created_at', type: Date })
  createdAt!: Date;
}
