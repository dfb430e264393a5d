import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DocsController } from './docs.controller.js';
import { OpenApiService } from './openapi.service.js';

/** The OpenAPI document and its browsable page at /docs. */
@Module({
  imports: [DiscoveryModule],
  controllers: [DocsController],
  providers: [OpenApiService],
})
export class DocsModule {}
