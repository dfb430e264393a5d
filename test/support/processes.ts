import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

export const ROOT = new URL('../../../', import.meta.url).pathname;

/** The environment of a child process: this one's, minus Handoff's variables, plus `env`. */
export function childEnv(env: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(DATABASE_|HANDOFF_|PORT$|HOST$|LOG_LEVEL$)/.test(name),
    ),
  );
  return { ...inherited, ...env };
}

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end. */
export async function run(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<Finished> {
  const child = spawn(command, args, { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  return finished(child);
}

/** `npx handoff …` as a user types it (the package's bin, without npx's overhead). */
export function handoff(args: readonly string[], env: Readonly<Record<string, string>>): Promise<Finished> {
  return run(process.execPath, ['bin/handoff.js', ...args], env);
}

export async function finished(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  return { code, signal, stdout, stderr };
}

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** What the process wrote to stderr so far, from its start. */
  stderr(): string;
  /** Sends SIGINT and waits for the process to end. */
  stop(): Promise<Finished>;
}

/** Starts `node dist/src/main.js` and waits until it prints the URL it listens on. */
export async function startServerProcess(
  env: Readonly<Record<string, string>>,
  { timeoutMs = 60_000 }: { timeoutMs?: number } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: ROOT,
    // The URL is read from the info-level log line.
    env: childEnv({ PORT: '0', ...env, LOG_LEVEL: 'info' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = finished(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not print its URL within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /Handoff listening on (http:\/\/\S+?)"/.exec(seen);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void result.then((ended) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${ended.code ?? ended.signal}) before listening:\n${ended.stderr}`));
    });
  });
  return {
    url,
    child,
    stderr: () => stderr,
    async stop() {
      child.kill('SIGINT');
      return result;
    },
  };
}
