import { Module } from '@nestjs/common';
import { SigningKeyRepository } from './signing-key.repository.js';
import { SigningKeysService } from './signing-keys.service.js';

@Module({
  providers: [SigningKeysService, SigningKeyRepository],
  exports: [SigningKeysService],
})
export class SigningKeysModule {}
