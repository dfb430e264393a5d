import {
  calculateJwkThumbprint,
  type CryptoKey,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importJWK,
  importPKCS8,
  type JWK,
} from 'jose';
import type { DataSource } from 'typeorm';
import { Inject, Injectable } from '../common/injection.js';
import { HANDOFF_CONFIG, type HandoffConfig, type SigningAlgorithm } from '../config/config.js';
import { withDatabaseLock } from '../database/database-lock.js';
import { decryptPrivateKey, encryptPrivateKey } from './key-encryption.js';
import type { SigningKey } from './signing-key.entity.js';
import { SigningKeyRepository } from './signing-key.repository.js';

/** How long a loaded key set is trusted before it is read again (rotations by other processes). */
const KEY_SET_TTL_MS = 30_000;
/** Clients may cache the JWKS this long (its Cache-Control max-age). */
const JWKS_MAX_AGE_SECONDS = 60;
/**
 * A new key is published this long before anything is signed with it (issue 12): by then every
 * instance has re-read the key set and every client's cached JWKS has expired, so nobody refuses
 * a token for carrying a key it has not seen yet. Until then the previous key goes on signing.
 */
const SIGNING_LEAD_MS = KEY_SET_TTL_MS + JWKS_MAX_AGE_SECONDS * 1000;
/**
 * A retired key stays published this much longer than the longest token lifetime: it goes on
 * signing during the successor's lead, other instances may go on signing with it until they
 * re-read the keys, and clients cache the JWKS.
 */
const PUBLISH_MARGIN_SECONDS = (SIGNING_LEAD_MS + KEY_SET_TTL_MS) / 1000 + JWKS_MAX_AGE_SECONDS;
/** A token with an unknown `kid` re-reads the keys at most this often (no amplification). */
const UNKNOWN_KID_REFRESH_MS = 1_000;

interface LoadedKey {
  readonly kid: string;
  readonly algorithm: SigningAlgorithm;
  readonly publicJwk: JWK;
  readonly publicKey: CryptoKey;
  readonly current: boolean;
  /** When it was created, i.e. first published. */
  readonly createdAt: Date;
  /** For a retired key: when it leaves the JWKS and stops verifying. */
  readonly publishUntil: Date | null;
  readonly encryptedPrivateKey: string;
}

interface KeySet {
  readonly loadedAt: number;
  readonly keys: ReadonlyMap<string, LoadedKey>;
}

export interface SigningKeyDto {
  kid: string;
  algorithm: string;
  createdAt: string;
  retiredAt: string | null;
  publishUntil: string | null;
  status: 'current' | 'published' | 'expired';
}

/** Handoff's asymmetric JWT signing keys: create, rotate, publish, and look up for verification. */
@Injectable()
export class SigningKeysService {
  private keySet: KeySet | undefined;
  private loading: Promise<KeySet> | undefined;
  private readonly privateKeys = new Map<string, Promise<CryptoKey>>();

  constructor(
    private readonly repository: SigningKeyRepository,
    @Inject(HANDOFF_CONFIG) private readonly config: HandoffConfig,
  ) {}

  /** Creates the first key if there is none (once, even with several instances starting). */
  async ensureKey(dataSource: DataSource): Promise<void> {
    if (await this.repository.hasCurrent()) return;
    await withDatabaseLock(dataSource, 'signing-keys', async () => {
      if (!(await this.repository.hasCurrent())) await this.createKey();
    });
  }

  /**
   * Makes a new current key, published at once and signing after SIGNING_LEAD_MS; the previous one
   * signs until then and stays published until its tokens have expired.
   */
  async rotate(): Promise<{ kid: string; retired: string[] }> {
    const created = await this.createKey();
    this.keySet = undefined;
    return created;
  }

  /** The key that signs now (see `currentOf`), with its private half. */
  async signingKey(): Promise<{ kid: string; algorithm: SigningAlgorithm; privateKey: CryptoKey }> {
    let current = this.currentOf(await this.loadedKeys());
    if (!current) current = this.currentOf(await this.loadedKeys(true));
    if (!current) throw new Error('no current signing key (run migrations and start the server once)');
    return { kid: current.kid, algorithm: current.algorithm, privateKey: await this.privateKeyOf(current) };
  }

  /**
   * The public key for a token's `kid`, if that key is current or still published. Unknown ids
   * re-read the keys (another instance may just have rotated), at most once a second.
   */
  async verificationKey(kid: string): Promise<{ key: CryptoKey; algorithm: SigningAlgorithm } | undefined> {
    let found = (await this.loadedKeys()).keys.get(kid);
    if (!found && Date.now() - (this.keySet?.loadedAt ?? 0) > UNKNOWN_KID_REFRESH_MS) {
      found = (await this.loadedKeys(true)).keys.get(kid);
    }
    if (!found || !isPublished(found)) return undefined;
    return { key: found.publicKey, algorithm: found.algorithm };
  }

  /** The JWKS document: the current key and every retired key whose tokens may still be valid. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const keys = [...(await this.loadedKeys()).keys.values()].filter(isPublished);
    return { keys: keys.map((key) => key.publicJwk) };
  }

  async list(): Promise<SigningKeyDto[]> {
    const now = Date.now();
    return (await this.repository.findAll()).map((key) => ({
      kid: key.kid,
      algorithm: key.algorithm,
      createdAt: key.createdAt.toISOString(),
      retiredAt: key.retiredAt?.toISOString() ?? null,
      publishUntil: key.publishUntil?.toISOString() ?? null,
      status: key.retiredAt === null ? 'current' : (key.publishUntil?.getTime() ?? 0) > now ? 'published' : 'expired',
    }));
  }

  private async createKey(): Promise<{ kid: string; retired: string[] }> {
    const algorithm = this.config.tokens.algorithm;
    const { publicKey, privateKey } = await generateKeyPair(algorithm, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const retired = await this.repository.replaceCurrent(
      {
        kid,
        algorithm,
        publicJwk: JSON.stringify({ ...publicJwk, kid, alg: algorithm, use: 'sig' }),
        privateKeyEncrypted: encryptPrivateKey(this.encryptionSecret(), await exportPKCS8(privateKey), kid),
      },
      this.config.tokens.maxTtlSeconds + PUBLISH_MARGIN_SECONDS,
    );
    return { kid, retired };
  }

  /**
   * The key to sign with: the newest published key that has been published for the lead, else
   * the one published longest (right after the first start, the only key).
   */
  private currentOf(set: KeySet): LoadedKey | undefined {
    const published = [...set.keys.values()].filter(isPublished).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    return published.find((key) => key.createdAt.getTime() <= Date.now() - SIGNING_LEAD_MS) ?? published.at(-1);
  }

  private async loadedKeys(force = false): Promise<KeySet> {
    const fresh = this.keySet && Date.now() - this.keySet.loadedAt < KEY_SET_TTL_MS;
    if (fresh && !force) return this.keySet!;
    // One read at a time, shared by every caller waiting for it.
    this.loading ??= this.readKeys().finally(() => (this.loading = undefined));
    this.keySet = await this.loading;
    return this.keySet;
  }

  private async readKeys(): Promise<KeySet> {
    const rows = await this.repository.findPublished();
    const keys = new Map<string, LoadedKey>();
    for (const row of rows) keys.set(row.kid, await toLoadedKey(row));
    return { loadedAt: Date.now(), keys };
  }

  private privateKeyOf(key: LoadedKey): Promise<CryptoKey> {
    let privateKey = this.privateKeys.get(key.kid);
    if (!privateKey) {
      const pem = decryptPrivateKey(this.encryptionSecret(), key.encryptedPrivateKey, key.kid);
      privateKey = importPKCS8(pem, key.algorithm);
      this.privateKeys.set(key.kid, privateKey);
    }
    return privateKey;
  }

  /**
   * Whether this deployment's HANDOFF_KEY_ENCRYPTION_SECRET opens a key's encrypted private key:
   * a restore checks the backup's keys before it writes anything, because a key it cannot open
   * would leave the service unable to sign.
   */
  canDecrypt(kid: string, encryptedPrivateKey: string): boolean {
    try {
      decryptPrivateKey(this.encryptionSecret(), encryptedPrivateKey, kid);
      return true;
    } catch {
      return false;
    }
  }

  private encryptionSecret(): string {
    const secret = this.config.secrets.keyEncryptionSecret;
    if (!secret) throw new Error('HANDOFF_KEY_ENCRYPTION_SECRET is not set');
    return secret;
  }
}

async function toLoadedKey(row: SigningKey): Promise<LoadedKey> {
  const algorithm = row.algorithm as SigningAlgorithm;
  const publicJwk = JSON.parse(row.publicJwk) as JWK;
  return {
    kid: row.kid,
    algorithm,
    publicJwk,
    publicKey: (await importJWK(publicJwk, algorithm)) as CryptoKey,
    current: row.retiredAt === null,
    createdAt: row.createdAt,
    publishUntil: row.publishUntil,
    encryptedPrivateKey: row.privateKeyEncrypted,
  };
}

function isPublished(key: LoadedKey): boolean {
  return key.current || (key.publishUntil !== null && key.publishUntil.getTime() > Date.now());
}
