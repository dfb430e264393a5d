/**
 * Handoff embedded in a NestJS + TypeORM app (SPEC §10). The client SDK is `nestjs-handoff/sdk`,
 * the CLI the package's `handoff` command.
 */
export {
  HandoffModule,
  type HandoffModuleAsyncOptions,
  type HandoffModuleOptions,
  type HandoffRuntimeOptions,
  type HandoffStaticOptions,
} from './handoff.module.js';
export { HandoffService } from './handoff.service.js';
export { handoffEntities } from './database/entities.js';
export { handoffMigrations } from './database/migrations/index.js';
export { createDataSource as createHandoffDataSource, HandoffDataSource } from './database/data-source.js';
export type { HostTablesOptions } from './database/host-tables.js';
export type { HostAuthentication, HostRequest } from './access-tokens/host-authentication.js';
export { AppError as HandoffServiceError } from './common/errors/app-error.js';
export { type ErrorCode as HandoffErrorCode } from './common/errors/error-codes.js';
export { embeddedDatabase, parseDatabaseUrl } from './config/database-url.js';
export { corsOptionsFor as handoffCorsOptions } from './common/cors.js';
export { applyDialectColumns } from './database/dialect-columns.js';
