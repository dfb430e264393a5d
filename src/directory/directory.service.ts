import type { EntityManager } from 'typeorm';
import { AppError } from '../common/errors/app-error.js';
import { Inject, Injectable } from '../common/injection.js';
import { HANDOFF_CONFIG, type HandoffConfig } from '../config/config.js';
import { isUniqueViolation } from '../database/database-errors.js';
import { hostTables } from '../database/host-tables.js';
import { AccountResourceRepository } from './account-resource.repository.js';
import { AccountRepository } from './account.repository.js';
import type { Account } from './account.entity.js';
import type {
  AccountCreateDto,
  AccountDto,
  ActiveUser,
  MembershipDto,
  MembershipSetDto,
  UserCreateDto,
  UserAccountDto,
  UserDto,
} from './directory.schemas.js';
import { MembershipRepository } from './membership.repository.js';
import type { User } from './user.entity.js';
import { UserRepository } from './user.repository.js';

export interface ExternalIdentity {
  readonly issuer: string;
  readonly subject: string;
  readonly email: string;
  readonly name: string | null;
}

/** Users, accounts and memberships of the standalone service. */
@Injectable()
export class DirectoryService {
  constructor(
    private readonly users: UserRepository,
    private readonly accounts: AccountRepository,
    private readonly memberships: MembershipRepository,
    private readonly resources: AccountResourceRepository,
    @Inject(HANDOFF_CONFIG) private readonly config: HandoffConfig,
  ) {}

  /** The permissions a role grants (configuration: HANDOFF_ROLE_PERMISSIONS). */
  permissionsOf(role: string | null): string[] {
    // Own properties only: a role named "constructor" must not find Object.prototype's.
    return role && Object.hasOwn(this.config.rolePermissions, role) ? [...this.config.rolePermissions[role]!] : [];
  }

  /** An enabled user with its role and permissions in an account (none without an account). */
  async findActiveUserInAccount(
    userId: number,
    accountId: number | null,
  ): Promise<(ActiveUser & { role: string | null; permissions: string[] }) | null> {
    const row = await this.memberships.findUserWithRole(userId, accountId);
    if (!row) return null;
    return { id: row.id, email: row.email, name: row.name, role: row.role, permissions: this.permissionsOf(row.role) };
  }

  /** The user's accounts, each with the user's role and its permissions. */
  async accountsOf(userId: number): Promise<UserAccountDto[]> {
    const rows = await this.memberships.accountsOfUser(userId);
    return rows.map((row) => ({ ...row, permissions: this.permissionsOf(row.role) }));
  }

  /** True if the resource is registered for the account. */
  hasResource(accountId: number, resourceId: string): Promise<boolean> {
    return this.resources.exists(accountId, resourceId);
  }

  async addResource(accountSlug: string, resourceId: string): Promise<void> {
    this.requireStandalone();
    await this.resources.add((await this.getAccount(accountSlug)).id, resourceId);
  }

  async removeResource(accountSlug: string, resourceId: string): Promise<void> {
    this.requireStandalone();
    if (!(await this.resources.remove((await this.getAccount(accountSlug)).id, resourceId))) {
      throw new AppError('NOT_FOUND', 'No such resource in this account');
    }
  }

  async listResources(accountSlug: string): Promise<string[]> {
    this.requireStandalone();
    return (await this.resources.list((await this.getAccount(accountSlug)).id)).map((row) => row.resourceId);
  }

  async createUser(input: UserCreateDto): Promise<UserDto> {
    this.requireStandalone();
    try {
      return toUserDto(await this.users.insert({ email: input.email, name: input.name ?? null }));
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('USER_EXISTS', 'A user with this email exists', { field: 'email' });
      throw error;
    }
  }

  async listUsers(): Promise<UserDto[]> {
    this.requireStandalone();
    return (await this.users.list()).map(toUserDto);
  }

  async getUser(reference: { id: number } | { email: string }): Promise<UserDto> {
    this.requireStandalone();
    const user = 'id' in reference ? await this.users.findById(reference.id) : await this.users.findByEmail(reference.email);
    if (!user) throw new AppError('USER_NOT_FOUND', 'No such user');
    return toUserDto(user);
  }

  /** True when Handoff manages its own users and accounts; false inside a host app. */
  get standalone(): boolean {
    return hostTables().standalone;
  }

  private requireStandalone(): void {
    if (!this.standalone) {
      throw new AppError('DIRECTORY_MANAGED_BY_HOST', 'Users and accounts belong to the host application: manage them there');
    }
  }

  /** An enabled user by id or email, on the users table in force; refused if missing or disabled. */
  async getActiveUser(reference: { id: number } | { email: string }): Promise<ActiveUser> {
    const user = 'id' in reference ? await this.users.findActiveById(reference.id) : await this.users.findActiveByEmail(reference.email);
    if (user) return user;
    if (this.standalone && (await this.getUser(reference)).disabledAt) {
      throw new AppError('USER_DISABLED', 'The user is disabled');
    }
    throw new AppError('USER_NOT_FOUND', 'No such user');
  }

  /** The user if it exists and is not disabled; what authentication builds on. */
  async findActiveUser(id: number): Promise<ActiveUser | null> {
    return this.users.findActiveById(id);
  }

  /**
   * The user an external issuer's token speaks for, created on first sight. An email already
   * held by another user is refused rather than linked: the external issuer's word is not proof
   * that the earlier user is the same person.
   */
  async provisionExternalUser(identity: ExternalIdentity): Promise<ActiveUser | null> {
    let user = await this.users.findByExternalIdentity(identity.issuer, identity.subject);
    if (!user && (await this.users.isTombstoned(identity.issuer, identity.subject))) return null;
    if (!user) {
      try {
        user = await this.users.insert({
          email: identity.email,
          name: identity.name,
          externalIssuer: identity.issuer,
          externalSubject: identity.subject,
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // A concurrent first request for the same identity won the insert; anything else is an email clash.
        user = await this.users.findByExternalIdentity(identity.issuer, identity.subject);
        if (!user) throw new AppError('IDENTITY_CONFLICT', 'This email belongs to another user');
      }
    }
    return user.disabledAt === null ? toActiveUser(user) : null;
  }

  /**
   * Marks the user disabled; the caller disables its tokens in the same transaction. Every
   * statement goes through `manager`: on the single-connection embedded database, a query
   * outside the transaction would wait for the connection the transaction holds.
   */
  async disableUser(id: number, manager?: EntityManager): Promise<void> {
    this.requireStandalone();
    if (!(await this.users.findById(id, manager))) throw new AppError('USER_NOT_FOUND', 'No such user');
    await this.users.disable(id, manager);
  }

  /** Deletes the user (its sessions and memberships go with it, by foreign key). */
  async deleteUser(id: number, manager?: EntityManager): Promise<void> {
    this.requireStandalone();
    if (!(await this.users.deleteById(id, manager))) throw new AppError('USER_NOT_FOUND', 'No such user');
  }

  async createAccount(input: AccountCreateDto): Promise<AccountDto> {
    this.requireStandalone();
    try {
      return toAccountDto(await this.accounts.insert(input.name, input.slug));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AppError('ACCOUNT_EXISTS', 'An account with this slug exists', { field: 'slug' });
      }
      throw error;
    }
  }

  async listAccounts(): Promise<AccountDto[]> {
    this.requireStandalone();
    return (await this.accounts.list()).map(toAccountDto);
  }

  async getAccount(slug: string): Promise<AccountDto> {
    this.requireStandalone();
    const account = await this.accounts.findBySlug(slug);
    if (!account) throw new AppError('ACCOUNT_NOT_FOUND', 'No such account');
    return toAccountDto(account);
  }

  /** Gives the user a role in the account (replacing any role it had there). */
  async setMembership(accountSlug: string, input: MembershipSetDto): Promise<MembershipDto> {
    this.requireStandalone();
    // A typo in a role would give a member no permission at all, silently (issue 12).
    if (this.permissionsOf(input.role).length === 0) {
      const known = Object.keys(this.config.rolePermissions).filter((role) => this.permissionsOf(role).length > 0);
      throw new AppError('VALIDATION_ERROR', `role: "${input.role}" grants no permission (known roles: ${known.join(', ')})`, { field: 'role' });
    }
    const account = await this.getAccount(accountSlug);
    const user = await this.getUser({ email: input.email });
    await this.memberships.upsert(account.id, user.id, input.role);
    return { accountId: account.id, accountSlug: account.slug, userId: user.id, email: user.email, role: input.role };
  }

  async removeMembership(accountSlug: string, email: string): Promise<void> {
    this.requireStandalone();
    const account = await this.getAccount(accountSlug);
    const user = await this.getUser({ email });
    if (!(await this.memberships.remove(account.id, user.id))) {
      throw new AppError('USER_NOT_FOUND', 'The user is not a member of this account');
    }
  }

  async listMemberships(filter: { accountSlug?: string; userId?: number } = {}): Promise<MembershipDto[]> {
    this.requireStandalone();
    const accountId = filter.accountSlug ? (await this.getAccount(filter.accountSlug)).id : undefined;
    const rows = await this.memberships.list({ accountId, userId: filter.userId });
    return rows.map((row) => ({
      accountId: Number(row.accountId),
      accountSlug: row.accountSlug,
      userId: Number(row.userId),
      email: row.email,
      role: row.role,
    }));
  }
}

function toUserDto(user: User): UserDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    createdAt: user.createdAt.toISOString(),
    disabledAt: user.disabledAt?.toISOString() ?? null,
    externalIssuer: user.externalIssuer,
  };
}

function toActiveUser(user: User): ActiveUser {
  return { id: user.id, email: user.email, name: user.name };
}

function toAccountDto(account: Account): AccountDto {
  return { id: account.id, name: account.name, slug: account.slug, createdAt: account.createdAt.toISOString() };
}
