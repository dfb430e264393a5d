import { StandardSchemaValidationPipe } from '@nestjs/common';
import { z } from 'zod';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { AppError } from './errors/app-error.js';

/**
 * Validates every `@Body({ schema })`, `@Query({ schema })`… with its zod schema (Nest's Standard
 * Schema pipe) and turns the first problem into `400 VALIDATION_ERROR` naming the field.
 */
export function validationPipe(): StandardSchemaValidationPipe {
  return new StandardSchemaValidationPipe({ exceptionFactory: toValidationError });
}

export function toValidationError(issues: readonly StandardSchemaV1.Issue[]): AppError {
  const [first] = issues;
  // zod reports an unknown field on the object that holds it: name the field itself.
  const unknownKey = first && 'keys' in first && Array.isArray(first.keys) ? [String(first.keys[0])] : [];
  const field = [...(first?.path ?? []), ...unknownKey]
    .map((segment) => String(typeof segment === 'object' ? segment.key : segment))
    .join('.');
  if (!field) return new AppError('VALIDATION_ERROR', 'Request must be a JSON object (or a form) with the documented fields');
  return new AppError('VALIDATION_ERROR', `${field}: ${first?.message ?? 'invalid'}`, { field });
}

/** A row id in a JSON body: a positive 32-bit integer (every id column is INTEGER / INT). */
export const idSchema = z.number().int().positive().max(2_147_483_647);

/** The same id in a URL path segment. */
export const idParamSchema = z.coerce.number().int().positive().max(2_147_483_647);
