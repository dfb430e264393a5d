import { type DynamicModule, Global, Module } from '@nestjs/common';
import { HANDOFF_CONFIG, type HandoffConfig } from './config.js';
import { PublicUrl } from './public-url.js';

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
