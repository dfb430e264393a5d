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

/** The operators' API: the same actions as the `handoff` CLI. */
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
  issueToken(@Body({ schema: TokenIssueSchema }) body: TokenIssueDto): Promise<IssuedAccessToken & { userId: number }> {
    const reference = body.user_id !== undefined ? { id: body.user_id } : { email: body.email! };
    return this.admin.issueToken(reference, { ttlSeconds: body.ttl, audience: body.audience });
  }

  @Post('users')
  createUser(@Body({ schema: UserCreateSchema }) body: UserCreateDto): Promise<UserDto> {
    return this.directory.createUser(body);
  }

  @Get('users')
  async listUsers(): Promise<{ users: UserDto[] }> {
    return { users: await this.directory.listUsers() };
  }

  @Post('users/:id/disable')
  @HttpCode(200)
  disableUser(@Param('id', { schema: idParamSchema }) id: number): Promise<{ tokensDisabled: number }> {
    return this.admin.disableUser(id);
  }

  @Delete('users/:id')
  deleteUser(@Param('id', { schema: idParamSchema }) id: number): Promise<{ tokensDisabled: number }> {
    return this.admin.deleteUser(id);
  }

  @Post('accounts')
  createAccount(@Body({ schema: AccountCreateSchema }) body: AccountCreateDto): Promise<AccountDto> {
    return this.directory.createAccount(body);
  }

  @Get('accounts')
  async listAccounts(): Promise<{ accounts: AccountDto[] }> {
    return { accounts: await this.directory.listAccounts() };
  }

  @Get('accounts/:slug/members')
  async listMembers(@Param('slug', { schema: accountSlugSchema }) slug: string): Promise<{ members: MembershipDto[] }> {
    return { members: await this.directory.listMemberships({ accountSlug: slug }) };
  }

  @Put('accounts/:slug/members')
  setMember(
    @Param('slug', { schema: accountSlugSchema }) slug: string,
    @Body({ schema: MembershipSetSchema }) body: MembershipSetDto,
  ): Promise<MembershipDto> {
    return this.directory.setMembership(slug, body);
  }

  @Delete('accounts/:slug/members/:email')
  async removeMember(
    @Param('slug', { schema: accountSlugSchema }) slug: string,
    @Param('email', { schema: emailSchema }) email: string,
  ): Promise<{ removed: true }> {
    await this.directory.removeMembership(slug, email);
    return { removed: true };
  }

  @Get('accounts/:slug/resources')
  async listResources(@Param('slug', { schema: accountSlugSchema }) slug: string): Promise<{ resources: string[] }> {
    return { resources: await this.directory.listResources(slug) };
  }

  @Put('accounts/:slug/resources/:resource')
  async addResource(
    @Param('slug', { schema: accountSlugSchema }) slug: string,
    @Param('resource', { schema: resourceIdSchema }) resource: string,
  ): Promise<{ added: true }> {
    await this.directory.addResource(slug, resource);
    return { added: true };
  }

  @Delete('accounts/:slug/resources/:resource')
  async removeResource(
    @Param('slug', { schema: accountSlugSchema }) slug: string,
    @Param('resource', { schema: resourceIdSchema }) resource: string,
  ): Promise<{ removed: true }> {
    await this.directory.removeResource(slug, resource);
    return { removed: true };
  }

  @Post('apps')
  registerApp(@Body({ schema: TargetAppCreateSchema }) body: TargetAppCreateDto): Promise<RegisteredTargetAppDto> {
    return this.targetApps.register(body);
  }

  @Get('apps')
  async listApps(): Promise<{ apps: TargetAppDto[] }> {
    return { apps: await this.targetApps.list() };
  }

  @Post('apps/:name/rotate-secret')
  @HttpCode(200)
  rotateSecret(@Param('name', { schema: appNameSchema }) name: string): Promise<TargetAppWithSecretDto> {
    return this.targetApps.rotateSecret(name);
  }

  @Post('apps/:name/retire-secret')
  @HttpCode(200)
  retireSecret(@Param('name', { schema: appNameSchema }) name: string): Promise<TargetAppDto> {
    return this.targetApps.retireSecret(name);
  }

  @Get('keys')
  async listKeys(): Promise<{ keys: SigningKeyDto[] }> {
    return { keys: await this.signingKeys.list() };
  }

  @Post('keys/rotate')
  @HttpCode(200)
  rotateKey(): Promise<{ kid: string; retired: string[] }> {
    return this.signingKeys.rotate();
  }
}
