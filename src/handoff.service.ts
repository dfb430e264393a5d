import { AccessTokensService, type IssuedAccessToken } from './access-tokens/access-tokens.service.js';
import { Injectable } from './common/injection.js';
import type { RequestOrigin } from './common/request-origin.js';
import { toValidationError } from './common/validation.js';
import { type GeneratedSessionDto, type GenerateSessionDto, GenerateSessionSchema } from './cross-app/cross-app.schemas.js';
import { CrossAppService } from './cross-app/cross-app.service.js';
import { DirectoryService } from './directory/directory.service.js';
import type { RegisteredTargetAppDto } from './target-apps/target-apps.schemas.js';
import { TargetAppsService } from './target-apps/target-apps.service.js';

/**
 * What a host app's own code calls (SPEC §10), for a user the host signed in itself: the same
 * checks, rate limits and audit trail as Handoff's HTTP routes. Errors are `AppError`s with the
 * codes of the API.
 */
@Injectable()
export class HandoffService {
  constructor(
    private readonly crossApp: CrossAppService,
    private readonly directory: DirectoryService,
    private readonly accessTokens: AccessTokensService,
    private readonly targetApps: TargetAppsService,
  ) {}

  /** A single-use handoff token for the host's user `userId` (POST /api/cross-app/generate-session). */
  async generateSession(userId: number, input: GenerateSessionDto = {}, origin: RequestOrigin): Promise<GeneratedSessionDto> {
    const parsed = GenerateSessionSchema.safeParse(input);
    if (!parsed.success) throw toValidationError(parsed.error.issues);
    const user = await this.directory.getActiveUser({ id: userId });
    return this.crossApp.generate({ ...user, credential: { kind: 'host' } }, parsed.data, origin);
  }

  /**
   * Registers a target app (the admin API's POST /api/admin/apps); its shared secret is in the
   * answer, and only there.
   */
  registerTargetApp(name: string, origins: string[]): Promise<RegisteredTargetAppDto> {
    return this.targetApps.register({ name, origins, public: false });
  }

  /** True if a target app of this name is registered. */
  async hasTargetApp(name: string): Promise<boolean> {
    return (await this.targetApps.find(name)) !== null;
  }

  /** An access token (JWT, recorded in the registry) for the host's user `userId`. */
  async issueAccessToken(userId: number, options: { ttlSeconds?: number } = {}): Promise<IssuedAccessToken> {
    const user = await this.directory.getActiveUser({ id: userId });
    return this.accessTokens.issue(user.id, options);
  }
}

