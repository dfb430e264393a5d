import { type CanActivate, createParamDecorator, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type AuthenticatedUser, AuthenticationService } from '../access-tokens/authentication.service.js';
import { HANDOFF_CONFIG, type HandoffConfig } from '../config/config.js';
import { isAdminCredential } from './admin.guard.js';

/** Who called an endpoint open to users (for their own things) and to operators (for anyone's). */
export type Actor = { kind: 'admin' } | { kind: 'user'; user: AuthenticatedUser };

type RequestWithActor = FastifyRequest & { actor?: Actor };

/** The admin token, or else a valid user JWT. */
@Injectable()
export class UserOrAdminGuard implements CanActivate {
  constructor(
    private readonly authentication: AuthenticationService,
    @Inject(HANDOFF_CONFIG) private readonly config: HandoffConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithActor>();
    const authorization = request.headers.authorization;
    request.actor = isAdminCredential(this.config, authorization)
      ? { kind: 'admin' }
      : { kind: 'user', user: await this.authentication.authenticate(authorization) };
    return true;
  }
}

export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<RequestWithActor>().actor;
  if (!actor) throw new Error('CurrentActor used on a route without UserOrAdminGuard');
  return actor;
});
