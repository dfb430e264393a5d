import { randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import type { EntityManager } from 'typeorm';
import { AppError } from '../common/errors/app-error.js';
import { CLOCK_TOLERANCE_SECONDS } from '../common/credentials.js';
import { sha256Hex } from '../common/crypto.js';
import { Inject, Injectable } from '../common/injection.js';
import { HANDOFF_CONFIG, type HandoffConfig } from '../config/config.js';
import { PublicUrl } from '../config/public-url.js';
import { SigningKeysService } from '../signing-keys/signing-keys.service.js';
import type { ActiveUser } from '../directory/directory.schemas.js';
import type { AuthUserToken } from './auth-user-token.entity.js';
import { AuthUserTokenRepository, type RegisteredTokenRow } from './auth-user-token.repository.js';
import { ExpiringCache } from '../common/expiring-cache.js';

/** Far above any token Handoff issues; longer input is refused before any parsing. */
const MAX_TOKEN_LENGTH = 4096;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** What the registry is searched by: the verified token's hash, jti and user. */
export interface RegistryClaims {
  readonly tokenHash: string;
  readonly jti: string;
  readonly userId: number;
}

export interface IssuedAccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  expiresAt: string;
  tokenId: number;
}

/** A signed JWT that no registry row makes valid yet. */
export interface SignedAccessToken {
  readonly accessToken: string;
  readonly userId: number;
  readonly jti: string;
  readonly ttlSeconds: number;
  readonly expiresAt: Date;
}

export interface VerifiedAccessToken {
  userId: number;
  tokenId: number;
  jti: string;
  issuedAt: number;
  expiresAt: number;
  audience: string[];
}

/** What the signature check established, before the registry is asked. */
type VerifiedClaims = Omit<VerifiedAccessToken, 'tokenId'> & { readonly kid: string };

/** The same, with the token's hash (its registry key) instead of the key id. */
export type ClaimsWithHash = Omit<VerifiedAccessToken, 'tokenId'> & { readonly tokenHash: string };

function withHash({ userId, jti, issuedAt, expiresAt, audience }: VerifiedClaims, tokenHash: string): ClaimsWithHash {
  return { userId, jti, issuedAt, expiresAt, audience, tokenHash };
}

export interface AccessTokenDto {
  id: number;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
  disabled: boolean;
}

/** Handoff's own JWTs: issue them, keep the registry, verify them, disable them. */
@Injectable()
export class AccessTokensService {
  /**
   * Tokens whose signature and claims were verified, by SHA-256, until they expire. A client
   * sends the same token with every request; checking its signature once (about 0.2 ms of CPU
   * with ES256) is most of the cost of authentication. Only the cryptography is remembered: the
   * registry is read on every request, so a revocation still takes effect at once.
   */
  private readonly verified = new ExpiringCache<string, VerifiedClaims>();

  constructor(
    private readonly registry: AuthUserTokenRepository,
    private readonly signingKeys: SigningKeysService,
    private readonly publicUrl: PublicUrl,
    @Inject(HANDOFF_CONFIG) private readonly config: HandoffConfig,
  ) {}

  /**
   * Signs a JWT for the user and records its SHA-256 and jti. The caller has checked that the
   * user exists and is enabled.
   */
  async issue(userId: number, options: { ttlSeconds?: number; audience?: string } = {}): Promise<IssuedAccessToken> {
    return this.record(await this.sign(userId, options));
  }

  /**
   * The first half of `issue`: a signed JWT that is not valid yet, since only a registry row
   * makes it so. Split out for callers that record it inside a transaction of their own, which
   * must not wait for a connection (the signing key may have to be read).
   */
  async sign(userId: number, options: { ttlSeconds?: number; audience?: string } = {}): Promise<SignedAccessToken> {
    const ttl = options.ttlSeconds ?? this.config.tokens.defaultTtlSeconds;
    if (ttl > this.config.tokens.maxTtlSeconds) {
      throw new AppError('VALIDATION_ERROR', `ttl: must not exceed ${this.config.tokens.maxTtlSeconds} seconds`, {
        field: 'ttl',
      });
    }
    const { kid, algorithm, privateKey } = await this.signingKeys.signingKey();
    const issuedAt = Math.floor(Date.now() / 1000);
    const jti = randomUUID();
    const accessToken = await new SignJWT({})
      .setProtectedHeader({ alg: algorithm, kid, typ: 'JWT' })
      .setIssuer(this.publicUrl.origin)
      .setSubject(String(userId))
      .setAudience(options.audience ?? this.config.tokens.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttl)
      .setJti(jti)
      .sign(privateKey);
    return { accessToken, userId, jti, ttlSeconds: ttl, expiresAt: new Date((issuedAt + ttl) * 1000) };
  }

  /** The second half: the registry row that makes a signed token valid, in `manager`'s transaction if given. */
  async record(signed: SignedAccessToken, manager?: EntityManager): Promise<IssuedAccessToken> {
    const tokenId = await this.registry.insert(
      { userId: signed.userId, tokenHash: sha256Hex(signed.accessToken), jti: signed.jti, expiresAt: signed.expiresAt },
      manager,
    );
    return {
      accessToken: signed.accessToken,
      tokenType: 'Bearer',
      expiresIn: signed.ttlSeconds,
      expiresAt: signed.expiresAt.toISOString(),
      tokenId,
    };
  }

  /**
   * Accepts a Handoff JWT only if its signature, issuer, audience (one of `audiences`) and
   * lifetime are right AND its registry row — found by the token's hash and jti — exists and is
   * enabled. Every refusal is the same TOKEN_INVALID. A registry that cannot be read throws the
   * database error (answered 503): never "accepted because nothing said it was disabled".
   */
  async verify(token: string, audiences: readonly string[] = [this.config.tokens.audience]): Promise<VerifiedAccessToken> {
    const claims = await this.verifyClaims(token, audiences);
    return { ...claims, tokenId: await this.registeredTokenId(claims) };
  }

  /**
   * The first half of `verify`: signature, issuer, audience and lifetime, without the registry.
   * Never enough on its own to accept a token; split out so that a caller can read the registry
   * and its own tables at the same time.
   */
  async verifyClaims(token: string, audiences: readonly string[] = [this.config.tokens.audience]): Promise<ClaimsWithHash> {
    const known = await this.verifiedBefore(token, audiences);
    if (known) return known;
    if (token.length > MAX_TOKEN_LENGTH) throw invalidToken('ERR_TOO_LONG');
    const claims = await this.verifySignatureAndClaims(token, audiences);
    const tokenHash = sha256Hex(token);
    this.verified.set(tokenHash, claims, claims.expiresAt * 1000);
    return withHash(claims, tokenHash);
  }

  /**
   * What `verifyClaims` answered for this token before, while it still holds (the token has not
   * expired, its key is still in force); undefined otherwise. Nothing is decoded: a caller tries
   * this before decoding a token to learn its issuer (issue 11: ~4 µs a request).
   */
  async verifiedBefore(token: string, audiences: readonly string[] = [this.config.tokens.audience]): Promise<ClaimsWithHash | undefined> {
    if (token.length > MAX_TOKEN_LENGTH) return undefined;
    const tokenHash = sha256Hex(token);
    const claims = await this.cachedClaims(tokenHash, audiences);
    return claims && withHash(claims, tokenHash);
  }

  /** The second half: the token's registry row, by hash and jti, must exist and be enabled. */
  async registeredTokenId(claims: RegistryClaims): Promise<number> {
    const row = await this.registry.findEnabledByHashAndJti(claims.tokenHash, claims.jti);
    if (!row || row.userId !== claims.userId) throw invalidToken('ERR_NOT_IN_REGISTRY');
    return row.id;
  }

  /**
   * The token's enabled registry row and its user (null when disabled or gone), read in one
   * statement: what authentication needs on every request. Judge it with registeredFrom.
   */
  registeredRow(claims: RegistryClaims): Promise<RegisteredTokenRow | null> {
    return this.registry.findEnabledWithActiveUser(claims.tokenHash, claims.jti);
  }

  /** The registry row (null: none enabled) of these claims, or TOKEN_INVALID. */
  registeredFrom(claims: RegistryClaims, row: RegisteredTokenRow | null): { tokenId: number; user: ActiveUser | null } {
    if (!row || row.userId !== claims.userId) throw invalidToken('ERR_NOT_IN_REGISTRY');
    return { tokenId: row.id, user: row.user };
  }

  /** Claims verified earlier, if still good for these audiences and the key still published. */
  private async cachedClaims(tokenHash: string, audiences: readonly string[]): Promise<VerifiedClaims | undefined> {
    const claims = this.verified.get(tokenHash);
    if (!claims || !claims.audience.some((value) => audiences.includes(value))) return undefined;
    return (await this.signingKeys.verificationKey(claims.kid)) ? claims : undefined;
  }

  async list(userId: number): Promise<AccessTokenDto[]> {
    return (await this.registry.listByUser(userId)).map(toDto);
  }

  /** Disables every token of the user; returns how many were enabled. */
  revokeAll(userId: number, manager?: EntityManager): Promise<number> {
    return this.registry.disableAllForUser(userId, manager);
  }

  /** Disables one of the user's own tokens (again, if it already was). */
  async revokeOwn(userId: number, tokenId: number): Promise<void> {
    if (!(await this.registry.disableOwned(tokenId, userId))) throw new AppError('NOT_FOUND', 'No such token of yours');
  }

  /**
   * RFC 7009: disables the token if Handoff issued it for one of `audiences`; anything else
   * (unknown, garbage, another audience) changes nothing and is not an error.
   */
  async revokeToken(token: string, audiences: readonly string[]): Promise<void> {
    if (token.length > MAX_TOKEN_LENGTH) return;
    const row = await this.registry.findByHash(sha256Hex(token));
    if (!row) return;
    // The hash matched a token Handoff issued, so its claims can be read without re-verifying.
    const audience = [decodeJwt(token).aud ?? []].flat();
    if (audience.some((value) => audiences.includes(value))) await this.registry.disableById(row.id);
  }

  private async verifySignatureAndClaims(token: string, audiences: readonly string[]): Promise<VerifiedClaims> {
    if (!COMPACT_JWS.test(token)) throw invalidToken('ERR_NOT_A_JWS');
    const kid = headerKid(token);
    // Outside the try below (issue 12): a key set that cannot be read is the database's failure
    // (503), not the token's; taken as "invalid" it signed users out during an outage.
    const key = kid === undefined ? undefined : await this.signingKeys.verificationKey(kid);
    if (!key || kid === undefined) throw invalidToken('ERR_UNKNOWN_KID');
    try {
      const { payload } = await jwtVerify(token, key.key, {
        issuer: this.publicUrl.origin,
        audience: [...audiences],
        // Only the key's own algorithm: no `none`, no HMAC with the public key as secret.
        algorithms: [key.algorithm],
        requiredClaims: ['sub', 'jti', 'iat', 'exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        // With a maximum age jose also refuses an `iat` in the future (beyond the tolerance).
        maxTokenAge: this.config.tokens.maxTtlSeconds,
      });
      const userId = Number(payload.sub);
      if (!Number.isSafeInteger(userId) || userId <= 0 || String(userId) !== payload.sub) throw invalidToken('ERR_SUBJECT');
      return {
        kid,
        userId,
        jti: String(payload.jti),
        issuedAt: payload.iat!,
        expiresAt: payload.exp!,
        audience: [payload.aud ?? []].flat(),
      };
    } catch (error) {
      if (error instanceof AppError) throw error;
      // jose's own errors (signature, claims, format) and any malformed input: one answer. Only
      // the error code is kept for the log: jose's errors carry the token's claims.
      throw invalidToken((error as { code?: string }).code ?? 'ERR_MALFORMED');
    }
  }
}

/** The `kid` of a compact JWS header, unverified; undefined when there is none or it is garbage. */
function headerKid(token: string): string | undefined {
  try {
    const { kid } = decodeProtectedHeader(token);
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}

export function invalidToken(reason?: string): AppError {
  return new AppError('TOKEN_INVALID', 'Access token is invalid or expired', {
    cause: reason,
    headers: { 'www-authenticate': 'Bearer realm="handoff", error="invalid_token"' },
  });
}

function toDto(row: AuthUserToken): AccessTokenDto {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    disabled: row.disabled !== false,
  };
}
