import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** One of Handoff's JWT signing keys (migration 1795600003000). */
@Entity('signing_keys')
@Unique('uq_signing_keys_kid', ['kid'])
export class SigningKey {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  kid!: string;

  @Column({ type: 'varchar', length: 16 })
  algorithm!: string;

  /** The public key as a JWK (JSON text). */
  @Column({ name: 'public_jwk', type: 'text' })
  publicJwk!: string;

  /** The private key, AES-256-GCM encrypted (see key-encryption.ts). */
  @Column({ name: 'private_key_encrypted', type: 'text' })
  privateKeyEncrypted!: string;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  /** When the key stopped being the one that signs; NULL for the current key. */
  @Column({ name: 'retired_at', type: Date, nullable: true })
  retiredAt!: Date | null;

  /** A retired key stays in the JWKS until then: every token it signed has expired by now. */
  @Column({ name: 'publish_until', type: Date, nullable: true })
  publishUntil!: Date | null;
}
