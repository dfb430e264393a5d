import { scryptSync, timingSafeEqual } from 'node:crypto';
import { Body, Controller, Get, Header, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HandoffService, HandoffServiceError } from 'nestjs-handoff';
import { DataSource } from 'typeorm';
import { CookieSessions, escapeHtml, page } from '../shared/web.js';
import { Member } from './entities.js';

export const SESSIONS = Symbol('SESSIONS');
export const TICKETING_URL = Symbol('TICKETING_URL');
export type HostSession = { memberId: number; name: string };

export function hashPassword(password: string, salt: string): string {
  return `${salt}:${scryptSync(password, salt, 32).toString('hex')}`;
}

function passwordMatches(password: string, stored: string): boolean {
  const [salt = ''] = stored.split(':');
  const given = Buffer.from(hashPassword(password, salt));
  const expected = Buffer.from(stored);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The host's own pages: its cookie sign-in, and the button that hands the member over to ticketing. */
@Controller()
export class HostController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly handoff: HandoffService,
    @Inject(SESSIONS) private readonly sessions: CookieSessions<HostSession>,
    @Inject(TICKETING_URL) private readonly ticketingUrl: string,
  ) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  home(@Req() request: FastifyRequest): string {
    const session = this.sessions.get(request);
    if (!session) return this.signInPage();
    return page(
      'Host app',
      `<h1>Host app</h1><p id="who">Signed in as ${escapeHtml(session.name)}</p>
      <form method="post" action="/open-ticketing"><button id="open-ticketing">Open ticketing</button></form>
      <form method="post" action="/logout"><button>Sign out</button></form>`,
    );
  }

  @Post('login')
  async login(@Body() body: { email?: string; password?: string }, @Res() reply: FastifyReply): Promise<void> {
    const member = await this.dataSource.getRepository(Member).findOneBy({ mail: String(body?.email ?? '') });
    if (!member || !passwordMatches(String(body?.password ?? ''), member.passwordHash)) {
      void reply.status(401).type('text/html; charset=utf-8').send(this.signInPage('Wrong email or password.'));
      return;
    }
    this.sessions.start(reply, { memberId: member.memberId, name: member.displayName });
    void reply.redirect('/', 303);
  }

  @Post('logout')
  logout(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.sessions.end(request, reply);
    void reply.redirect('/', 303);
  }

  /** Generates a handoff token for the signed-in member and sends the browser to ticketing with it. */
  @Post('open-ticketing')
  async openTicketing(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const session = this.sessions.get(request);
    if (!session) return void reply.redirect('/', 303);
    try {
      const generated = await this.handoff.generateSession(
        session.memberId,
        { target_app: 'ticketing' },
        { ip: request.ip, userAgent: request.headers['user-agent'] ?? null },
      );
      const target = new URL('/auth/cross-app', this.ticketingUrl);
      target.searchParams.set('session_token', generated.session_token);
      void reply.header('cache-control', 'no-store').redirect(target.toString(), 303);
    } catch (error) {
      if (!(error instanceof HandoffServiceError)) throw error;
      void reply.status(error.code === 'RATE_LIMITED' ? 429 : 400).type('text/html; charset=utf-8')
        .send(page('Host app', `<p class="error">Ticketing cannot be opened: ${escapeHtml(error.message)}</p>`));
    }
  }

  private signInPage(error = ''): string {
    return page(
      'Sign in — Host app',
      `<h1>Host app</h1>${error ? `<p class="error">${escapeHtml(error)}</p>` : ''}
      <form method="post" action="/login">
        <label>Email <input name="email" id="email" type="email" autocomplete="username" required></label>
        <label>Password <input name="password" id="password" type="password" autocomplete="current-password" required></label>
        <button id="sign-in">Sign in</button>
      </form>`,
    );
  }
}
