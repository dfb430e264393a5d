import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** perf's sampling rate: one sample per ~1 ms of a thread's CPU. */
const FREQUENCY = 999;

/** A frame of V8's garbage collector, on the main thread or on its own. */
const GARBAGE_COLLECTOR = /^v8::internal::(Scaveng|MarkCompact|MinorMarkSweep|ConcurrentMarking|Marking|Sweeper|Heap::|ArrayBufferSweeper|Evacuat|PointersUpdating)/;

/**
 * A process's CPU while `work` runs, sampled by Linux `perf record` (call stacks, kernel
 * included): what it really spent, unlike `--cpu-prof`, which samples the JavaScript thread's wall
 * time and so counts a system call during which the kernel runs another process (PostgreSQL, woken
 * by that very write) as the call's own. Node names its JIT frames for perf when started with
 * `--perf-basic-prof`. `samples()` reads the samples (stacks leaf first) once the caller has taken its own
 * measurements: reading them costs this process a few seconds of CPU.
 */
export async function recordCpu<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; samples(): Promise<Sample[]> }> {
  const dir = await mkdtemp(join(tmpdir(), 'handoff-perf-'));
  const file = join(dir, 'perf.data');
  const samples = async () => {
    try {
      return parseSamples(await run('perf', ['script', '-i', file, '-F', 'tid,ip,sym']), pid);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  try {
    const recorder = spawn('perf', ['record', '-g', '-F', String(FREQUENCY), '-p', String(pid), '-o', file], { stdio: 'ignore' });
    const exited = new Promise<void>((resolve, reject) => {
      recorder.once('error', (error) => reject(new Error(`perf record: ${error.message} (Debian's package linux-perf has it)`)));
      recorder.once('exit', () => resolve());
    });
    // perf attaches within a few ms; what it misses of the load's start is not a request's cost.
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 300))]);
    if (recorder.exitCode !== null) throw new Error(`perf record exited with ${recorder.exitCode}`);
    const result = await work().finally(() => recorder.kill('SIGINT'));
    await exited;
    return { result, samples };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** One sample: its call stack (leaf first), and whether the process's main thread ran it. */
export interface Sample {
  readonly mainThread: boolean;
  readonly stack: readonly string[];
}

/** CPU µs per request by where it went (see `kindOf`), from `recordCpu`'s samples. */
export function cpuByKind(samples: readonly Sample[], requests: number): Map<string, number> {
  const micros = new Map<string, number>();
  for (const { mainThread, stack } of samples) {
    const kind = mainThread ? kindOf(stack) : backgroundKindOf(stack);
    micros.set(kind, (micros.get(kind) ?? 0) + 1e6 / FREQUENCY / requests);
  }
  return micros;
}

/**
 * Where a main-thread sample's CPU went: socket writes (the kernel's TCP work included), the garbage
 * collector, else the package (or Handoff folder, or Node module) of its innermost JavaScript
 * frame, whatever native code ran below it; without one, the kernel or native code alone.
 */
function kindOf(stack: readonly string[]): string {
  if (stack.some((frame) => frame.includes('do_writev') || frame.includes('tcp_sendmsg'))) return 'socket writes (kernel)';
  if (stack.some((frame) => GARBAGE_COLLECTOR.test(frame))) return 'garbage collector';
  const script = stack.find((frame) => frame.startsWith('JS:'));
  if (script) return packageOf(script);
  return stack.some((frame) => frame.includes('entry_SYSCALL')) ? 'other system calls' : 'native code';
}

/**
 * V8's threads beside the main one: its optimizing compiler and its concurrent garbage collector.
 * A compiler still busy under load means the server is not warmed up yet (load.ts's warmUp): on a
 * slow machine a 2 s warm-up left Handoff's compiler at 190 µs a request, the reference's at 37.
 */
function backgroundKindOf(stack: readonly string[]): string {
  if (stack.some((frame) => frame.startsWith('v8::internal::compiler::') || frame.startsWith('v8::internal::maglev::'))) return 'background: JIT compiler';
  if (stack.some((frame) => GARBAGE_COLLECTOR.test(frame))) return 'background: garbage collector';
  return 'background: other';
}

function packageOf(frame: string): string {
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame);
  if (module) return module[1]!;
  const own = /\/dist\/(src|bench)\/([^/:]+)/.exec(frame);
  if (own) return own[1] === 'src' ? `handoff ${own[2]!.replace(/\.js$/, '')}` : 'the reference';
  const builtin = /node:([\w/]+)/.exec(frame);
  return builtin ? `node:${builtin[1]}` : 'JavaScript (unnamed)';
}

/**
 * `perf script -F tid,ip,sym`: per sample, a line with its thread id (the main thread's is the
 * process's), then one tab-indented "address symbol" line per frame; a sample without a call
 * stack has its one frame on the thread's line.
 */
function parseSamples(text: string, pid: number): Sample[] {
  const samples: Array<Sample & { stack: string[] }> = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const thread = line.startsWith('\t') ? null : /^(\d+)\s*(.*)$/.exec(line.trim());
    if (thread) {
      const [, tid, frame] = thread;
      samples.push({ mainThread: Number(tid) === pid, stack: frame ? [symbolOf(frame)] : [] });
    } else {
      samples.at(-1)?.stack.push(symbolOf(line.trim()));
    }
  }
  return samples.filter((sample) => sample.stack.length > 0);
}

/** "address symbol" → symbol. */
function symbolOf(frame: string): string {
  return frame.slice(frame.indexOf(' ') + 1);
}

function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`${command} exited with ${code}`))));
  });
}
