import { decodeJwt } from 'jose';
import { BEARER_FORMAT_MESSAGE, bearerToken } from '../common/credentials.js';
import { AppError } from '../common/errors/app-error.js';
import { Inject, Injectable } from '../common/injection.js';
import { HANDOFF_CONFIG, type HandoffConfig } from '../config/config.js';
import { PublicUrl } from '../config/public-url.js';
import type { ActiveUser } from '../directory/directory.schemas.js';
import { DirectoryService } from '../directory/directory.service.js';
import type { SqlParameters } from '../database/sql.js';
import { AccessTokensService, invalidToken, type RegistryClaims } from './access-tokens.service.js';
import { AuthUserTokenRepository, type RegisteredTokenRow, registeredTokenFrom, type RegistryColumns } from './auth-user-token.repository.js';
import { ExternalIssuersService } from './external-issuers.service.js';

/** A caller identified by a user JWT. */
export interface AuthenticatedUser extends ActiveUser {
  /** Handoff's own token (with its registry id) or an external issuer's. */
  readonly credential: { kind: 'handoff'; tokenId: number } | { kind: 'external'; issuer: string } | { kind: 'host' };
}

/**
 * A caller whose Handoff JWT has a good signature, issuer, audience and lifetime, but whose
 * registry row and user are still to be read: by the statement that does the request's work, in
 * the same round trip (generate-session; issue 11). Never enough on its own: see `confirm` and
 * `confirmedBy`.
 */
export interface UnconfirmedCaller {
  readonly kind: 'unconfirmed';
  /** The user the token names. */
  readonly id: number;
  readonly claims: RegistryClaims;
}

/** Who a user route's guard let through: a user, or a token whose registry read is the route's. */
export type Caller = AuthenticatedUser | UnconfirmedCaller;

/** RFC 7662 answer. Anything not active is exactly `{ active: false }`. */
export type IntrospectionDto =
  | { active: false }
  | {
      active: true;
      sub: string;
      username: string;
      exp: number;
      iat: number;
      jti: string;
      iss: string;
      aud: string[];
      token_type: 'Bearer';
    };

/** Who is calling: the user behind a Bearer JWT, Handoff's own or an external issuer's. */
@Injectable()
export class AuthenticationService {
  constructor(
    private readonly accessTokens: AccessTokensService,
    private readonly registry: AuthUserTokenRepository,
    private readonly externalIssuers: ExternalIssuersService,
    private readonly directory: DirectoryService,
    private readonly publicUrl: PublicUrl,
    @Inject(HANDOFF_CONFIG) private readonly config: HandoffConfig,
  ) {}

  async authenticate(authorization: string | undefined): Promise<AuthenticatedUser> {
    return this.confirm(await this.authenticateDeferred(authorization));
  }

  /**
   * `authenticate`, except that a Handoff token's registry row and user are not read yet: the
   * caller reads them in its own statement (`registrySql`, then `confirmedBy`), or with `confirm`.
   */
  async authenticateDeferred(authorization: string | undefined): Promise<Caller> {
    if (!authorization) {
      throw new AppError('AUTH_REQUIRED', 'A Bearer access token is required', {
        headers: { 'www-authenticate': 'Bearer realm="handoff"' },
      });
    }
    const token = bearerToken(authorization);
    if (!token) {
      throw new AppError('TOKEN_INVALID', BEARER_FORMAT_MESSAGE, {
        headers: { 'www-authenticate': 'Bearer realm="handoff", error="invalid_request"' },
      });
    }

    // Which verifier to use, from the issuer the token claims (verified by that verifier); a
    // Handoff token verified before needs no decoding to tell.
    const known = await this.accessTokens.verifiedBefore(token);
    const issuer = known ? this.publicUrl.origin : claimedIssuer(token);
    if (issuer === this.publicUrl.origin) {
      const { tokenHash, jti, userId } = known ?? (await this.accessTokens.verifyClaims(token));
      return { kind: 'unconfirmed', id: userId, claims: { tokenHash, jti, userId } };
    }
    if (issuer !== undefined && this.externalIssuers.handles(issuer)) {
      const identity = await this.externalIssuers.verify(token);
      const user = await this.directory.provisionExternalUser(identity);
      if (!user) throw invalidToken('ERR_USER_INACTIVE');
      return { ...user, credential: { kind: 'external', issuer: identity.issuer } };
    }
    throw invalidToken('ERR_UNKNOWN_ISSUER');
  }

  /** The caller as a user: an unconfirmed one's registry row and user read now (one statement). */
  async confirm(caller: Caller): Promise<AuthenticatedUser> {
    if (!isUnconfirmed(caller)) return caller;
    return this.judged(caller, await this.accessTokens.registeredRow(caller.claims));
  }

  /** For an unconfirmed caller, the SELECT of its registry row and user (see `confirmedBy`); none for a user. */
  registrySql(caller: Caller, parameters: SqlParameters): string | undefined {
    return isUnconfirmed(caller) ? this.registry.enabledWithActiveUserSql(parameters, caller.claims.tokenHash, caller.claims.jti) : undefined;
  }

  /**
   * The caller as a user, from the columns `registrySql` read (a user: as it is); TOKEN_INVALID when the
   * token is not enabled in the registry or its user is disabled.
   */
  confirmedBy(caller: Caller, columns: Record<string, unknown> | undefined): AuthenticatedUser {
    return this.judged(caller, registeredTokenFrom(columns as RegistryColumns | undefined));
  }

  private judged(caller: Caller, registered: RegisteredTokenRow | null): AuthenticatedUser {
    if (!isUnconfirmed(caller)) return caller;
    const { tokenId, user } = this.accessTokens.registeredFrom(caller.claims, registered);
    if (!user) throw invalidToken('ERR_USER_INACTIVE');
    return { ...user, credential: { kind: 'handoff', tokenId } };
  }

  /** The host app's signed-in user (host-authentication.ts), if it is an enabled user. */
  async authenticateHostUser(userId: number | null): Promise<AuthenticatedUser> {
    // Whatever the host's callback returned: only a row id is looked up.
    if (typeof userId !== 'number' || !Number.isSafeInteger(userId) || userId <= 0) {
      throw new AppError('AUTH_REQUIRED', 'Sign in to the application first', {
        headers: { 'www-authenticate': 'Bearer realm="handoff"' },
      });
    }
    const user = await this.directory.findActiveUser(userId);
    if (!user) throw invalidToken('ERR_USER_INACTIVE');
    return { ...user, credential: { kind: 'host' } };
  }

  /**
   * RFC 7662 for a target app: active only for a Handoff token meant for Handoff's API or for
   * that app, enabled in the registry, whose user is still enabled.
   */
  async introspect(token: string, clientName: string): Promise<IntrospectionDto> {
    let verified;
    try {
      verified = await this.accessTokens.verify(token, [this.config.tokens.audience, clientName]);
    } catch (error) {
      if (error instanceof AppError && error.code === 'TOKEN_INVALID') return { active: false };
      throw error;
    }
    const user = await this.directory.findActiveUser(verified.userId);
    if (!user) return { active: false };
    return {
      active: true,
      sub: String(user.id),
      username: user.email,
      exp: verified.expiresAt,
      iat: verified.issuedAt,
      jti: verified.jti,
      iss: this.publicUrl.origin,
      aud: verified.audience,
      token_type: 'Bearer',
    };
  }
}

export function isUnconfirmed(caller: Caller): caller is UnconfirmedCaller {
  return 'kind' in caller && caller.kind === 'unconfirmed';
}

/** The `iss` a token claims, unverified: for routing only. */
function claimedIssuer(token: string): string | undefined {
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}
