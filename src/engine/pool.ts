// Parsing across cores: files whose extractors need nothing but their own text (Python and SQL) are
// analysed in worker threads (piscina), in batches; everything else stays on the main thread.
// Workers exist only in the built package (dist/, .js): under a TypeScript runner the same
// analysis runs in-thread, so tests exercise exactly the code the workers run.
import { availableParallelism } from "node:os";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isSqlFile, type ExtractContext } from "../extract/index.js";
import { analyseUncached, type Analysis, type AnalysisInput } from "./pool-worker.js";

/** Below this many files, starting workers (≈100 ms each) costs more than it saves. */
export const MIN_FILES_FOR_WORKERS = 200;
const BATCH_SIZE = 48;

const workerFile = new URL("./pool-worker.js", import.meta.url);

/** Whether `file` may be analysed off the main thread (its extractor reads no sibling files). */
export function isWorkerSafe(file: string): boolean {
  return file.endsWith(".py") || isSqlFile(file);
}

/**
 * How many worker threads to use for `count` files with `jobs` requested (undefined: automatic).
 * `jobs` counts the threads that parse. When `mainTakesPart` (a scan whose files for workers are
 * all SQL), the main thread is one of them: it takes batches as the workers do instead of waiting
 * for them (one worker fewer to start, warm up and send results back). Python stays off the main
 * thread: its heap holds every file's text and facts, and tree-sitter parsing there cost ~10 % more
 * CPU and ~15 MB more peak memory on 10,000 migrations (bench/RESULTS.md, round 2).
 */
export function workerCount(count: number, jobs: number | undefined, mainTakesPart = false): number {
  const main = mainTakesPart ? 1 : 0;
  if (jobs !== undefined) return jobs <= 1 ? 0 : jobs - main;
  if (count < MIN_FILES_FOR_WORKERS) return 0;
  return Math.min(availableParallelism(), Math.ceil(count / BATCH_SIZE)) - main;
}

/**
 * Whether worker threads can run: only from built JavaScript, where the worker script sits beside
 * this code (dist/src/engine/ for the library, dist/cli/ for the bundled CLI). Built code without
 * it is a broken build: asked for threads (`--jobs 2`), it says so instead of running slower.
 */
function workersAvailable(jobs: number | undefined): boolean {
  if (!workerFile.pathname.endsWith(".js")) return false;
  if (existsSync(fileURLToPath(workerFile))) return true;
  if (jobs !== undefined && jobs > 1) throw new Error(`--jobs ${jobs}: the worker script ${fileURLToPath(workerFile)} is missing (rebuild gonogo)`);
  return false;
}

/** The pool's settings for `threads` workers (see the comment where the pool is made). */
async function createPool(threads: number, mainTakesPart: boolean): Promise<import("piscina").Piscina> {
  const { Piscina } = await import("piscina");
  // atomics "disabled": a worker waiting for its next task must let its event loop turn, or
  // tree-sitter's finalizers never run and the worker keeps every tree it parsed. A small young
  // generation: a worker's objects are short-lived (one batch); measured on 10,000 migrations it
  // takes the peak RSS from 320 MB to 250 MB at the same speed. 3 MB, not 4, since the extractor
  // makes less garbage (round 2, third pass): tree-sitter trees are freed only after a collection,
  // and with fewer collections more of them waited (peak RSS 252 → 230 MB, CPU ×1.01, 10,000
  // annotated migrations, bench/RESULTS.md). Two tasks per worker when the main
  // thread parses too: a worker has its next batch in hand while the main thread, busy with a batch
  // of its own, cannot send one.
  return new Piscina({
    filename: workerFile.href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 1000,
    atomics: "disabled",
    concurrentTasksPerWorker: mainTakesPart ? 2 : 1,
    resourceLimits: { maxYoungGenerationSizeMb: 3 },
  });
}

/** Worker threads started before the texts they will parse are read (prestartWorkers). */
export class StartedWorkers {
  private taken = false;

  constructor(
    private readonly pool: import("piscina").Piscina,
    private readonly threads: number,
    private readonly mainTakesPart: boolean,
  ) {}

  /** The pool, once, if it is the one analyseAll would make; else it is closed. */
  async take(threads: number, mainTakesPart: boolean): Promise<import("piscina").Piscina | undefined> {
    if (this.taken) return undefined;
    this.taken = true;
    if (threads === this.threads && mainTakesPart === this.mainTakesPart) return this.pool;
    await this.pool.destroy();
    return undefined;
  }

  /** Closes the pool if no analysis took it (a scan that ended early). */
  async close(): Promise<void> {
    if (this.taken) return;
    this.taken = true;
    await this.pool.destroy();
  }
}

/**
 * Starts the worker threads a scan of `files` will want, before their texts are read: a worker's
 * start-up (its thread, the bundle, then its first batch) otherwise begins only once the main
 * thread has read every file. The count is analyseAll's for these files read in full (`report`:
 * the reported ones, the others being header-only context); analyseAll uses the pool only if it
 * comes to the same count. Undefined when no worker would run.
 */
export async function prestartWorkers(files: string[], report: ReadonlySet<string> | undefined, jobs: number | undefined): Promise<StartedWorkers | undefined> {
  const parsed = files.filter((file) => isWorkerSafe(file) && (!report || report.has(file)));
  const mainTakesPart = files.every((file) => !isWorkerSafe(file) || isSqlFile(file));
  const threads = workerCount(parsed.length, jobs, mainTakesPart);
  if (threads === 0 || !workersAvailable(jobs)) return undefined;
  return new StartedWorkers(await createPool(threads, mainTakesPart), threads, mainTakesPart);
}

/**
 * Analyses every input; results come back in input order. `onDone` is told each finished count.
 */
export async function analyseAll(
  inputs: AnalysisInput[],
  context: ExtractContext,
  options: { jobs?: number; onDone?: (count: number) => void; started?: StartedWorkers } = {},
): Promise<Analysis[]> {
  // Header-only context files are cheap: only full analyses are worth a thread.
  const parsed = inputs.filter((i) => isWorkerSafe(i.file) && !i.headerOnly);
  const mainTakesPart = inputs.every((i) => !isWorkerSafe(i.file) || isSqlFile(i.file));
  const threads = workersAvailable(options.jobs) ? workerCount(parsed.length, options.jobs, mainTakesPart) : 0;
  const results: Analysis[] = new Array(inputs.length);
  let done = 0;
  const finished = (n: number) => options.onDone?.((done += n));
  if (threads === 0) {
    await options.started?.close();
    for (const [index, input] of inputs.entries()) {
      results[index] = await analyseUncached(input, context);
      finished(1);
      // Native parsers (tree-sitter) free a tree in a finalizer that runs only when the event loop
      // turns; without a turn now and then, every tree of the scan stays in memory until the end.
      if (index % 32 === 31) await new Promise((resolve) => setImmediate(resolve));
    }
    return results;
  }

  const pool = (await options.started?.take(threads, mainTakesPart)) ?? (await createPool(threads, mainTakesPart));
  const serializable = { dialect: context.dialect, migrationDirectories: context.migrationDirectories };
  const inThread = async (indexes: number[]): Promise<void> => {
    for (const [k, index] of indexes.entries()) {
      results[index] = await analyseUncached(inputs[index]!, context);
      // Often: the workers' results (and their next batches) wait for this loop to turn.
      if (k % 8 === 7) await new Promise((resolve) => setImmediate(resolve));
    }
    finished(indexes.length);
  };
  try {
    const local: number[] = [];
    const batches: number[][] = [];
    let batch: number[] = [];
    for (const [index, input] of inputs.entries()) {
      if (!isWorkerSafe(input.file)) local.push(index);
      else if (batch.push(index) >= BATCH_SIZE) {
        batches.push(batch);
        batch = [];
      }
    }
    if (batch.length > 0) batches.push(batch);
    let next = 0;
    const take = (): number[] | undefined => batches[next++];
    // Each worker is fed two batches at a time, the next one as soon as one comes back.
    const feed = async (): Promise<void> => {
      for (let indexes = take(); indexes; indexes = take()) {
        let analyses: Analysis[] | undefined;
        try {
          analyses = (await pool.run({ inputs: indexes.map((i) => inputs[i]!), context: serializable })) as Analysis[];
        } catch {
          // A worker that died (not an extractor error: those are caught in the worker) must not
          // lose its batch: analyse it here instead.
        }
        if (analyses) {
          const done = analyses;
          indexes.forEach((index, k) => (results[index] = done[k]!));
          finished(indexes.length);
        } else await inThread(indexes);
      }
    };
    const feeders = Array.from({ length: threads * (mainTakesPart ? 2 : 1) }, feed);
    // Files that need the main thread (Terraform reads its module's other files) first, then the
    // main thread takes batches like a worker.
    for (const index of local) {
      results[index] = await analyseUncached(inputs[index]!, context);
      finished(1);
    }
    if (mainTakesPart) for (let indexes = take(); indexes; indexes = take()) await inThread(indexes);
    await Promise.all(feeders);
  } finally {
    await pool.destroy();
  }
  return results;
}
