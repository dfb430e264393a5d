import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Controller, Get, Header, Inject, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isAdminCredential } from '../admin/admin.guard.js';
import { AppError } from '../common/errors/app-error.js';
import { HANDOFF_CONFIG, type HandoffConfig } from '../config/config.js';
import { NotApi } from '../docs/api-doc.decorator.js';
import { HandoffRoutes } from '../common/handoff-routes.decorator.js';

/** Plain files beside this module's source (no build step): from dist/src/dashboard/, three folders up. */
const PAGES_DIR = new URL('../../../src/dashboard/pages/', import.meta.url);
const require = createRequire(import.meta.url);

const ASSETS = {
  'admin.js': { type: 'text/javascript; charset=utf-8', path: new URL('admin.js', PAGES_DIR) },
  'admin.css': { type: 'text/css; charset=utf-8', path: new URL('admin.css', PAGES_DIR) },
  // uPlot, the chart: small (50 KB), no dependencies, canvas drawing that a strict CSP allows.
  'uplot.js': { type: 'text/javascript; charset=utf-8', path: require.resolve('uplot/dist/uPlot.iife.min.js') },
  'uplot.css': { type: 'text/css; charset=utf-8', path: require.resolve('uplot/dist/uPlot.min.css') },
} as const;
type AssetName = keyof typeof ASSETS;

/**
 * Scripts, styles and API calls to this origin only; never framed (revoking is one click). The
 * admin token lives in the page's memory and goes out as a header, never as a cookie, so no
 * other site can make the browser use it.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/** The operators' dashboard at /admin. */
@NotApi()
@HandoffRoutes()
@Controller('admin')
export class DashboardPagesController {
  private readonly page = readFileSync(new URL('admin.html', PAGES_DIR), 'utf8');
  private readonly assets = Object.fromEntries(
    Object.entries(ASSETS).map(([name, asset]) => [name, readFileSync(asset.path, 'utf8')]),
  ) as Record<AssetName, string>;

  constructor(@Inject(HANDOFF_CONFIG) private readonly config: HandoffConfig) {}

  /**
   * The page holds no data: everything it shows comes from /api/admin/* with the token the
   * operator types in. A browser's request for it carries no credential, so it answers 401 with
   * the sign-in form; with the admin token (a script's request) it answers 200.
   */
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', CONTENT_SECURITY_POLICY)
  @Header('x-frame-options', 'DENY')
  @Header('cache-control', 'no-store')
  @Header('referrer-policy', 'no-referrer')
  dashboard(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): string {
    if (!isAdminCredential(this.config, request.headers.authorization)) void reply.status(401);
    return this.page;
  }

  @Get('assets/:file')
  @Header('cache-control', 'public, max-age=300')
  @Header('x-content-type-options', 'nosniff')
  asset(@Param('file', { schema: z.string().max(32) }) file: string, @Res({ passthrough: true }) reply: FastifyReply): string {
    if (!Object.hasOwn(ASSETS, file)) throw new AppError('NOT_FOUND', 'No such file');
    void reply.type(ASSETS[file as AssetName].type);
    return this.assets[file as AssetName];
  }
}
