import { z } from 'zod';
import { idSchema } from '../common/validation.js';
import { resourceIdSchema } from '../directory/directory.schemas.js';
import { appNameSchema } from '../target-apps/target-apps.schemas.js';

/** A handoff token: 32 random bytes as 64 lowercase hex characters. */
export const sessionTokenSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters');

export const permissionSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/, 'a permission name: letters, digits and _ . : -, up to 100');

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

export const GenerateSessionSchema = z.strictObject({
  account_id: idSchema.nullable().optional(),
  target_app: appNameSchema.optional(),
  callback_url: z
    .string()
    .max(2048)
    // Parsers disagree on these (WHATWG reads `\` as `/`, others do not; user info hides the
    // host behind an `@`): what one checks is not what another redirects to (issue 12).
    .refine((value) => !/[\\\u0000-\u0020\u007f]/.test(value), 'must not contain backslashes, spaces or control characters')
    .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }))
    // (Checks after a failed one still run in zod: each parses defensively.)
    .refine((value) => {
      const url = parseUrl(value);
      return url === null || (url.username === '' && url.password === '');
    }, 'must not contain user info (user:password@)')
    // The WHATWG form, which the origin was checked on: the source app should redirect to this one.
    .transform((value) => parseUrl(value)?.href ?? value)
    .optional(),
});
export type GenerateSessionDto = z.infer<typeof GenerateSessionSchema>;

export const ValidateSessionSchema = z.strictObject({ session_token: sessionTokenSchema });
export type ValidateSessionDto = z.infer<typeof ValidateSessionSchema>;

export const ValidatePermissionSchema = z.strictObject({
  session_token: sessionTokenSchema,
  permission: permissionSchema,
  resource_id: z.union([resourceIdSchema, z.number().int().nonnegative().transform(String)]).optional(),
});
export type ValidatePermissionDto = z.infer<typeof ValidatePermissionSchema>;

export const UserAccountsQuerySchema = z.object({ session_token: sessionTokenSchema.optional() });

export const RevokeSessionSchema = z.union([
  z.strictObject({ session_token: sessionTokenSchema }),
  z.strictObject({ session_id: idSchema }),
  z.strictObject({ all: z.literal(true), user_id: idSchema.optional() }),
]);
export type RevokeSessionDto = z.infer<typeof RevokeSessionSchema>;

export const SessionListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const GeneratedSessionSchema = z.object({
  session_token: sessionTokenSchema,
  expires_at: z.iso.datetime(),
  account_id: z.number().int().nullable(),
  target_app: z.string(),
  /** The callback_url as checked (WHATWG-normalised), when one was given: redirect to this one. */
  callback_url: z.string().optional(),
});
export type GeneratedSessionDto = z.infer<typeof GeneratedSessionSchema>;

export const ValidatedSessionSchema = z.object({
  valid: z.literal(true),
  user_id: z.string(),
  email: z.string(),
  name: z.string(),
  account_id: z.number().int().nullable(),
  permissions: z.array(z.string()),
  expires_at: z.iso.datetime(),
});
export type ValidatedSessionDto = z.infer<typeof ValidatedSessionSchema>;

export const UserAccountsSchema = z.object({
  accounts: z.array(
    z.object({ id: z.number().int(), name: z.string(), slug: z.string(), role: z.string(), permissions: z.array(z.string()) }),
  ),
});

export interface SessionSummaryDto {
  id: number;
  source_app: string;
  target_app: string;
  account_id: number | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
  status: 'active' | 'used' | 'expired' | 'revoked';
  user_agent: string | null;
  ip_address: string | null;
}
