import { AppError } from '../common/errors/app-error.js';
import { constantTimeEqual, randomToken, sha256Hex } from '../common/crypto.js';
import { ExpiringCache } from '../common/expiring-cache.js';
import { Injectable } from '../common/injection.js';
import { isUniqueViolation } from '../database/database-errors.js';
import type { TargetApp } from './target-app.entity.js';
import { TargetAppRepository } from './target-app.repository.js';
import type { RegisteredTargetAppDto, TargetAppCreateDto, TargetAppDto, TargetAppWithSecretDto } from './target-apps.schemas.js';

/**
 * How long an instance trusts an app it looked up: target apps change rarely, and these look-ups
 * sit on every handoff request. A retired secret therefore stops working within this time on
 * every instance (at once on the one that retired it).
 */
const APP_CACHE_MS = 2_000;

/** Two active secrets at most: the one in use and its successor during a rotation. */
const MAX_ACTIVE_SECRETS = 2;
/** Compared against when the app does not exist, so that the answer takes the same time. */
const ABSENT_SECRET_HASH = sha256Hex('handoff: no such app');

export interface AuthenticatedApp {
  readonly id: number;
  readonly name: string;
  readonly allowedOrigins: readonly string[];
  /** A public OAuth client: no secret, device grant only. */
  readonly publicClient: boolean;
}

/** Target apps (OAuth clients) and their shared secrets. */
@Injectable()
export class TargetAppsService {
  private readonly bySecretHash = new ExpiringCache<string, AuthenticatedApp>(1_000);
  private readonly byName = new ExpiringCache<string, AuthenticatedApp>(1_000);

  constructor(private readonly repository: TargetAppRepository) {}

  /** A confidential app gets its first secret, shown once; a public client gets none. */
  async register(input: TargetAppCreateDto): Promise<RegisteredTargetAppDto> {
    const secret = input.public ? null : randomToken();
    try {
      const app = await this.repository.insertWithSecret(input.name, input.origins, secret === null ? null : sha256Hex(secret));
      return { app: toDto(app, secret === null ? 0 : 1), secret };
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('APP_EXISTS', 'A target app with this name exists', { field: 'name' });
      throw error;
    }
  }

  async list(): Promise<TargetAppDto[]> {
    const [apps, secrets] = await Promise.all([this.repository.list(), this.repository.countActiveSecrets()]);
    return apps.map((app) => toDto(app, secrets.get(app.id) ?? 0));
  }

  /** Adds a second active secret; both work until the older one is retired. */
  async rotateSecret(name: string): Promise<TargetAppWithSecretDto> {
    const app = await this.getApp(name);
    if (app.publicClient) throw new AppError('SECRET_ROTATION_CONFLICT', 'A public client has no secret to rotate');
    const secret = randomToken();
    if (!(await this.repository.addSecret(app.id, sha256Hex(secret), MAX_ACTIVE_SECRETS))) {
      throw new AppError('SECRET_ROTATION_CONFLICT', 'The app already has two active secrets: retire the older one first');
    }
    return { app: toDto(app, MAX_ACTIVE_SECRETS), secret };
  }

  /** Retires the older of two active secrets. */
  async retireSecret(name: string): Promise<TargetAppDto> {
    const app = await this.getApp(name);
    if (!(await this.repository.retireOldestSecret(app.id))) {
      throw new AppError('SECRET_ROTATION_CONFLICT', 'The app has a single active secret: rotate first');
    }
    this.bySecretHash.clear();
    return toDto(app, 1);
  }

  /**
   * The app if `secret` is one of its active secrets. One query either way, every active secret
   * compared in constant time, and an unknown app costs a comparison too.
   */
  async authenticate(name: string, secret: string): Promise<AuthenticatedApp | null> {
    const found = await this.repository.findWithActiveSecretHashes(name);
    const presented = sha256Hex(secret);
    let matched = false;
    for (const hash of found?.hashes ?? [ABSENT_SECRET_HASH]) {
      matched = constantTimeEqual(presented, hash) || matched;
    }
    return found && matched ? found.app : null;
  }

  /**
   * The app that holds this shared secret (`x-shared-secret`), if it is an active one. Found by
   * the secret's SHA-256 through an index: the secret is 256 random bits, so the look-up's
   * timing cannot be used to guess it.
   */
  async authenticateBySecret(secret: string): Promise<AuthenticatedApp | null> {
    const secretHash = sha256Hex(secret);
    const cached = this.bySecretHash.get(secretHash);
    if (cached) return cached;
    // Only successes are kept: a wrong secret always asks the database.
    const app = await this.repository.findByActiveSecretHash(secretHash);
    if (app) this.bySecretHash.set(secretHash, app, Date.now() + APP_CACHE_MS);
    return app;
  }

  /** The registered app of this name, or null (an app registered a moment ago is found at once). */
  async find(name: string): Promise<AuthenticatedApp | null> {
    const cached = this.byName.get(name);
    if (cached) return cached;
    const app = await this.repository.findRowByName(name);
    if (app) this.byName.set(name, app, Date.now() + APP_CACHE_MS);
    return app;
  }

  private async getApp(name: string): Promise<TargetApp> {
    const app = await this.repository.findByName(name);
    if (!app) throw new AppError('APP_NOT_FOUND', 'No such target app');
    return app;
  }
}

function toDto(app: TargetApp, activeSecrets: number): TargetAppDto {
  return {
    id: app.id,
    name: app.name,
    allowedOrigins: app.allowedOrigins,
    createdAt: app.createdAt.toISOString(),
    publicClient: app.publicClient,
    activeSecrets,
  };
}
