import { type CanActivate, createParamDecorator, type ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type AuthenticatedUser, AuthenticationService } from './authentication.service.js';
import { AppError } from '../common/errors/app-error.js';
import { PublicUrl } from '../config/public-url.js';
import { HOST_AUTHENTICATION, type HostAuthentication, type HostRequest } from './host-authentication.js';

type RequestWithUser = FastifyRequest & { user?: AuthenticatedUser };

/** The one guard of every user-facing endpoint: a valid user JWT, or 401. */
@Injectable()
export class UserAuthGuard implements CanActivate {
  constructor(
    private readonly authentication: AuthenticationService,
    private readonly publicUrl: PublicUrl,
    @Optional() @Inject(HOST_AUTHENTICATION) private readonly hostAuthentication: HostAuthentication | null = null,
  ) {}

  /** Sent by a page of Handoff's (or the host's) own origin: the browser's word, which a page cannot forge. */
  private fromOwnPage(request: FastifyRequest): boolean {
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined) return site === 'same-origin';
    return request.headers.origin === this.publicUrl.origin;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithUser>();
    const { authorization } = request.headers;
    if (authorization || !this.hostAuthentication) {
      request.user = await this.authentication.authenticate(authorization);
      return true;
    }
    // The host's session cookie rides along on any request the browser sends, another site's
    // forms included: a change made with it must come from a page of this origin.
    if (request.method !== 'GET' && request.method !== 'HEAD' && !this.fromOwnPage(request)) {
      throw new AppError('FORBIDDEN', 'A request signed in with the application\'s session must come from its own pages');
    }
    request.user = await this.authentication.authenticateHostUser(await this.hostAuthentication(request as unknown as HostRequest));
    return true;
  }
}

/** The user the UserAuthGuard authenticated. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedUser => {
  const user = context.switchToHttp().getRequest<RequestWithUser>().user;
  if (!user) throw new Error('CurrentUser used on a route without UserAuthGuard');
  return user;
});
