import { createRemoteJWKSet, decodeJwt, errors, type JWTPayload, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { CLOCK_TOLERANCE_SECONDS } from '../common/credentials.js';
import { AppError } from '../common/errors/app-error.js';
import { Inject, Injectable } from '../common/injection.js';
import { type ExternalIssuerConfig, HANDOFF_CONFIG, type HandoffConfig } from '../config/config.js';
import type { ExternalIdentity } from '../directory/directory.service.js';
import { emailSchema, personNameSchema } from '../directory/directory.schemas.js';
import { invalidToken } from './access-tokens.service.js';

const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

const identityClaims = z.object({
  // No control characters: a NUL byte cannot be stored by PostgreSQL and answered 500 (issue 12).
  sub: z.string().min(1).max(255).regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters'),
  email: emailSchema,
  // An address the issuer says it has not verified could be anyone's: memberships are granted
  // by email. (Absent is accepted: source apps signing their own tokens seldom send it.)
  email_verified: z.literal(true).optional(),
  name: personNameSchema.optional().catch(undefined),
});

interface Verifier {
  readonly config: ExternalIssuerConfig;
  readonly key: JWTVerifyGetKey | Uint8Array;
  readonly algorithms: string[];
}

/**
 * JWTs of configured external issuers (another identity provider, or a source app that signs its
 * own tokens). Each issuer is pinned to its `iss`, `aud` and key source: a JWKS URL (asymmetric
 * algorithms only) or a shared HS256 secret.
 */
@Injectable()
export class ExternalIssuersService {
  private readonly verifiers: ReadonlyMap<string, Verifier>;

  constructor(@Inject(HANDOFF_CONFIG) config: HandoffConfig) {
    this.verifiers = new Map(config.externalIssuers.map((issuer) => [issuer.issuer, toVerifier(issuer)]));
  }

  /** True if `issuer` is a configured external issuer. */
  handles(issuer: string): boolean {
    return this.verifiers.has(issuer);
  }

  /** Verifies the token against its issuer and returns who it speaks for. */
  async verify(token: string): Promise<ExternalIdentity> {
    let payload: JWTPayload;
    let verifier: Verifier | undefined;
    try {
      verifier = this.verifiers.get(String(decodeJwt(token).iss));
      if (!verifier) throw invalidToken('ERR_UNKNOWN_ISSUER');
      ({ payload } = await jwtVerify(token, verifier.key as JWTVerifyGetKey, {
        issuer: verifier.config.issuer,
        audience: verifier.config.audience,
        algorithms: verifier.algorithms,
        requiredClaims: ['sub', 'exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof errors.JWKSTimeout || isFetchFailure(error)) {
        throw new AppError('ISSUER_UNAVAILABLE', 'The token issuer cannot be reached to verify the token', {
          cause: (error as Error).message,
        });
      }
      throw invalidToken((error as { code?: string }).code ?? 'ERR_MALFORMED');
    }
    // jose checks `iat` only together with a maximum age, which would make it required.
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS) {
      throw invalidToken('ERR_IAT_IN_FUTURE');
    }
    const claims = identityClaims.safeParse(payload);
    if (!claims.success) throw invalidToken('ERR_IDENTITY_CLAIMS');
    return {
      issuer: verifier.config.issuer,
      subject: claims.data.sub,
      email: claims.data.email,
      name: claims.data.name ?? null,
    };
  }
}

function toVerifier(config: ExternalIssuerConfig): Verifier {
  if (config.secret) {
    return { config, key: new TextEncoder().encode(config.secret), algorithms: ['HS256'] };
  }
  return {
    config,
    key: createRemoteJWKSet(new URL(config.jwksUri!), { timeoutDuration: 5_000, cooldownDuration: 30_000 }),
    algorithms: ASYMMETRIC_ALGORITHMS,
  };
}

/** The issuer's JWKS could not be fetched or read (as opposed to a token that does not verify). */
function isFetchFailure(error: unknown): boolean {
  if (error instanceof TypeError) return /fetch failed/i.test(error.message);
  return (
    error instanceof errors.JWKSInvalid ||
    (error instanceof errors.JOSEError && /JSON Web Key Set HTTP response/i.test(error.message))
  );
}
