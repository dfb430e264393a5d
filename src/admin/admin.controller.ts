import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards, UseInterceptors } from '@nestjs/common';
import { SnakeCaseInterceptor } from '../common/snake-case.interceptor.js';
import type { IssuedAccessToken } from '../access-tokens/access-tokens.service.js';
import {
  type AccountCreateDto,
  AccountCreateSchema,
  type AccountDto,
  accountSlugSchema,
  emailSchema,
  type MembershipDto,
  type MembershipSetDto,
  MembershipSetSchema,
  resourceIdSchema,
  type UserCreateDto,
  UserCreateSchema,
  type UserDto,
} from '../directory/directory.schemas.js';
import { DirectoryService } from '../directory/directory.service.js';
import { SigningKeysService, type SigningKeyDto } from '../signing-keys/signing-keys.service.js';
import {
  appNameSchema,
  type TargetAppCreateDto,
  TargetAppCreateSchema,
  type TargetAppDto,
  type RegisteredTargetAppDto,
  type TargetAppWithSecretDto,
} from '../target-apps/target-apps.schemas.js';
import { TargetAppsService } from '../target-apps/target-apps.service.js';
import { AdminGuard } from './admin.guard.js';
import { idParamSchema } from '../common/validation.js';
import { type TokenIssueDto, TokenIssueSchema } from './admin.schemas.js';
import { AdminService } from './admin.service.js';
import { HandoffRoutes } from '../common/handoff-routes.decorator.js';
import {
  AccountListSchema,
  AccountSchema,
  AddedSchema,
  IssuedTokenSchema,
  KeyRotatedSchema,
  MembershipListSchema,
  MembershipSchema,
  RegisteredTargetAppSchema,
  RemovedSchema,
  ResourceListSchema,
  SigningKeyListSchema,
  TargetAppListSchema,
  TargetAppSchema,
  TargetAppWithSecretSchema,
  TokensDisabledSchema,
  UserListSchema,
  UserSchema,
} from '../docs/response-schemas.js';
import { ApiDoc } from '../docs/api-doc.decorator.js';

/** The operators' API: the same actions as the `handoff` CLI. */
@HandoffRoutes()
@Controller('api/admin')
@UseGuards(AdminGuard)
@UseInterceptors(SnakeCaseInterceptor)
export class AdminController {
  constructor(
    private readonly admin: AdminService,
    private readonly directory: DirectoryService,
    private readonly targetApps: TargetAppsService,
    private readonly signingKeys: SigningKeysService,
  ) {}

  @Post('tokens')
  @ApiDoc({ summary: 'Issue an access token (JWT) for a user', response: IssuedTokenSchema, errors: ['USER_NOT_FOUND', 'USER_DISABLED', 'TARGET_APP_UNKNOWN'] })
  issueToken(@Body({ schema: TokenIssueSchema }) body: TokenIssueDto): Promise<IssuedAccessToken & { userId: number }> {
    const reference = body.user_id !== undefined ? { id: body.user_id } : { email: body.email! };
    return this.admin.issueToken(reference, { ttlSeconds: body.ttl, audience: body.audience });
  }

  @Post('users')
  @ApiDoc({ summary: 'Create a user (standalone mode)', response: UserSchema, errors: ['USER_EXISTS'] })
  createUser(@Body({ schema: UserCreateSchema }) body: UserCreateDto): Promise<UserDto> {
    return this.directory.createUser(body);
  }

  @Get('users')
  @ApiDoc({ summary: 'Every user', response: UserListSchema })
  async listUsers(): Promise<{ users: UserDto[] }> {
    return { users: await this.directory.listUsers() };
  }

  @Post('users/:id/disable')
  @HttpCode(200)
  @ApiDoc({ summary: 'Disable a user and every token of theirs', response: TokensDisabledSchema, errors: ['USER_NOT_FOUND'] })
  disableUser(@Param('id', { schema: idParamSchema }) id: number): Promise<{ tokensDisabled: number }> {
    return this.admin.disableUser(id);
  }

  @Delete('users/:id')
  @ApiDoc({ summary: 'Delete a user; their tokens are disabled in the same transaction', response: TokensDisabledSchema, errors: ['USER_NOT_FOUND'] })
  deleteUser(@Param('id', { schema: idParamSchema }) id: number): Promise<{ tokensDisabled: number }> {
    return this.admin.deleteUser(id);
  }

  @Post('accounts')
  @ApiDoc({ summary: 'Create an account', response: AccountSchema, errors: ['ACCOUNT_EXISTS'] })
  createAccount(@Body({ schema: AccountCreateSchema }) body: AccountCreateDto): Promise<AccountDto> {
    return this.directory.createAccount(body);
  }

  @Get('accounts')
  @ApiDoc({ summary: 'Every account', response: AccountListSchema })
  async listAccounts(): Promise<{ accounts: AccountDto[] }> {
    return { accounts: await this.directory.listAccounts() };
  }

  @Get('accounts/:slug/members')
  @ApiDoc({ summary: "An account's members and their roles", response: MembershipListSchema, errors: ['ACCOUNT_NOT_FOUND'] })
  async listMembers(@Param('slug', { schema: accountSlugSchema }) slug: string): Promise<{ members: MembershipDto[] }> {
    return { members: await this.directory.listMemberships({ accountSlug: slug }) };
  }

  @Put('accounts/:slug/members')
  @ApiDoc({ summary: "Set a user's role in an account", response: MembershipSchema, errors: ['ACCOUNT_NOT_FOUND', 'USER_NOT_FOUND'] })
  setMember(
    @Param('slug', { schema: accountSlugSchema }) slug: string,
    @Body({ schema: MembershipSetSchema }) body: MembershipSetDto,
  ): Promise<MembershipDto> {
    return this.directory.setMembership(slug, body);
  }

  @Delete('accounts/:slug/members/:email')
  @ApiDoc({ summary: 'Remove a user from an account', response: RemovedSchema, errors: ['ACCOUNT_NOT_FOUND', 'USER_NOT_FOUND', 'NOT_FOUND'] })
  async removeMember(
    @Param('slug', { schema: accountSlugSchema }) slug: string,
    @Param('email', { schema: emailSchema }) email: string,
  ): Promise<{ removed: true }> {
    await this.directory.removeMembership(slug, email);
    return { removed: true };
  }

  @Get('accounts/:slug/resources')
  @ApiDoc({ summary: "An account's resources (for validate-permission's resource_id)", response: ResourceListSchema, errors: ['ACCOUNT_NOT_FOUND'] })
  async listResources(@Param('slug', { schema: accountSlugSchema }) slug: string): Promise<{ resources: string[] }> {
    return { resources: await this.directory.listResources(slug) };
  }

  @Put('accounts/:slug/resources/:resource')
  @ApiDoc({ summary: 'Add a resource to an account', response: AddedSchema, errors: ['ACCOUNT_NOT_FOUND'] })
  async addResource(
    @Param('slug', { schema: accountSlugSchema }) slug: string,
    @Param('resource', { schema: resourceIdSchema }) resource: string,
  ): Promise<{ added: true }> {
    await this.directory.addResource(slug, resource);
    return { added: true };
  }

  @Delete('accounts/:slug/resources/:resource')
  @ApiDoc({ summary: 'Remove a resource from an account', response: RemovedSchema, errors: ['ACCOUNT_NOT_FOUND', 'NOT_FOUND'] })
  async removeResource(
    @Param('slug', { schema: accountSlugSchema }) slug: string,
    @Param('resource', { schema: resourceIdSchema }) resource: string,
  ): Promise<{ removed: true }> {
    await this.directory.removeResource(slug, resource);
    return { removed: true };
  }

  @Post('apps')
  @ApiDoc({ summary: 'Register a target app; its shared secret is in the answer, once', response: RegisteredTargetAppSchema, errors: ['APP_EXISTS'] })
  registerApp(@Body({ schema: TargetAppCreateSchema }) body: TargetAppCreateDto): Promise<RegisteredTargetAppDto> {
    return this.targetApps.register(body);
  }

  @Get('apps')
  @ApiDoc({ summary: 'Every target app (never a secret)', response: TargetAppListSchema })
  async listApps(): Promise<{ apps: TargetAppDto[] }> {
    return { apps: await this.targetApps.list() };
  }

  @Post('apps/:name/rotate-secret')
  @HttpCode(200)
  @ApiDoc({ summary: 'Add a second active secret, answered once', response: TargetAppWithSecretSchema, errors: ['APP_NOT_FOUND', 'SECRET_ROTATION_CONFLICT'] })
  rotateSecret(@Param('name', { schema: appNameSchema }) name: string): Promise<TargetAppWithSecretDto> {
    return this.targetApps.rotateSecret(name);
  }

  @Post('apps/:name/retire-secret')
  @HttpCode(200)
  @ApiDoc({ summary: 'Retire the older of two active secrets', response: TargetAppSchema, errors: ['APP_NOT_FOUND', 'SECRET_ROTATION_CONFLICT'] })
  retireSecret(@Param('name', { schema: appNameSchema }) name: string): Promise<TargetAppDto> {
    return this.targetApps.retireSecret(name);
  }

  @Get('keys')
  @ApiDoc({ summary: 'Signing keys: current, published, expired', response: SigningKeyListSchema })
  async listKeys(): Promise<{ keys: SigningKeyDto[] }> {
    return { keys: await this.signingKeys.list() };
  }

  @Post('keys/rotate')
  @HttpCode(200)
  @ApiDoc({ summary: 'Make a new current signing key', response: KeyRotatedSchema })
  rotateKey(): Promise<{ kid: string; retired: string[] }> {
    return this.signingKeys.rotate();
  }
}
