import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DocsController } from './docs.controller.js';
import { HomeController } from './home.controller.js';
import { OpenApiService } from './openapi.service.js';

/** The OpenAPI document and its browsable page at /docs, and the home page at /. */
@Module({
  imports: [DiscoveryModule],
  controllers: [DocsController, HomeController],
  providers: [OpenApiService],
})
export class DocsModule {}
