import { Module } from '@nestjs/common';
import { AccountResourceRepository } from './account-resource.repository.js';
import { AccountRepository } from './account.repository.js';
import { DirectoryService } from './directory.service.js';
import { MembershipRepository } from './membership.repository.js';
import { UserRepository } from './user.repository.js';

/** Users, accounts and memberships of the standalone service. */
@Module({
  providers: [DirectoryService, UserRepository, AccountRepository, MembershipRepository, AccountResourceRepository],
  exports: [DirectoryService],
})
export class DirectoryModule {}
