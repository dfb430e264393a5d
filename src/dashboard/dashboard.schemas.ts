import { z } from 'zod';
import { appNameSchema } from '../target-apps/target-apps.schemas.js';

export const SESSION_STATES = ['active', 'used', 'revoked', 'expired'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

export const SessionSearchSchema = z.strictObject({
  /** Part of the user's email, any case. */
  email: z.string().trim().min(1).max(254).optional(),
  app: appNameSchema.optional(),
  state: z.enum(SESSION_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type SessionSearchDto = z.infer<typeof SessionSearchSchema>;

/** A session as operators see it: never its token or the token's hash. */
export const SessionSummarySchema = z.object({
  id: z.number().int(),
  user_id: z.number().int(),
  email: z.string(),
  account_id: z.number().int().nullable(),
  source_app: z.string().nullable(),
  target_app: z.string().nullable(),
  state: z.enum(SESSION_STATES),
  created_at: z.string().nullable(),
  expires_at: z.string(),
  used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  ip_address: z.string().nullable(),
  user_agent: z.string().nullable(),
});
export type SessionSummaryDto = z.infer<typeof SessionSummarySchema>;
export const SessionListSchema = z.object({ sessions: z.array(SessionSummarySchema) });

export const OverviewSchema = z.object({
  /** Neither expired nor revoked, by the database's clock. */
  active_sessions: z.number().int(),
  /** Successful validations (sessions consumed) in the last 60 seconds, every instance. */
  validations_last_minute: z.number().int(),
  /** Requests this instance refused for a rate limit since it started. */
  rate_limit_refusals: z.number().int(),
  last_cleanup: z
    .object({ started_at: z.string(), finished_at: z.string().nullable(), outcome: z.string().nullable(), summary: z.unknown() })
    .nullable(),
});
export type OverviewDto = z.infer<typeof OverviewSchema>;

export const AccessTokenSchema = z.object({
  id: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
  expires_at: z.string().nullable(),
  disabled: z.boolean(),
});
export const AccessTokenListSchema = z.object({ tokens: z.array(AccessTokenSchema) });
