import { type CanActivate, createParamDecorator, type ExecutionContext, Inject, Injectable, Optional, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { type AuthenticatedUser, AuthenticationService, type Caller, isUnconfirmed } from './authentication.service.js';
import { AppError } from '../common/errors/app-error.js';
import { PublicUrl } from '../config/public-url.js';
import { HOST_AUTHENTICATION, type HostAuthentication, type HostRequest } from './host-authentication.js';

type RequestWithUser = FastifyRequest & { user?: Caller };

const REGISTRY_READ_BY_ROUTE = Symbol('registryReadByRoute');

/**
 * On a route whose own statement reads the caller's registry row and user in the same round trip
 * (AuthenticationService.registrySql): the guard verifies the token and leaves that read to it.
 * The route takes `@CurrentCaller()` and must confirm the caller before it answers anything else.
 */
export const RegistryReadByRoute = () => SetMetadata(REGISTRY_READ_BY_ROUTE, true);

/** The one guard of every user-facing endpoint: a valid user JWT, or 401. */
@Injectable()
export class UserAuthGuard implements CanActivate {
  constructor(
    private readonly authentication: AuthenticationService,
    private readonly publicUrl: PublicUrl,
    private readonly reflector: Reflector,
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
      request.user = this.reflector.get<boolean | undefined>(REGISTRY_READ_BY_ROUTE, context.getHandler())
        ? await this.authentication.authenticateDeferred(authorization)
        : await this.authentication.authenticate(authorization);
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
  if (!user || isUnconfirmed(user)) throw new Error('CurrentUser used on a route without UserAuthGuard, or with RegistryReadByRoute');
  return user;
});

/** On a RegistryReadByRoute route: the caller the UserAuthGuard let through, perhaps unconfirmed. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const caller = context.switchToHttp().getRequest<RequestWithUser>().user;
  if (!caller) throw new Error('CurrentCaller used on a route without UserAuthGuard');
  return caller;
});
