import { SetMetadata } from '@nestjs/common';
import type { ZodType } from 'zod';
import type { ErrorCode } from '../common/errors/error-codes.js';

export const API_DOC_METADATA = 'handoff:api-doc';

export interface ApiDocOptions {
  readonly summary: string;
  readonly description?: string;
  /** The success body, when a schema says it better than prose. */
  readonly response?: ZodType;
  /** Error codes of this route besides those its guards and validation imply. */
  readonly errors?: readonly ErrorCode[];
  /** Request bodies are form-encoded (OAuth endpoints). */
  readonly form?: boolean;
  /** A success body that is not JSON (an image, Prometheus text): its media type and JSON Schema. */
  readonly produces?: { readonly type: string; readonly schema: Record<string, unknown> };
  /** Who may call, when the route checks it itself rather than through a guard (OAuth client auth). */
  readonly security?: ReadonlyArray<Record<string, string[]>>;
}

/** What the OpenAPI document at /docs says about a route that its code cannot tell. */
export const ApiDoc = (options: ApiDocOptions): MethodDecorator => SetMetadata(API_DOC_METADATA, options);

export const NOT_API_METADATA = 'handoff:not-api';

/** Marks a controller that serves pages or files, not the API: the OpenAPI document leaves it out. */
export const NotApi = (): ClassDecorator => SetMetadata(NOT_API_METADATA, true);
