import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import { Body, Controller, Headers, HttpCode, HttpException, Injectable, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';

/**
 * The reference of issue 11: what a hand-written service doing Handoff's two hot statements costs.
 * NestJS on Fastify, raw `pg`, named prepared statements, the same SQL on Handoff's schema:
 * generate is the INSERT, validate the one-statement consume joined to the user. No
 * authentication beyond reading the user id from the JWT (unverified) and the app from a map of
 * secret hashes loaded at start, no rate limit, no audit, no metrics: the floor, not a rival.
 * Started as its own process by the bench: DATABASE_URL, PORT.
 */
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 20) });
const appsBySecretHash = new Map<string, string>();

const INSERT = {
  name: 'reference-generate',
  text: `INSERT INTO cross_app_sessions (token_hash, user_id, account_id, expires_at, source_app, target_app, user_agent, ip_address)
         VALUES ($1, $2, $3, statement_timestamp() + INTERVAL '900 seconds', $4, $5, $6, $7) RETURNING id, expires_at`,
};
const CONSUME = {
  name: 'reference-validate',
  text: `WITH consumed AS (UPDATE cross_app_sessions SET used_at = statement_timestamp()
           WHERE token_hash = $1 AND target_app = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > statement_timestamp()
           RETURNING id, user_id, account_id, target_app, expires_at)
         SELECT s.id, s.user_id, s.account_id, s.expires_at, u.email, u.name, m.role
         FROM consumed s
         JOIN users u ON u.id = s.user_id AND u.disabled_at IS NULL
         LEFT JOIN account_members m ON m.user_id = s.user_id AND m.account_id = s.account_id`,
};

@Injectable()
@Controller('api/cross-app')
class ReferenceController {
  @Post('generate-session')
  @HttpCode(200)
  async generate(@Headers('authorization') authorization: string, @Body() body: { target_app: string }) {
    const payload = JSON.parse(Buffer.from(authorization.split('.')[1]!, 'base64url').toString()) as { sub: string };
    const token = randomBytes(32).toString('hex');
    const { rows } = await pool.query({
      ...INSERT,
      values: [sha256(token), Number(payload.sub), null, 'tuvens', body.target_app, 'bench', '127.0.0.1'],
    });
    return { session_token: token, expires_at: rows[0].expires_at.toISOString(), account_id: null, target_app: body.target_app };
  }

  @Post('validate-session')
  @HttpCode(200)
  async validate(@Headers('x-shared-secret') secret: string, @Body() body: { session_token: string }) {
    const app = appsBySecretHash.get(sha256(secret));
    if (!app) throw new HttpException({ code: 'INVALID_CLIENT' }, 401);
    const { rows } = await pool.query({ ...CONSUME, values: [sha256(body.session_token), app] });
    if (rows.length !== 1) throw new HttpException({ code: 'SESSION_INVALID' }, 404);
    const row = rows[0];
    return { valid: true, user_id: String(row.user_id), email: row.email, name: row.name ?? row.email, account_id: row.account_id, permissions: [], expires_at: row.expires_at.toISOString() };
  }
}

@Module({ controllers: [ReferenceController] })
class ReferenceModule {}

async function main(): Promise<void> {
  const { rows } = await pool.query<{ secret_hash: string; name: string }>(
    'SELECT s.secret_hash, a.name FROM target_app_secrets s JOIN target_apps a ON a.id = s.target_app_id WHERE s.retired_at IS NULL',
  );
  for (const row of rows) appsBySecretHash.set(row.secret_hash, row.name);
  const app = await NestFactory.create<NestFastifyApplication>(ReferenceModule, new FastifyAdapter(), { logger: false });
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  process.on('SIGINT', () => void app.close().then(() => pool.end()));
}

void main();
