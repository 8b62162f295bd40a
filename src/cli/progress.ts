// A progress bar for long scans: on stderr, only when stderr is a terminal and the scan has been
// running for more than about a second (short scans, pipes and CI logs stay clean).

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  stream: ProgressStream;
  /** Milliseconds clock; injectable for tests. Default `performance.now`. */
  now?: () => number;
  /** Nothing is drawn before the scan has run this long (default 1000 ms). */
  delayMs?: number;
  /** Redraw at most this often (default 80 ms), except for the last file. */
  intervalMs?: number;
  /** `TERM=dumb` terminals cannot move the cursor: no bar there. */
  env?: NodeJS.ProcessEnv;
  label?: string;
}

export interface ProgressReporter {
  /** Pass as `ScanOptions.onProgress`. */
  update(done: number, total: number): void;
  /** Clears the bar, if one was drawn. Call when the scan ends, also on failure. */
  finish(): void;
  /** Whether anything has been drawn. */
  readonly shown: boolean;
}

const CLEAR_LINE = "\r\u001b[2K";

export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  const now = options.now ?? (() => performance.now());
  const delay = options.delayMs ?? 1000;
  const interval = options.intervalMs ?? 80;
  const label = options.label ?? "scanning";
  const enabled = Boolean(options.stream.isTTY) && options.env?.TERM !== "dumb";
  const started = now();
  let lastDraw = -Infinity;
  let shown = false;
  return {
    get shown() {
      return shown;
    },
    update(done, total) {
      if (!enabled || total <= 0) return;
      const t = now();
      if (t - started < delay) return;
      if (done < total && t - lastDraw < interval) return;
      lastDraw = t;
      shown = true;
      options.stream.write(CLEAR_LINE + renderBar(label, done, total, options.stream.columns ?? 80));
    },
    finish() {
      if (shown) options.stream.write(CLEAR_LINE);
      shown = false;
    },
  };
}

/** `scanning ▕██████░░░░░░▏ 120/400 files  30%`, fitted to the terminal width. */
export function renderBar(label: string, done: number, total: number, columns: number): string {
  const clamped = Math.min(Math.max(done, 0), total);
  const ratio = total === 0 ? 1 : clamped / total;
  const tail = ` ${clamped}/${total} files ${String(Math.floor(ratio * 100)).padStart(3)}%`;
  const width = Math.max(10, Math.min(40, columns - label.length - tail.length - 4));
  const filled = Math.round(ratio * width);
  return `${label} ▕${"█".repeat(filled)}${"░".repeat(width - filled)}▏${tail}`;
}
