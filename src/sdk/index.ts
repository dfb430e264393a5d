/**
 * Handoff's client SDK: no dependency beyond `fetch`, `AbortController` and `setTimeout`, so it
 * runs in Node 20 and in browsers. It imports nothing outside this folder (a test walks the
 * compiled import graph).
 */
export { TargetClient, type TargetClientOptions } from './target-client.js';
export { SourceClient, type SourceClientOptions } from './source-client.js';
export { QrLoginClient, type QrLoginClientOptions, type PollOptions } from './qr-login-client.js';
export {
  CLIENT_ERROR_CODES,
  type ClientErrorCode,
  HandoffError,
  type HandoffErrorCode,
  type HandoffErrorDetails,
  isHandoffError,
  SERVER_ERROR_CODES,
  type ServerErrorCode,
} from './errors.js';
export type { FetchLike } from './transport.js';
export type { UserTokenOptions } from './user-token.js';
export type * from './types.js';
