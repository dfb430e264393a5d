/** How a client that acts for a signed-in user gets that user's Handoff access token (JWT). */
export interface UserTokenOptions {
  /** A fixed token… */
  readonly accessToken?: string;
  /** …or a function asked before every call (e.g. one that refreshes it). */
  readonly getAccessToken?: () => string | Promise<string>;
}

/** The `Authorization` header of a user call; a TypeError when the client was given no token. */
export async function userAuthorization(options: UserTokenOptions, method: string): Promise<Record<string, string>> {
  const token = options.getAccessToken ? await options.getAccessToken() : options.accessToken;
  if (!token) throw new TypeError(`${method} acts for a user: pass accessToken or getAccessToken`);
  return { authorization: `Bearer ${token}` };
}
