import { z } from 'zod';

/**
 * The success bodies of the routes whose services answer TypeScript types rather than zod
 * schemas, for the OpenAPI document (a client generated from it types every answer). Public JSON
 * is snake_case; the admin routes' camelCase DTOs are converted at the edge (SnakeCaseInterceptor).
 */
const timestamp = z.string().describe('ISO 8601, UTC');
const nullableTimestamp = timestamp.nullable();

export const UserSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string().nullable(),
  created_at: timestamp,
  disabled_at: nullableTimestamp,
  external_issuer: z.string().nullable(),
});
export const UserListSchema = z.object({ users: z.array(UserSchema) });
export const TokensDisabledSchema = z.object({ tokens_disabled: z.number().int() });

export const AccountSchema = z.object({ id: z.number().int(), name: z.string(), slug: z.string(), created_at: timestamp });
export const AccountListSchema = z.object({ accounts: z.array(AccountSchema) });
export const MembershipSchema = z.object({
  account_id: z.number().int(),
  account_slug: z.string(),
  user_id: z.number().int(),
  email: z.string(),
  role: z.string(),
});
export const MembershipListSchema = z.object({ members: z.array(MembershipSchema) });
export const ResourceListSchema = z.object({ resources: z.array(z.string()) });
export const AddedSchema = z.object({ added: z.literal(true) });
export const RemovedSchema = z.object({ removed: z.literal(true) });

export const TargetAppSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  allowed_origins: z.array(z.string()),
  created_at: timestamp,
  public_client: z.boolean(),
  active_secrets: z.number().int(),
});
export const TargetAppListSchema = z.object({ apps: z.array(TargetAppSchema) });
export const TargetAppWithSecretSchema = z.object({ app: TargetAppSchema, secret: z.string().describe('Shown once') });
export const RegisteredTargetAppSchema = z.object({
  app: TargetAppSchema,
  secret: z.string().nullable().describe('Shown once; null for a public client'),
});

export const IssuedTokenSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  expires_at: timestamp,
  token_id: z.number().int(),
  user_id: z.number().int(),
});

export const SigningKeySchema = z.object({
  kid: z.string(),
  algorithm: z.string(),
  created_at: timestamp,
  retired_at: nullableTimestamp,
  publish_until: nullableTimestamp,
  status: z.enum(['current', 'published', 'expired']),
});
export const SigningKeyListSchema = z.object({ keys: z.array(SigningKeySchema) });
export const KeyRotatedSchema = z.object({ kid: z.string(), retired: z.array(z.string()) });

export const MeSchema = z.object({ id: z.number().int(), email: z.string(), name: z.string().nullable() });
export const OwnTokenListSchema = z.object({
  tokens: z.array(
    z.object({ id: z.number().int(), created_at: timestamp, updated_at: timestamp, expires_at: nullableTimestamp, disabled: z.boolean() }),
  ),
});
export const RevokedCountSchema = z.object({ revoked: z.number().int() });
export const RevokedOneSchema = z.object({ revoked: z.literal(true) });

export const IntrospectionSchema = z.union([
  z.object({ active: z.literal(false) }),
  z.object({
    active: z.literal(true),
    sub: z.string(),
    username: z.string(),
    exp: z.number().int(),
    iat: z.number().int(),
    jti: z.string(),
    iss: z.string(),
    aud: z.array(z.string()),
    token_type: z.literal('Bearer'),
  }),
]);

export const JwksSchema = z.object({
  keys: z.array(z.looseObject({ kty: z.string(), kid: z.string(), alg: z.string(), use: z.string().optional() })),
});
export const AuthorizationServerMetadataSchema = z.looseObject({
  issuer: z.string(),
  jwks_uri: z.string(),
  introspection_endpoint: z.string(),
  introspection_endpoint_auth_methods_supported: z.array(z.string()),
  revocation_endpoint: z.string(),
  revocation_endpoint_auth_methods_supported: z.array(z.string()),
  device_authorization_endpoint: z.string(),
  token_endpoint: z.string(),
  token_endpoint_auth_methods_supported: z.array(z.string()),
  grant_types_supported: z.array(z.string()),
  response_types_supported: z.array(z.string()),
});

export const LiveSchema = z.object({ status: z.literal('ok') });
export const ReadySchema = z.object({ status: z.literal('ok'), checks: z.object({ database: z.literal('up') }) });

export const OwnSessionListSchema = z.object({
  sessions: z.array(
    z.object({
      id: z.number().int(),
      source_app: z.string(),
      target_app: z.string(),
      account_id: z.number().int().nullable(),
      created_at: timestamp,
      expires_at: timestamp,
      used_at: nullableTimestamp,
      revoked_at: nullableTimestamp,
      status: z.enum(['active', 'used', 'expired', 'revoked']),
      user_agent: z.string().nullable(),
      ip_address: z.string().nullable(),
    }),
  ),
});
