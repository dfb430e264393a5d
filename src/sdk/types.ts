/**
 * Request and answer shapes of Handoff's HTTP API, field names as on the wire. Declared here so
 * that the SDK imports no server code; test/sdk/sdk-contract.test.ts compares them with the
 * server's schemas at compile time, so they cannot drift.
 */

/** `POST /api/cross-app/generate-session` request. */
export interface GenerateSessionInput {
  /** An account the user belongs to (403 ACCOUNT_FORBIDDEN otherwise); null or absent: none. */
  account_id?: number | null;
  /** A registered target app; absent: the server's default (HANDOFF_DEFAULT_TARGET_APP). */
  target_app?: string;
  /** Must be on one of the target app's allowed origins. */
  callback_url?: string;
}

export interface GeneratedSession {
  /** Single-use, 64 hex characters: hand it to the target app, never log it. */
  session_token: string;
  expires_at: string;
  account_id: number | null;
  target_app: string;
}

export interface ValidatedSession {
  valid: true;
  user_id: string;
  email: string;
  /** Falls back to the email. */
  name: string;
  account_id: number | null;
  permissions: string[];
  expires_at: string;
}

export interface UserAccount {
  id: number;
  name: string;
  slug: string;
  role: string;
  permissions: string[];
}

/** RFC 7662 introspection answer: `{ active: false }` for any token that is not good. */
export type Introspection =
  | { active: false }
  | {
      active: true;
      sub: string;
      username: string;
      exp: number;
      iat: number;
      jti: string;
      iss: string;
      aud: string[];
      token_type: 'Bearer';
    };

/** `POST /api/qr-auth/sessions`: a QR sign-in request, for the desktop. */
export interface QrLoginRequest {
  session_id: string;
  /** Secret of this desktop: poll with it, never show it. */
  device_code: string;
  /** What the person sees and the QR carries, e.g. `WDJB-MJHT`. */
  user_code: string;
  verification_uri: string;
  /** What the QR code encodes. */
  verification_uri_complete: string;
  /** The QR image (SVG); `qr.png` beside it gives a PNG. */
  qr_svg_url: string;
  expires_in: number;
  /** Seconds to wait between polls. */
  interval: number;
}

/** `POST /api/qr-auth/poll`. */
export type QrPollResult =
  | { status: 'pending'; interval: number }
  | { status: 'slow_down'; interval: number }
  | { status: 'approved'; exchange_token: string; expires_in: number }
  | { status: 'already_issued' | 'denied' | 'expired' };

/** Where polling ends: approved (with the exchange token), denied, expired, or issued to another poll. */
export type QrPollOutcome = Exclude<QrPollResult, { status: 'pending' | 'slow_down' }>;

/** `GET /api/qr-auth/pending`: what the phone shows before the person decides. */
export interface PendingQrLogin {
  user_code: string;
  status: 'pending';
  client_id: string | null;
  /** e.g. "Chrome 131 on Linux". */
  browser: string | null;
  user_agent: string | null;
  ip_address: string | null;
  requested_at: string;
  expires_at: string;
}

/** `POST /api/qr-auth/exchange`: a Handoff access token (JWT). */
export interface ExchangedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}
