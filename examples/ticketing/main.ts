/**
 * A small target app (SPEC §9): it trusts Handoff, not a second sign-up. `npm run example:ticketing`
 * (after the host app, whose first start registers "ticketing" and keeps its secret).
 * - /auth/cross-app?session_token=… validates the handoff token through the SDK (once), finds or
 *   creates the local user, starts this app's own session and shows "Welcome, NAME".
 * - /login/phone shows a QR code (the SDK, in the browser); the phone approves; this desktop signs in.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Body, Controller, Get, Header, Module, Param, Post, Query, Req, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isHandoffError, TargetClient } from 'nestjs-handoff/sdk';
import { CookieSessions, escapeHtml, page } from '../shared/web.js';

const port = Number(process.env.PORT ?? 3200);
const handoffUrl = process.env.HANDOFF_URL ?? 'http://127.0.0.1:3100/handoff';
const sharedSecret =
  process.env.HANDOFF_SHARED_SECRET ??
  readFileSync(resolve(process.env.HANDOFF_SHARED_SECRET_FILE ?? join(import.meta.dirname, '../../../examples/host-app/.data/ticketing-secret')), 'utf8').trim();

interface LocalUser {
  readonly id: number;
  readonly handoffUserId: string;
  name: string;
  accounts: Array<{ name: string; role: string }>;
}

/** This app's own users, found by their Handoff user id (in memory: an example). */
class LocalUsers {
  private readonly byHandoffId = new Map<string, LocalUser>();

  findOrCreate(handoffUserId: string, name: string): LocalUser {
    let user = this.byHandoffId.get(handoffUserId);
    if (!user) {
      user = { id: this.byHandoffId.size + 1, handoffUserId, name, accounts: [] };
      this.byHandoffId.set(handoffUserId, user);
    }
    user.name = name;
    return user;
  }
}

const users = new LocalUsers();
const sessions = new CookieSessions<LocalUser>('ticketing_session');
const target = new TargetClient({ baseUrl: handoffUrl, appName: 'ticketing', sharedSecret, timeoutMs: 5000 });
function errorPage(reply: FastifyReply, status: number, message: string): void {
  void reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store')
    .send(page('Ticketing', `<h1>Ticketing</h1><p class="error" id="error">${escapeHtml(message)}</p><p><a href="/login/phone">Sign in with your phone</a></p>`));
}

@Controller()
class TicketingController {
  @Get('auth/cross-app')
  async crossApp(@Query('session_token') token: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    try {
      const session = await target.validateSession(String(token ?? ''));
      const user = users.findOrCreate(session.user_id, session.name);
      user.accounts = (await target.getUserAccounts(String(token))).map((account) => ({ name: account.name, role: account.role }));
      sessions.start(reply, user);
      void reply.header('cache-control', 'no-store').redirect('/welcome', 303);
    } catch (error) {
      if (!isHandoffError(error)) throw error;
      const message =
        error.code === 'SESSION_INVALID' || error.code === 'VALIDATION_ERROR'
          ? 'This sign-in link is invalid, expired, or was already used. Go back and open ticketing again.'
          : `Handoff could not sign you in (${error.code}).`;
      errorPage(reply, error.code === 'SESSION_INVALID' || error.code === 'VALIDATION_ERROR' ? 400 : 502, message);
    }
  }

  @Get('welcome')
  welcome(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const user = sessions.get(request);
    if (!user) return void reply.redirect('/login/phone', 303);
    const accounts = user.accounts.map((account) => `<li>${escapeHtml(account.name)} (${escapeHtml(account.role)})</li>`).join('');
    void reply.type('text/html; charset=utf-8').send(
      page('Ticketing', `<h1 id="welcome">Welcome, ${escapeHtml(user.name)}</h1><ul id="accounts">${accounts}</ul>`),
    );
  }

  /**
   * The desktop side of QR sign-in runs in the browser, on the SDK: this page creates the request
   * (so the phone sees this browser and address), polls and exchanges, then hands the access
   * token to this server, which checks it with Handoff (introspection) and starts its session.
   */
  @Get('login/phone')
  @Header('content-type', 'text/html; charset=utf-8')
  phone(): string {
    return page(
      'Sign in with your phone — Ticketing',
      `<meta name="handoff-url" content="${escapeHtml(handoffUrl)}">
      <h1>Sign in with your phone</h1>
      <p>Scan the code with a phone where you are signed in to the host app, or open
      <a id="verification-uri" href="#"></a> and enter <strong id="user-code">…</strong>.</p>
      <img id="qr" alt="QR code" width="240" height="240">
      <p id="status" role="status">Starting…</p>
      <script type="module" src="/login/phone/page.js"></script>`,
    );
  }

  @Get('login/phone/page.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  phoneScript(): string {
    return PHONE_SCRIPT;
  }

  /** The SDK's own files, as the browser imports them (ES modules, no bundler). */
  @Get('sdk/:file')
  sdkFile(@Param('file') file: string, @Res() reply: FastifyReply): void {
    if (!/^[a-z-]+\.js$/.test(file)) return void reply.status(404).send();
    try {
      void reply.type('text/javascript; charset=utf-8').send(readFileSync(new URL(file, SDK_DIR), 'utf8'));
    } catch {
      void reply.status(404).send();
    }
  }

  /** Signs this browser in with the access token its QR sign-in earned. */
  @Post('login/phone/complete')
  async complete(@Body() body: { access_token?: unknown }, @Res() reply: FastifyReply): Promise<void> {
    const introspection = typeof body?.access_token === 'string' ? await target.introspect(body.access_token) : { active: false as const };
    if (!introspection.active) return void reply.status(401).send({ signed_in: false });
    sessions.start(reply, users.findOrCreate(introspection.sub, introspection.username));
    void reply.send({ signed_in: true });
  }
}

const SDK_DIR = new URL('./', import.meta.resolve('nestjs-handoff/sdk'));

const PHONE_SCRIPT = `import { QrLoginClient } from '/sdk/index.js';
const $ = (id) => document.getElementById(id);
const qr = new QrLoginClient({ baseUrl: document.querySelector('meta[name="handoff-url"]').content });
try {
  const request = await qr.create();
  $('qr').src = request.qr_svg_url;
  $('user-code').textContent = request.user_code;
  $('verification-uri').textContent = $('verification-uri').href = request.verification_uri;
  $('status').textContent = 'Waiting for your phone…';
  const outcome = await qr.pollUntilDone(request.device_code);
  if (outcome.status !== 'approved') throw new Error('Not signed in: ' + outcome.status);
  const { access_token } = await qr.exchange(outcome.exchange_token);
  const answer = await fetch('/login/phone/complete', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ access_token }),
  });
  if (!answer.ok) throw new Error('Ticketing did not accept the sign-in');
  location.assign('/welcome');
} catch (error) {
  $('status').textContent = error.message;
}
`;

@Module({ controllers: [TicketingController] })
class TicketingModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(TicketingModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
  await app.listen(port, '127.0.0.1');
  process.stderr.write(`ticketing: listening on http://127.0.0.1:${port}, trusting Handoff at ${handoffUrl}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`ticketing: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
