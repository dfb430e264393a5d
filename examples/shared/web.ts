import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Example apps' own cookie sessions: an opaque id in an HttpOnly, SameSite=Lax cookie, kept in memory. */
export class CookieSessions<T> {
  private readonly sessions = new Map<string, T>();

  constructor(private readonly cookieName: string) {}

  get(request: Pick<FastifyRequest, 'headers'>): T | undefined {
    const id = readCookie(request.headers.cookie, this.cookieName);
    return id ? this.sessions.get(id) : undefined;
  }

  start(reply: FastifyReply, value: T): void {
    const id = randomBytes(32).toString('hex');
    this.sessions.set(id, value);
    void reply.header('set-cookie', `${this.cookieName}=${id}; HttpOnly; SameSite=Lax; Path=/`);
  }

  end(request: FastifyRequest, reply: FastifyReply): void {
    const id = readCookie(request.headers.cookie, this.cookieName);
    if (id) this.sessions.delete(id);
    void reply.header('set-cookie', `${this.cookieName}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0`);
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A whole HTML page with the examples' small style sheet. */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
button,input{font:inherit;padding:.4rem .8rem}label{display:block;margin:.5rem 0}.error{color:#a4161a}
.card{border:1px solid #ccd;border-radius:8px;padding:1rem;margin:1rem 0}</style></head>
<body>${body}</body></html>`;
}
