import { type ArgumentMetadata, StandardSchemaValidationPipe } from '@nestjs/common';
import { z } from 'zod';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { AppError } from './errors/app-error.js';

/**
 * Validates every `@Body({ schema })`, `@Query({ schema })`… with its zod schema (Nest's Standard
 * Schema pipe) and turns the first problem into `400 VALIDATION_ERROR` naming the field.
 */
export function validationPipe(): StandardSchemaValidationPipe {
  return new NamedValidationPipe({ exceptionFactory: (issues) => new IssuesError(issues) });
}

/** Carries the issues out of the pipe's factory, which is not told which argument failed. */
class IssuesError extends Error {
  constructor(readonly issues: readonly StandardSchemaV1.Issue[]) {
    super('validation failed');
  }
}

/**
 * A path or query parameter validated alone (`@Param('id', { schema })`) has issues without a
 * path: the parameter's name is put in front, so that the error names it (issue 12).
 */
class NamedValidationPipe extends StandardSchemaValidationPipe {
  override async transform<T = unknown>(value: T, metadata: ArgumentMetadata): Promise<T> {
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (!(error instanceof IssuesError)) throw error;
      const scalar = metadata.data && (metadata.type === 'param' || metadata.type === 'query');
      throw toValidationError(scalar ? error.issues.map((issue) => ({ ...issue, path: [metadata.data!, ...(issue.path ?? [])] })) : error.issues);
    }
  }
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
