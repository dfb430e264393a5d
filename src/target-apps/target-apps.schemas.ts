import { z } from 'zod';

/** Same length as `cross_app_sessions.target_app`, which stores it. */
export const appNameSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/, 'lowercase letters, digits and dashes, 1 to 50');

/** An origin a callback may point to: scheme, host and port only. */
export const originSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .refine((value) => {
    const url = new URL(value);
    return (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash && !url.username;
  }, 'must be an origin, like https://app.example.com')
  .transform((value) => new URL(value).origin);

export const TargetAppCreateSchema = z.strictObject({
  name: appNameSchema,
  origins: z.array(originSchema).max(20).default([]),
  /** A public OAuth client (no secret): device grant only. */
  public: z.boolean().default(false),
});
export type TargetAppCreateDto = z.infer<typeof TargetAppCreateSchema>;

export interface TargetAppDto {
  id: number;
  name: string;
  allowedOrigins: string[];
  createdAt: string;
  publicClient: boolean;
  activeSecrets: number;
}

export interface TargetAppWithSecretDto {
  app: TargetAppDto;
  /** Shown once; only its SHA-256 is kept. */
  secret: string;
}

/** A new app with its first secret; a public client has none. */
export type RegisteredTargetAppDto = Omit<TargetAppWithSecretDto, 'secret'> & { secret: string | null };
