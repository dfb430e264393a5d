/**
 * A small target app (SPEC §9): it trusts Handoff, not a second sign-up. `npm run example:ticketing`
 * (after the host app, whose first start registers "ticketing" and keeps its secret).
 * - /auth/cross-app?session_token=… validates the handoff token through the SDK (once), finds or
 *   creates the local user, starts this app's own session and shows "Welcome, NAME".
 * - /login/phone shows a QR code (through the SDK); the phone approves; this desktop signs in.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Controller, Get, Header, Module, Query, Req, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isHandoffError, QrLoginClient, TargetClient } from 'nestjs-handoff/sdk';
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
const qrLogin = new QrLoginClient({ baseUrl: handoffUrl, timeoutMs: 5000 });
/** QR sign-ins in progress, by an id only this browser knows: the device code stays on the server. */
const pendingQr = new Map<string, { done: Promise<LocalUser | string> ; result?: LocalUser | string }>();

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

  /** Starts a QR sign-in: the page shows the code and asks this server whether it is done. */
  @Get('login/phone')
  async phone(@Res() reply: FastifyReply): Promise<void> {
    const request = await qrLogin.create();
    const id = crypto.randomUUID();
    const entry: { done: Promise<LocalUser | string>; result?: LocalUser | string } = {
      done: (async () => {
        const outcome = await qrLogin.pollUntilDone(request.device_code);
        if (outcome.status !== 'approved') return outcome.status;
        const { access_token: accessToken } = await qrLogin.exchange(outcome.exchange_token);
        const introspection = await target.introspect(accessToken);
        if (!introspection.active) return 'inactive';
        return users.findOrCreate(introspection.sub, introspection.username);
      })().catch((error: unknown) => {
        if (isHandoffError(error)) return error.code;
        process.stderr.write(`ticketing: QR sign-in failed: ${String(error)}\n`);
        return 'error';
      }),
    };
    void entry.done.then((result) => (entry.result = result));
    pendingQr.set(id, entry);
    void reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(
      page(
        'Sign in with your phone — Ticketing',
        `<h1>Sign in with your phone</h1>
        <p>Scan the code with a phone where you are signed in to the host app, or open
        <a href="${escapeHtml(request.verification_uri)}">${escapeHtml(request.verification_uri)}</a> and enter
        <strong id="user-code">${escapeHtml(request.user_code)}</strong>.</p>
        <img id="qr" alt="QR code" width="240" height="240" src="${escapeHtml(request.qr_svg_url)}">
        <p id="status" role="status">Waiting for your phone…</p>
        <script src="/login/phone/page.js" data-id="${id}"></script>`,
      ),
    );
  }

  @Get('login/phone/page.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  phoneScript(): string {
    return `const id = document.currentScript.dataset.id;
async function check() {
  const answer = await fetch('/login/phone/status?id=' + encodeURIComponent(id)).then((r) => r.json()).catch(() => ({ state: 'pending' }));
  if (answer.state === 'signed-in') return location.assign('/welcome');
  if (answer.state !== 'pending') return (document.getElementById('status').textContent = 'Not signed in: ' + answer.state);
  setTimeout(check, 1000);
}
check();`;
  }

  /** Signs this browser in once its QR request was approved and exchanged. */
  @Get('login/phone/status')
  status(@Query('id') id: string, @Res() reply: FastifyReply): void {
    const entry = pendingQr.get(String(id));
    if (!entry) return void reply.status(404).send({ state: 'unknown' });
    if (entry.result === undefined) return void reply.send({ state: 'pending' });
    pendingQr.delete(String(id));
    if (typeof entry.result === 'string') return void reply.send({ state: entry.result });
    sessions.start(reply, entry.result);
    void reply.send({ state: 'signed-in' });
  }
}

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
