import { applyDecorators, UseFilters, UsePipes } from '@nestjs/common';
import { ErrorResponseFilter } from './errors/error-response.filter.js';
import { validationPipe } from './validation.js';

/**
 * On every Handoff controller: its error shape (SPEC §8) and its validation, whatever global
 * filters and pipes the application has. A host that embeds Handoff keeps its own globals for its
 * own routes; Handoff's routes answer the same as in the standalone service.
 */
export function HandoffRoutes(): ClassDecorator {
  return applyDecorators(UseFilters(ErrorResponseFilter), UsePipes(validationPipe()));
}
