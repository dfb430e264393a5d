import { Module } from '@nestjs/common';
import { CrossAppSessionRepository } from './cross-app-session.repository.js';

/** Cross-app handoff sessions (SPEC §4). The endpoints arrive with the handoff issue. */
@Module({
  providers: [CrossAppSessionRepository],
})
export class CrossAppModule {}
