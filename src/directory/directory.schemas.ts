import { z } from 'zod';

/** Emails are compared and stored lower-cased. */
export const emailSchema = z.string().trim().toLowerCase().pipe(z.email().max(255));
// Control characters (NUL above all, which PostgreSQL cannot store) have no place in a name.
export const personNameSchema = z.string().trim().min(1).max(255).regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');
export const accountSlugSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$/, 'lowercase letters, digits and dashes, 1 to 100');
export const roleSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,49}$/, 'a lowercase role name, 1 to 50 characters');

export const UserCreateSchema = z.strictObject({ email: emailSchema, name: personNameSchema.optional() });
export type UserCreateDto = z.infer<typeof UserCreateSchema>;

export const AccountCreateSchema = z.strictObject({ name: personNameSchema, slug: accountSlugSchema });
export type AccountCreateDto = z.infer<typeof AccountCreateSchema>;

export const MembershipSetSchema = z.strictObject({ email: emailSchema, role: roleSchema });
export type MembershipSetDto = z.infer<typeof MembershipSetSchema>;

export interface UserDto {
  id: number;
  email: string;
  name: string | null;
  createdAt: string;
  disabledAt: string | null;
  externalIssuer: string | null;
}

export interface AccountDto {
  id: number;
  name: string;
  slug: string;
  createdAt: string;
}

export interface MembershipDto {
  accountId: number;
  accountSlug: string;
  userId: number;
  email: string;
  role: string;
}

export const resourceIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'letters, digits and . _ : -, 1 to 100 characters');

/** One of the user's accounts, as target apps see it. */
export interface UserAccountDto {
  id: number;
  name: string;
  slug: string;
  role: string;
  permissions: string[];
}

/** What the rest of Handoff needs to know about a signed-in user. */
export interface ActiveUser {
  id: number;
  email: string;
  name: string | null;
}
