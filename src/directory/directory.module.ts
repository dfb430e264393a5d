import { Module } from '@nestjs/common';
import { AccountRepository } from './account.repository.js';
import { DirectoryService } from './directory.service.js';
import { MembershipRepository } from './membership.repository.js';
import { UserRepository } from './user.repository.js';

/** Users, accounts and memberships of the standalone service. */
@Module({
  providers: [DirectoryService, UserRepository, AccountRepository, MembershipRepository],
  exports: [DirectoryService],
})
export class DirectoryModule {}
