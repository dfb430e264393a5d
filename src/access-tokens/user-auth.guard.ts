import { type CanActivate, createParamDecorator, type ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type AuthenticatedUser, AuthenticationService } from './authentication.service.js';
import { HOST_AUTHENTICATION, type HostAuthentication, type HostRequest } from './host-authentication.js';

type RequestWithUser = FastifyRequest & { user?: AuthenticatedUser };

/** The one guard of every user-facing endpoint: a valid user JWT, or 401. */
@Injectable()
export class UserAuthGuard implements CanActivate {
  constructor(
    private readonly authentication: AuthenticationService,
    @Optional() @Inject(HOST_AUTHENTICATION) private readonly hostAuthentication: HostAuthentication | null = null,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithUser>();
    const { authorization } = request.headers;
    request.user =
      !authorization && this.hostAuthentication
        ? await this.authentication.authenticateHostUser(await this.hostAuthentication(request as unknown as HostRequest))
        : await this.authentication.authenticate(authorization);
    return true;
  }
}

/** The user the UserAuthGuard authenticated. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedUser => {
  const user = context.switchToHttp().getRequest<RequestWithUser>().user;
  if (!user) throw new Error('CurrentUser used on a route without UserAuthGuard');
  return user;
});
