import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type AuthenticatedUser, AuthenticationService } from './authentication.service.js';

type RequestWithUser = FastifyRequest & { user?: AuthenticatedUser };

/** The one guard of every user-facing endpoint: a valid user JWT, or 401. */
@Injectable()
export class UserAuthGuard implements CanActivate {
  constructor(private readonly authentication: AuthenticationService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithUser>();
    request.user = await this.authentication.authenticate(request.headers.authorization);
    return true;
  }
}

/** The user the UserAuthGuard authenticated. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedUser => {
  const user = context.switchToHttp().getRequest<RequestWithUser>().user;
  if (!user) throw new Error('CurrentUser used on a route without UserAuthGuard');
  return user;
});
