import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { ErrorResponseFilter } from './common/errors/error-response.filter.js';
import { NestPinoLogger } from './common/logger.js';
import type { HandoffConfig } from './config/config.js';
import { StartupError } from './common/startup-error.js';
import type { HandoffDataSource } from './database/data-source.js';
import { runPendingMigrations } from './database/migration-runner.js';
import { openDatabase } from './database/open-database.js';
import { seedDemoData } from './database/seed/demo-seed.js';

/** Request bodies are small JSON documents; anything larger is refused before parsing. */
const BODY_LIMIT_BYTES = 64 * 1024;
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export interface RunningServer {
  readonly app: NestFastifyApplication;
  readonly dataSource: HandoffDataSource;
  readonly url: string;
  close(): Promise<void>;
}

/** Opens the database, brings its schema up to date, and serves the API. */
export async function startServer(config: HandoffConfig, logger: Logger): Promise<RunningServer> {
  const dataSource = await openDatabase(config, logger);
  try {
    await prepareDatabase(config, dataSource, logger);
    const app = await createApp(config, dataSource, logger);
    const url = await listen(app, config);
    return {
      app,
      dataSource,
      url,
      async close() {
        try {
          await app.close();
        } finally {
          await dataSource.destroy();
        }
      },
    };
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
}

async function prepareDatabase(config: HandoffConfig, dataSource: HandoffDataSource, logger: Logger): Promise<void> {
  if (config.migrationsRun) {
    try {
      const applied = await runPendingMigrations(dataSource);
      if (applied.length > 0) logger.info({ migrations: applied }, `applied ${applied.length} migration(s)`);
    } catch (error) {
      throw new StartupError(`migrations: ${(error as Error).message}`, { cause: error });
    }
  }
  if (config.seedDemo) {
    const seeded = await seedDemoData(dataSource);
    if (seeded.created) logger.info('seeded the demo user test@example.com and its two sessions');
  }
}

async function createApp(
  config: HandoffConfig,
  dataSource: HandoffDataSource,
  logger: Logger,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    return503OnClosing: true,
    genReqId: (request: IncomingMessage) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ config, dataSource, logger }),
    adapter,
    { logger: new NestPinoLogger(logger), abortOnError: false },
  );
  app.useGlobalFilters(new ErrorResponseFilter(logger));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply) => {
    void reply.header('x-request-id', request.id);
  });
  fastify.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    // The path only: query strings may carry tokens.
    logger.info(
      {
        requestId: request.id,
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
  });
  return app;
}

async function listen(app: NestFastifyApplication, config: HandoffConfig): Promise<string> {
  const { host, port } = config.server;
  try {
    await app.listen(port, host);
  } catch (error) {
    await app.close().catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new StartupError(`PORT: ${port} is already in use on ${host}`);
    if (code === 'EACCES') throw new StartupError(`PORT: not allowed to listen on ${host}:${port}`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new StartupError(`HOST: ${host} is not an address of this machine`);
    }
    throw error;
  }
  const address = app.getHttpServer().address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shownHost}:${address.port}`;
}
