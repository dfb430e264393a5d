import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { AppError } from '../common/errors/app-error.js';
import { NotApi } from './api-doc.decorator.js';
import { OpenApiService } from './openapi.service.js';
import { HandoffRoutes } from '../common/handoff-routes.decorator.js';

/**
 * Where swagger-ui-dist's files are. Found without importing the package, whose entry point
 * evaluates its 1.4 MB browser bundle in the server: 4 % of a profiled run's CPU and memory
 * held for nothing (issue 11).
 */
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The Swagger UI files served from the swagger-ui-dist package (no network needed). */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Handoff API</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/assets/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/docs/openapi.json', dom_id: '#swagger-ui', presets: [SwaggerUIBundle.presets.apis] });`;

@NotApi()
@HandoffRoutes()
@Controller('docs')
export class DocsController {
  constructor(private readonly openApi: OpenApiService) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return PAGE;
  }

  /** The OpenAPI 3.1 document, generated from the code. */
  @Get('openapi.json')
  document(): Record<string, unknown> {
    return this.openApi.build();
  }

  @Get('assets/init.js')
  @Header('content-type', 'application/javascript; charset=utf-8')
  init(): string {
    return INIT;
  }

  @Get('assets/:file')
  @Header('cache-control', 'public, max-age=86400')
  async asset(
    @Param('file', { schema: z.enum(Object.keys(ASSETS) as [string, ...string[]]) }) file: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    try {
      const content = await readFile(join(SWAGGER_UI_DIR, file), 'utf8');
      void reply.type(ASSETS[file]!);
      return content;
    } catch (error) {
      throw new AppError('NOT_FOUND', 'No such asset', { cause: error });
    }
  }
}
