import { z } from 'zod';
import { appNameSchema } from '../target-apps/target-apps.schemas.js';

/** A device code or exchange token: 32 random bytes as 64 lowercase hex characters. */
const opaqueTokenSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters');

/** As typed: case, dashes and spaces do not matter; the service checks the letters. */
const userCodeSchema = z.string().min(1).max(32);

export const UserCodeQuerySchema = z.object({ user_code: userCodeSchema });

export const DecisionSchema = z.strictObject({
  user_code: userCodeSchema,
  decision: z.enum(['approve', 'deny']),
});
export type DecisionDto = z.infer<typeof DecisionSchema>;

export const PollSchema = z.strictObject({ device_code: opaqueTokenSchema });
export const ExchangeSchema = z.strictObject({ exchange_token: opaqueTokenSchema });

export const QrImageQuerySchema = z.object({ session_id: z.uuid() });

/**
 * RFC 8628 §3.1 (device authorization) and §3.4 (token) requests, form-encoded. Unknown
 * parameters are ignored, as RFC 6749 §3.2 requires; a parameter sent twice arrives as an array
 * and is refused.
 */
export const DeviceAuthorizationRequestSchema = z.object({
  client_id: appNameSchema.optional(),
  client_secret: z.string().max(200).optional(),
  scope: z.string().max(1000).optional(),
});
export type DeviceAuthorizationRequestDto = z.infer<typeof DeviceAuthorizationRequestSchema>;

export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

export const TokenRequestSchema = z.object({
  grant_type: z.string().min(1).max(200),
  device_code: opaqueTokenSchema.optional(),
  client_id: appNameSchema.optional(),
  client_secret: z.string().max(200).optional(),
});
export type TokenRequestDto = z.infer<typeof TokenRequestSchema>;

export const CreatedLoginRequestSchema = z.object({
  session_id: z.uuid(),
  device_code: opaqueTokenSchema,
  user_code: z.string(),
  verification_uri: z.url(),
  verification_uri_complete: z.url(),
  qr_svg_url: z.url(),
  expires_in: z.number().int(),
  interval: z.number().int(),
});
export type CreatedLoginRequestDto = z.infer<typeof CreatedLoginRequestSchema>;

export const DeviceAuthorizationSchema = CreatedLoginRequestSchema.omit({ session_id: true });
export type DeviceAuthorizationDto = z.infer<typeof DeviceAuthorizationSchema>;

export const PendingLoginRequestSchema = z.object({
  user_code: z.string(),
  status: z.literal('pending'),
  client_id: z.string().nullable(),
  browser: z.string().nullable().describe('e.g. "Chrome 131 on Linux", from the user agent'),
  user_agent: z.string().nullable(),
  ip_address: z.string().nullable(),
  requested_at: z.iso.datetime(),
  expires_at: z.iso.datetime(),
});
export type PendingLoginRequestDto = z.infer<typeof PendingLoginRequestSchema>;

export const PollResultSchema = z.union([
  z.object({ status: z.enum(['pending', 'slow_down']), interval: z.number().int() }),
  z.object({ status: z.literal('approved'), exchange_token: opaqueTokenSchema, expires_in: z.number().int() }),
  z.object({ status: z.enum(['already_issued', 'denied', 'expired']) }),
]);
export type PollResultDto = z.infer<typeof PollResultSchema>;

export const ExchangedTokenSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
});
export type ExchangedTokenDto = z.infer<typeof ExchangedTokenSchema>;
