/**
 * An existing NestJS + TypeORM app with its own members, organizations and cookie sign-in, which
 * embeds Handoff (SPEC §10): `npm run example:host` (PGlite in examples/host-app/.data, or
 * DATABASE_URL). Handoff's routes live under /handoff; the phone approval page is
 * /handoff/device, signed in with this app's own cookie.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  createHandoffDataSource,
  embeddedDatabase,
  HandoffModule,
  handoffCorsOptions,
  HandoffService,
  parseDatabaseUrl,
} from 'nestjs-handoff';
import { DataSource } from 'typeorm';
import { CookieSessions } from '../shared/web.js';
import { HOST_DIRECTORY, Member, Organization, OrganizationMember } from './entities.js';
import { hashPassword, HostController, type HostSession, SESSIONS, TICKETING_URL } from './host.controller.js';
import { CreateHostTables1600000000000 } from './migrations.js';

const port = Number(process.env.PORT ?? 3100);
const origin = `http://127.0.0.1:${port}`;
const ticketingUrl = process.env.TICKETING_URL ?? 'http://127.0.0.1:3200';
const dataDir = resolve(process.env.HOST_DATA_DIR ?? join(import.meta.dirname, '../../../examples/host-app/.data'));

async function openDatabase(): Promise<DataSource> {
  const database = process.env.DATABASE_URL ? parseDatabaseUrl(process.env.DATABASE_URL, 10) : embeddedDatabase(join(dataDir, 'pglite'));
  const dataSource = await createHandoffDataSource(database, {
    directory: HOST_DIRECTORY,
    host: { entities: [Member, Organization, OrganizationMember], migrations: [CreateHostTables1600000000000] },
  });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

/** The host's demo member, in its own tables. */
async function seed(dataSource: DataSource): Promise<void> {
  const members = dataSource.getRepository(Member);
  if (await members.findOneBy({ mail: 'ada@example.com' })) return;
  const member = await members.save({ mail: 'ada@example.com', displayName: 'Ada Lovelace', passwordHash: hashPassword('handoff-demo', randomBytes(16).toString('hex')) });
  const organization = await dataSource.getRepository(Organization).save({ title: 'Analytical Engines', handle: 'engines' });
  await dataSource.getRepository(OrganizationMember).save({ orgId: organization.orgId, memberId: member.memberId, memberRole: 'owner' });
}

async function main(): Promise<void> {
  const dataSource = await openDatabase();
  await seed(dataSource);
  const sessions = new CookieSessions<HostSession>('host_session');

  /** The host's own database module: its DataSource, for its code and for Handoff's. */
  @Global()
  @Module({ providers: [{ provide: DataSource, useValue: dataSource }], exports: [DataSource] })
  class HostDatabaseModule {}

  @Module({
    imports: [
      HostDatabaseModule,
      HandoffModule.forRootAsync({
        imports: [HostDatabaseModule],
        directory: HOST_DIRECTORY,
        routePrefix: 'handoff',
        inject: [DataSource],
        useFactory: (hostDataSource: DataSource) => ({
          dataSource: hostDataSource,
          env: {
            HANDOFF_DATA_DIR: dataDir,
            HANDOFF_PUBLIC_URL: origin,
            HANDOFF_VERIFICATION_URL: `${origin}/handoff/device`,
            LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
          },
          // Handoff's user routes (the approval page's calls) accept this app's own sign-in.
          authenticateRequest: (request) => sessions.get(request)?.memberId ?? null,
        }),
      }),
    ],
    controllers: [HostController],
    providers: [
      { provide: SESSIONS, useValue: sessions },
      { provide: TICKETING_URL, useValue: ticketingUrl },
    ],
  })
  class HostAppModule {}

  const app = await NestFactory.create<NestFastifyApplication>(HostAppModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
  // The ticketing app's pages call Handoff's QR routes from the browser (the SDK).
  app.enableCors({ delegator: handoffCorsOptions([new URL(ticketingUrl).origin], '/handoff') });
  app.enableShutdownHooks();
  await app.listen(port, '127.0.0.1');
  const handoff = app.get(HandoffService);
  if (!(await handoff.hasTargetApp('ticketing'))) {
    const registered = await handoff.registerTargetApp('ticketing', [new URL(ticketingUrl).origin]);
    // Shown once, and kept for the ticketing example to read (HANDOFF_SHARED_SECRET_FILE).
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'ticketing-secret'), `${registered.secret}\n`, { mode: 0o600 });
    process.stderr.write(`host-app: registered the target app "ticketing"; its secret is in ${join(dataDir, 'ticketing-secret')}\n`);
  }
  process.stderr.write(`host-app: listening on ${origin} (sign in as ada@example.com / handoff-demo)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`host-app: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
