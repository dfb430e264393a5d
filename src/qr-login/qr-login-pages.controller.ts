import { readFileSync } from 'node:fs';
import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { AppError } from '../common/errors/app-error.js';
import { NotApi } from '../docs/api-doc.decorator.js';
import { HandoffRoutes } from '../common/handoff-routes.decorator.js';

/**
 * The pages live as plain files beside this module's source (no build step): from
 * dist/src/qr-login/ that is three folders up, then src/qr-login/pages/.
 */
const PAGES_DIR = new URL('../../../src/qr-login/pages/', import.meta.url);

const ASSET_TYPES = {
  'qr.js': 'text/javascript; charset=utf-8',
  'device.js': 'text/javascript; charset=utf-8',
  'pages.css': 'text/css; charset=utf-8',
} as const;
type AssetName = keyof typeof ASSET_TYPES;

/**
 * Scripts and styles from this origin only, images also as data: (none inline). The /device page
 * approves sign-ins with a click, so no page may frame it (clickjacking).
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

function read(name: string): string {
  return readFileSync(new URL(name, PAGES_DIR), 'utf8');
}

/** The desktop's /qr page and the phone's /device page (SPEC §5), with their script and style. */
@NotApi()
@HandoffRoutes()
@Controller()
export class QrLoginPagesController {
  /** Read once at start: a few kilobytes, served from memory. */
  private readonly files = {
    qr: read('qr.html'),
    device: read('device.html'),
    assets: Object.fromEntries(Object.keys(ASSET_TYPES).map((name) => [name, read(name)])) as Record<AssetName, string>,
  };

  @Get('qr')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', CONTENT_SECURITY_POLICY)
  @Header('x-frame-options', 'DENY')
  @Header('cache-control', 'no-store')
  qrPage(): string {
    return this.files.qr;
  }

  @Get('device')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', CONTENT_SECURITY_POLICY)
  @Header('x-frame-options', 'DENY')
  @Header('cache-control', 'no-store')
  devicePage(): string {
    return this.files.device;
  }

  @Get('qr-login/assets/:file')
  @Header('cache-control', 'public, max-age=300')
  @Header('x-content-type-options', 'nosniff')
  asset(@Param('file', { schema: z.string().max(32) }) file: string, @Res({ passthrough: true }) reply: FastifyReply): string {
    if (!Object.hasOwn(ASSET_TYPES, file)) throw new AppError('NOT_FOUND', 'No such file');
    void reply.type(ASSET_TYPES[file as AssetName]);
    return this.files.assets[file as AssetName];
  }
}
