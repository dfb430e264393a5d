import { Module } from '@nestjs/common';
import { UserRepository } from './user.repository.js';

/** Users, accounts and memberships of the standalone service. */
@Module({
  providers: [UserRepository],
})
export class DirectoryModule {}
