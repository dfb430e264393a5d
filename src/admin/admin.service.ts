import { DataSource } from 'typeorm';
import { AccessTokensService, type IssuedAccessToken } from '../access-tokens/access-tokens.service.js';
import { Injectable } from '../common/injection.js';
import { DirectoryService } from '../directory/directory.service.js';

/** Operator actions that span capabilities: a user's lifecycle and its tokens. */
@Injectable()
export class AdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: DirectoryService,
    private readonly accessTokens: AccessTokensService,
  ) {}

  /** Issues a token for an enabled user, found by id or email. */
  async issueToken(
    reference: { id: number } | { email: string },
    options: { ttlSeconds?: number; audience?: string },
  ): Promise<IssuedAccessToken & { userId: number }> {
    const user = await this.directory.getActiveUser(reference);
    return { ...(await this.accessTokens.issue(user.id, options)), userId: user.id };
  }

  /**
   * Disables the user and every token it holds, in one transaction: the registry has no foreign
   * key to users, so this is the only thing that ties them.
   */
  async disableUser(id: number): Promise<{ tokensDisabled: number }> {
    return this.dataSource.transaction(async (manager) => {
      await this.directory.disableUser(id, manager);
      return { tokensDisabled: await this.accessTokens.revokeAll(id, manager) };
    });
  }

  /** Deletes the user (sessions and memberships cascade) and disables its tokens. */
  async deleteUser(id: number): Promise<{ tokensDisabled: number }> {
    return this.dataSource.transaction(async (manager) => {
      const tokensDisabled = await this.accessTokens.revokeAll(id, manager);
      await this.directory.deleteUser(id, manager);
      return { tokensDisabled };
    });
  }
}
