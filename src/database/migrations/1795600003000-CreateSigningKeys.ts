import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runStatements } from '../dialect.js';

/**
 * Handoff's JWT signing keys. The private key is stored encrypted (AES-256-GCM, with a key
 * derived from HANDOFF_KEY_ENCRYPTION_SECRET); the public key as a JWK. The current key has
 * `retired_at` NULL; a retired key stays published (JWKS) until `publish_until`, when the last
 * token it can have signed has expired.
 */
export class CreateSigningKeys1795600003000 implements MigrationInterface {
  name = 'CreateSigningKeys1795600003000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, {
      postgres: [
        `CREATE TABLE signing_keys (
          id SERIAL PRIMARY KEY,
          kid VARCHAR(64) NOT NULL,
          algorithm VARCHAR(16) NOT NULL,
          public_jwk TEXT NOT NULL,
          private_key_encrypted TEXT NOT NULL,
          created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
          retired_at TIMESTAMP NULL,
          publish_until TIMESTAMP NULL,
          CONSTRAINT uq_signing_keys_kid UNIQUE (kid)
        )`,
      ],
      mysql: [
        `CREATE TABLE signing_keys (
          id INT AUTO_INCREMENT PRIMARY KEY,
          kid VARCHAR(64) NOT NULL,
          algorithm VARCHAR(16) NOT NULL,
          public_jwk TEXT NOT NULL,
          private_key_encrypted TEXT NOT NULL,
          created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          retired_at DATETIME(6) NULL,
          publish_until DATETIME(6) NULL,
          CONSTRAINT uq_signing_keys_kid UNIQUE (kid)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      ],
    });
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE signing_keys');
  }
}
