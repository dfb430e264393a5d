import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { HandoffConfig } from './config.js';
import { PublicUrl } from './public-url.js';

/** Injection token of the validated, frozen configuration object. */
export const HANDOFF_CONFIG = Symbol('HANDOFF_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: HandoffConfig, publicUrl: PublicUrl = PublicUrl.fromConfig(config)): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: HANDOFF_CONFIG, useValue: config },
        { provide: PublicUrl, useValue: publicUrl },
      ],
      exports: [HANDOFF_CONFIG, PublicUrl],
    };
  }
}
