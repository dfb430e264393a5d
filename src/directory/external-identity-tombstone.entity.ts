import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A deleted user's external identity, so that its issuer's tokens cannot bring it back. */
@Entity('external_identity_tombstones')
export class ExternalIdentityTombstone {
  @PrimaryColumn({ name: 'external_issuer', type: 'varchar', length: 255 })
  externalIssuer!: string;

  @PrimaryColumn({ name: 'external_subject', type: 'varchar', length: 255 })
  externalSubject!: string;

  @CreateDateColumn({ name: 'deleted_at', type: Date })
  deletedAt!: Date;
}
