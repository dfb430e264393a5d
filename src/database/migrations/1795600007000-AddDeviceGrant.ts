import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runStatements } from '../dialect.js';

/**
 * What QR login needs beyond design document 002 to also serve the OAuth 2.0 device
 * authorization grant (RFC 8628):
 * - `target_apps.public_client`: an OAuth client without a secret (a CLI, a TV app), which may
 *   use the device grant by its `client_id` alone; every other app must authenticate.
 * - `client_id`: the OAuth client that asked (NULL for Handoff's own /qr page); only that client
 *   may redeem the device code.
 * - `poll_interval` and `last_polled_at`: the interval the desktop must keep between polls,
 *   raised by 5 seconds at each `slow_down` (RFC 8628 §3.5).
 * - `exchange_expires_at`: the one-time exchange token is short-lived, whatever time the request
 *   itself has left.
 * Existing rows get NULLs, the default interval and `public_client = false`: what they had in effect.
 */
export class AddDeviceGrant1795600007000 implements MigrationInterface {
  name = 'AddDeviceGrant1795600007000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: [
        'ALTER TABLE auth_sessions ADD COLUMN client_id VARCHAR(50) NULL',
        'ALTER TABLE auth_sessions ADD COLUMN poll_interval INTEGER NOT NULL DEFAULT 5',
        'ALTER TABLE auth_sessions ADD COLUMN last_polled_at TIMESTAMP NULL',
        'ALTER TABLE auth_sessions ADD COLUMN exchange_expires_at TIMESTAMP NULL',
        'ALTER TABLE target_apps ADD COLUMN public_client BOOLEAN NOT NULL DEFAULT false',
      ],
      mysql: [
        `ALTER TABLE auth_sessions
          ADD COLUMN client_id VARCHAR(50) NULL,
          ADD COLUMN poll_interval INT NOT NULL DEFAULT 5,
          ADD COLUMN last_polled_at DATETIME(6) NULL,
          ADD COLUMN exchange_expires_at DATETIME(6) NULL`,
        'ALTER TABLE target_apps ADD COLUMN public_client BOOLEAN NOT NULL DEFAULT false',
      ],
    });
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: [
        'ALTER TABLE target_apps DROP COLUMN public_client',
        'ALTER TABLE auth_sessions DROP COLUMN exchange_expires_at',
        'ALTER TABLE auth_sessions DROP COLUMN last_polled_at',
        'ALTER TABLE auth_sessions DROP COLUMN poll_interval',
        'ALTER TABLE auth_sessions DROP COLUMN client_id',
      ],
      mysql: [
        'ALTER TABLE target_apps DROP COLUMN public_client',
        `ALTER TABLE auth_sessions
          DROP COLUMN exchange_expires_at,
          DROP COLUMN last_polled_at,
          DROP COLUMN poll_interval,
          DROP COLUMN client_id`,
      ],
    });
  }
}
