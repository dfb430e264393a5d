import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runStatements } from '../dialect.js';

/**
 * What the registry needs beyond ticket MET-14854: each token's `jti` (the registry row is found
 * by the token's hash *and* its jti) and its expiry (listed to its owner, and the bound for
 * cleanup), plus indexes for the look-ups by hash and by user. Rows from before have NULLs and
 * match no token Handoff issues.
 */
export class AddAuthUserTokenJtiAndExpiry1795600002000 implements MigrationInterface {
  name = 'AddAuthUserTokenJtiAndExpiry1795600002000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: [
        'ALTER TABLE auth_user_tokens ADD COLUMN jti VARCHAR(64) NULL',
        'ALTER TABLE auth_user_tokens ADD COLUMN expires_at TIMESTAMP(0) NULL',
        'ALTER TABLE auth_user_tokens ADD CONSTRAINT uq_auth_user_tokens_jti UNIQUE (jti)',
        'CREATE INDEX idx_auth_user_tokens_access_token ON auth_user_tokens(access_token)',
        'CREATE INDEX idx_auth_user_tokens_user_id ON auth_user_tokens(user_id)',
      ],
      mysql: [
        `ALTER TABLE auth_user_tokens
          ADD COLUMN jti VARCHAR(64) NULL,
          ADD COLUMN expires_at DATETIME NULL,
          ADD CONSTRAINT uq_auth_user_tokens_jti UNIQUE (jti),
          ADD INDEX idx_auth_user_tokens_access_token (access_token),
          ADD INDEX idx_auth_user_tokens_user_id (user_id)`,
      ],
    });
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: [
        'DROP INDEX idx_auth_user_tokens_user_id',
        'DROP INDEX idx_auth_user_tokens_access_token',
        'ALTER TABLE auth_user_tokens DROP CONSTRAINT uq_auth_user_tokens_jti',
        'ALTER TABLE auth_user_tokens DROP COLUMN expires_at',
        'ALTER TABLE auth_user_tokens DROP COLUMN jti',
      ],
      mysql: [
        `ALTER TABLE auth_user_tokens
          DROP INDEX idx_auth_user_tokens_user_id,
          DROP INDEX idx_auth_user_tokens_access_token,
          DROP INDEX uq_auth_user_tokens_jti,
          DROP COLUMN expires_at,
          DROP COLUMN jti`,
      ],
    });
  }
}
