import { z } from 'zod';
import { idSchema } from '../common/validation.js';
import { emailSchema } from '../directory/directory.schemas.js';
import { appNameSchema } from '../target-apps/target-apps.schemas.js';

export const TokenIssueSchema = z
  .strictObject({
    user_id: idSchema.optional(),
    email: emailSchema.optional(),
    ttl: z.number().int().min(60).optional(),
    /** Handoff's own audience by default; a target app's name for a token meant for that app. */
    audience: appNameSchema.optional(),
  })
  .refine((body) => (body.user_id === undefined) !== (body.email === undefined), {
    error: 'give exactly one of user_id and email',
    path: ['user_id'],
  });
export type TokenIssueDto = z.infer<typeof TokenIssueSchema>;
