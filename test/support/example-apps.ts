import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv, finished, ROOT } from './processes.js';
import { freePort } from './test-server.js';

export interface ExampleApp {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `dist/examples/<name>/main.js` and waits for its "listening" line on stderr. */
async function startExample(name: string, port: number, env: Readonly<Record<string, string>>): Promise<ExampleApp> {
  const child = spawn(process.execPath, [`dist/examples/${name}/main.js`], {
    cwd: ROOT,
    env: childEnv({ ...env, PORT: String(port), LOG_LEVEL: 'warn' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = finished(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not listen within 120 s`));
    }, 120_000);
    let seen = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(': listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void result.then((ended) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${ended.code ?? ended.signal}) before listening:\n${ended.stderr}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    async stop() {
      child.kill('SIGTERM');
      await result;
    },
  };
}

export interface ExampleApps {
  readonly host: ExampleApp;
  readonly ticketing: ExampleApp;
  stop(): Promise<void>;
}

/**
 * The two example apps wired together: the host app (Handoff embedded, on `databaseEnv`'s
 * database, or PGlite) and the ticketing app trusting it with the secret the host's first start
 * registered.
 */
export async function startExampleApps(databaseEnv: Readonly<Record<string, string>>): Promise<ExampleApps> {
  const dataDir = await mkdtemp(join(tmpdir(), 'handoff-examples-'));
  const [hostPort, ticketingPort] = [await freePort(), await freePort()];
  const host = await startExample('host-app', hostPort, {
    ...databaseEnv,
    HOST_DATA_DIR: dataDir,
    TICKETING_URL: `http://127.0.0.1:${ticketingPort}`,
  });
  let ticketing: ExampleApp;
  try {
    ticketing = await startExample('ticketing', ticketingPort, {
      HANDOFF_URL: `${host.url}/handoff`,
      HANDOFF_SHARED_SECRET_FILE: join(dataDir, 'ticketing-secret'),
    });
  } catch (error) {
    await host.stop();
    throw error;
  }
  return {
    host,
    ticketing,
    async stop() {
      await Promise.allSettled([ticketing.stop(), host.stop()]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
