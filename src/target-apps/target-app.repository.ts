import { DataSource, IsNull } from 'typeorm';
import { Injectable } from '../common/injection.js';
import { dialectOf, nowSql, placeholder } from '../database/dialect.js';
import { execute } from '../database/sql.js';
import { TargetAppSecret } from './target-app-secret.entity.js';
import { TargetApp } from './target-app.entity.js';

/** An app as authentication needs it. */
export type AppRow = Pick<TargetApp, 'id' | 'name' | 'allowedOrigins' | 'publicClient'>;

interface RawApp {
  id: number;
  name: string;
  allowed_origins: string;
  public_client: boolean | number;
}

const APP_COLUMNS = 'a.id, a.name, a.allowed_origins, a.public_client';

function toAppRow(row: RawApp): AppRow {
  return {
    id: Number(row.id),
    name: row.name,
    allowedOrigins: JSON.parse(row.allowed_origins) as string[],
    publicClient: Boolean(row.public_client),
  };
}

@Injectable()
export class TargetAppRepository {
  constructor(private readonly dataSource: DataSource) {}

  findByName(name: string): Promise<TargetApp | null> {
    return this.dataSource.getRepository(TargetApp).findOneBy({ name });
  }

  /** The app of this name as authentication needs it; on generate's path (behind a 2 s cache), hence plain SQL. */
  async findRowByName(name: string): Promise<AppRow | null> {
    const { rows } = await execute<RawApp>(
      this.dataSource,
      `SELECT ${APP_COLUMNS} FROM target_apps a WHERE a.name = ${placeholder(dialectOf(this.dataSource), 1)}`,
      [name],
      'target-apps:by-name',
    );
    const [row] = rows;
    return row ? toAppRow(row) : null;
  }

  /**
   * The app of this name with the hashes of its active secrets, in one query whether or not the
   * app exists (an unknown name must not answer faster).
   */
  async findWithActiveSecretHashes(name: string): Promise<{ app: AppRow; hashes: string[] } | null> {
    const { rows } = await execute<RawApp & { secret_hash: string }>(
      this.dataSource,
      `SELECT ${APP_COLUMNS}, s.secret_hash FROM target_apps a
       JOIN target_app_secrets s ON s.target_app_id = a.id AND s.retired_at IS NULL
       WHERE a.name = ${placeholder(dialectOf(this.dataSource), 1)}`,
      [name],
    );
    const [first] = rows;
    if (!first) return null;
    return { app: toAppRow(first), hashes: rows.map((row) => row.secret_hash) };
  }

  /** The app whose active (unretired) secret has this SHA-256; on every target-app request. */
  async findByActiveSecretHash(secretHash: string): Promise<AppRow | null> {
    const dialect = dialectOf(this.dataSource);
    const { rows } = await execute<RawApp>(
      this.dataSource,
      `SELECT ${APP_COLUMNS} FROM target_app_secrets s
       JOIN target_apps a ON a.id = s.target_app_id
       WHERE s.secret_hash = ${placeholder(dialect, 1)} AND s.retired_at IS NULL`,
      [secretHash],
      'target-apps:by-secret',
    );
    const [row] = rows;
    return row ? toAppRow(row) : null;
  }

  list(): Promise<TargetApp[]> {
    return this.dataSource.getRepository(TargetApp).find({ order: { name: 'ASC' } });
  }

  /** How many unretired secrets each app has, by app id (apps without any are absent). */
  async countActiveSecrets(): Promise<Map<number, number>> {
    const rows = await this.dataSource
      .getRepository(TargetAppSecret)
      .createQueryBuilder('secret')
      .select('secret.target_app_id', 'appId')
      .addSelect('COUNT(*)', 'count')
      .where('secret.retired_at IS NULL')
      .groupBy('secret.target_app_id')
      .getRawMany<{ appId: number | string; count: number | string }>();
    return new Map(rows.map((row) => [Number(row.appId), Number(row.count)]));
  }

  /**
   * Creates the app with its first secret (none for a public client), both or neither. A taken
   * name is a unique violation.
   */
  async insertWithSecret(name: string, allowedOrigins: string[], secretHash: string | null): Promise<TargetApp> {
    return this.dataSource.transaction(async (manager) => {
      await manager.getRepository(TargetApp).insert({ name, allowedOrigins, publicClient: secretHash === null });
      const app = await manager.getRepository(TargetApp).findOneByOrFail({ name });
      if (secretHash !== null) await manager.getRepository(TargetAppSecret).insert({ targetAppId: app.id, secretHash });
      return app;
    });
  }

  /**
   * Adds a secret unless the app already has `limit` active ones. The app row is locked so that
   * two concurrent rotations cannot both pass the count.
   */
  async addSecret(appId: number, secretHash: string, limit: number): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await manager.getRepository(TargetApp).createQueryBuilder('app').setLock('pessimistic_write').where('app.id = :appId', { appId }).getOne();
      const active = await manager.getRepository(TargetAppSecret).countBy({ targetAppId: appId, retiredAt: IsNull() });
      if (active >= limit) return false;
      await manager.getRepository(TargetAppSecret).insert({ targetAppId: appId, secretHash });
      return true;
    });
  }

  /** Retires the oldest active secret if more than one is active; false otherwise. */
  async retireOldestSecret(appId: number): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await manager.getRepository(TargetApp).createQueryBuilder('app').setLock('pessimistic_write').where('app.id = :appId', { appId }).getOne();
      const active = await manager
        .getRepository(TargetAppSecret)
        .find({ where: { targetAppId: appId, retiredAt: IsNull() }, order: { id: 'ASC' } });
      if (active.length < 2) return false;
      await manager
        .createQueryBuilder()
        .update(TargetAppSecret)
        .set({ retiredAt: () => nowSql(dialectOf(this.dataSource)) })
        .where('id = :id', { id: active[0]!.id })
        .execute();
      return true;
    });
  }
}
