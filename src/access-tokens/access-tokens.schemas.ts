import { z } from 'zod';

/**
 * RFC 7009 / RFC 7662 request parameters (form-encoded). Unknown parameters are ignored, as the
 * RFCs require; a parameter sent twice arrives as an array and is refused.
 */
export const OAuthTokenRequestSchema = z.object({
  token: z.string().min(1).max(8192),
  token_type_hint: z.string().max(64).optional(),
  client_id: z.string().max(200).optional(),
  client_secret: z.string().max(200).optional(),
});
export type OAuthTokenRequestDto = z.infer<typeof OAuthTokenRequestSchema>;
