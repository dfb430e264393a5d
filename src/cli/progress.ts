import { createRequire } from 'node:module';
import type cliProgress from 'cli-progress';
import type { ProgressListener } from '../common/progress.js';

/** Tasks smaller than this get no intermediate lines when stderr is not a terminal. */
const PLAIN_STEP_MINIMUM = 10_000;

export interface ProgressReporter {
  readonly listener: ProgressListener;
  /** Ends the current task's bar or line. */
  stop(): void;
}

/**
 * Progress on stderr: a bar per task (cli-progress) when stderr is a terminal; otherwise a plain
 * line every tenth of a large task, so that logs stay readable (commands print their summary).
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  return stream.isTTY ? barReporter(stream) : plainReporter(stream);
}

function barReporter(stream: NodeJS.WriteStream): ProgressReporter {
  // Required here, at a terminal only: every other command, and `--help`, does without its modules.
  const { Presets, SingleBar } = createRequire(import.meta.url)('cli-progress') as typeof cliProgress;
  const bar = new SingleBar(
    { stream, format: '{task} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}', hideCursor: true },
    Presets.shades_classic,
  );
  let task: string | undefined;
  return {
    listener(event) {
      if (event.task !== task) {
        if (task !== undefined) bar.stop();
        task = event.task;
        bar.start(event.total, event.done, { task: event.task });
      } else {
        bar.update(event.done);
      }
    },
    stop() {
      if (task !== undefined) bar.stop();
      task = undefined;
    },
  };
}

function plainReporter(stream: NodeJS.WriteStream): ProgressReporter {
  let task: string | undefined;
  let tenthsShown = 0;
  return {
    listener(event) {
      if (event.task !== task) {
        task = event.task;
        tenthsShown = 0;
      }
      if (event.total < PLAIN_STEP_MINIMUM) return;
      const tenths = Math.floor((event.done * 10) / event.total);
      if (tenths > tenthsShown) {
        tenthsShown = tenths;
        stream.write(`${event.task}: ${event.done}/${event.total}\n`);
      }
    },
    stop() {
      task = undefined;
    },
  };
}
