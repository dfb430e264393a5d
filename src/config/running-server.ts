import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The standalone server on the embedded database leaves its address in its data folder, so that
 * a command in another shell finds it whatever PORT it was started with (`handoff url`) and can
 * reach its admin API while the database itself is held by the server (PGlite is one process).
 */
export interface RunningServerInfo {
  readonly url: string;
  readonly pid: number;
  readonly startedAt: string;
}

const FILE_NAME = 'server.json';

export function runningServerFile(dataDir: string): string {
  return join(dataDir, FILE_NAME);
}

export async function recordRunningServer(dataDir: string, url: string): Promise<void> {
  const info: RunningServerInfo = { url, pid: process.pid, startedAt: new Date().toISOString() };
  await writeFile(runningServerFile(dataDir), `${JSON.stringify(info)}\n`, { mode: 0o600 });
}

/** Removed on a clean stop; only this process's own record, in case another server took over. */
export async function forgetRunningServer(dataDir: string): Promise<void> {
  const info = await findRunningServer(dataDir);
  if (info?.pid === process.pid) await rm(runningServerFile(dataDir), { force: true });
}

/** The server recorded in the data folder if its process still runs (a killed one leaves its file). */
export async function findRunningServer(dataDir: string): Promise<RunningServerInfo | undefined> {
  let info: RunningServerInfo;
  try {
    info = JSON.parse(await readFile(runningServerFile(dataDir), 'utf8')) as RunningServerInfo;
  } catch {
    return undefined;
  }
  if (typeof info.url !== 'string' || !Number.isInteger(info.pid)) return undefined;
  return processRuns(info.pid) ? info : undefined;
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
