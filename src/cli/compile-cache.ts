// Loads the bundled CLI (dist/cli/gonogo.cjs) with V8's code cache. Node 20 compiles the 1.9 MB
// bundle from source on every run (~0.1 s of a 0.3 s `gonogo --version`) and has no compile cache
// of its own (module.enableCompileCache() is Node ≥ 22.1), so the bundle is compiled here as one
// classic script (vm.Script) and the bytecode V8 produced for it is kept for the next run.
//
// The cache holds bytecode that runs as gonogo, so it must come from this user only:
// - it lives in `$XDG_CACHE_HOME/gonogo/v8` (else `~/.cache/gonogo/v8`), created 0700; a directory
//   or file that is not this user's, is group/world-writable, or is a symbolic link is not used;
// - each file is named by the SHA-256 of the bundle's bytes, the Node version, the architecture
//   and the V8 flags, and carries a SHA-256 of its payload, checked before V8 sees it (V8 itself
//   checks only versions, flags and the source length);
// - every failure to read, check or write it only costs speed: the bundle then compiles from source,
//   and the result and exit code are the same. `GONOGO_COMPILE_CACHE=0` turns it off.
// A cache V8 rejects, or none, is (re)written atomically after the run, so that it also holds the
// functions the run compiled lazily.
import { isAscii } from "node:buffer";
import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { Script } from "node:vm";

/** The bundle's exports, and `done()`: call it once the command has finished (writes the cache when needed). */
export interface LoadedBundle<T> {
  exports: T;
  done(): void;
}

/** What happened to the cache on this run (for tests and `GONOGO_COMPILE_CACHE_DEBUG`). */
export type CacheOutcome = "disabled" | "unavailable" | "missing" | "untrusted" | "corrupt" | "rejected" | "used";

const MAGIC = Buffer.from("gonogo-v8-cache 1\n");
const DIGEST_BYTES = 32;
/** A cache file larger than this is not read (the bundle's cache is a few MB). */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;
/** Caches kept per directory (other gonogo versions, Node versions, variants); the oldest go first. */
const KEEP = 12;
const NAME = /^[0-9a-f]{64}\.v8$/;
/** A writer's temporary file (`.<name>.<pid>.tmp`): one older than STALE_MS was left by a killed run. */
const TEMPORARY = /^\.[0-9a-f]{64}\.v8\.\d+\.tmp$/;
const STALE_MS = 60 * 60 * 1000;
// The bundle as a function of CommonJS's five names, as Node's loader wraps it. The wrapper's first
// line is not counted (lineOffset -1): stack traces give the bundle's own lines and columns.
const WRAP_START = "(function (exports, require, module, __filename, __dirname) {\n";
const WRAP_END = "\n})";

/** Whether the cache is turned off (`GONOGO_COMPILE_CACHE=0`, `false` or `off`). */
export function compileCacheDisabled(env: NodeJS.ProcessEnv): boolean {
  return ["0", "false", "off"].includes((env.GONOGO_COMPILE_CACHE ?? "").trim().toLowerCase());
}

/** `$XDG_CACHE_HOME/gonogo/v8` (when absolute), else `~/.cache/gonogo/v8`; undefined without a home. */
export function compileCacheDirectory(env: NodeJS.ProcessEnv): string | undefined {
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, "gonogo", "v8");
  try {
    const home = os.homedir();
    return home ? path.join(home, ".cache", "gonogo", "v8") : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The cache file's name for a bundle: V8 accepts a cache for any source of the same length (and
 * would run the old bytecode), so the name covers the bundle's every byte.
 */
export function compileCacheName(bundle: Uint8Array, flags: string, variant = ""): string {
  return `${createHash("sha256").update(`gonogo ${process.version} ${process.arch} ${flags} ${variant}\n`).update(bundle).digest("hex")}.v8`;
}

/** Whether `stat` (from lstat or fstat) is this user's and writable by nobody else. */
function ownedByUs(stat: { uid: number; mode: number }, uid: number): boolean {
  return stat.uid === uid && (stat.mode & 0o022) === 0;
}

/** Whether `dir` is `cwd` or inside it. */
function inside(dir: string, cwd: string): boolean {
  const relative = path.relative(cwd, dir);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/**
 * The cache directory, created if missing, when it is safe to use; else undefined. Not one inside
 * the working directory (HOME set to a checkout): a checkout could ship a cache file of its own,
 * and it would be this user's.
 */
function trustedDirectory(env: NodeJS.ProcessEnv, uid: number): string | undefined {
  const dir = compileCacheDirectory(env);
  if (dir === undefined) return undefined;
  try {
    if (inside(dir, process.cwd())) return undefined;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    if (!stat.isDirectory() || !ownedByUs(stat, uid) || inside(realpathSync(dir), realpathSync(process.cwd()))) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** The payload of a cache file when the file is trustworthy and intact. */
function readCache(file: string, uid: number): { data?: Buffer; outcome: CacheOutcome } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return { outcome: "missing" };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || !ownedByUs(stat, uid) || stat.size > MAX_CACHE_BYTES) return { outcome: "untrusted" };
    const bytes = readFileSync(fd);
    const header = MAGIC.length + DIGEST_BYTES;
    if (bytes.length <= header || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return { outcome: "corrupt" };
    const data = bytes.subarray(header);
    const digest = createHash("sha256").update(data).digest();
    if (!digest.equals(bytes.subarray(MAGIC.length, header))) return { outcome: "corrupt" };
    return { data, outcome: "used" };
  } catch {
    return { outcome: "corrupt" };
  } finally {
    closeSync(fd);
  }
}

/** Writes `data` as `file` through a fresh temporary file and a rename; drops the oldest caches beyond KEEP. */
function writeCache(dir: string, file: string, data: Buffer): void {
  const temporary = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = openSync(temporary, "wx", 0o600);
  try {
    const digest = createHash("sha256").update(data).digest();
    for (const part of [MAGIC, digest, data]) {
      for (let written = 0; written < part.length; ) written += writeSync(fd, part, written);
    }
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temporary, file);
  } catch (error) {
    unlinkSync(temporary);
    throw error;
  }
  const names = readdirSync(dir);
  // A run killed while writing leaves its temporary file; one still being written is younger.
  for (const name of names.filter((n) => TEMPORARY.test(n))) {
    const temporaryFile = path.join(dir, name);
    if (Date.now() - lstatSync(temporaryFile).mtimeMs > STALE_MS) unlinkSync(temporaryFile);
  }
  const caches = names
    .filter((name) => NAME.test(name) && name !== path.basename(file))
    .map((name) => ({ name, mtime: lstatSync(path.join(dir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of caches.slice(KEEP - 1)) unlinkSync(path.join(dir, old.name));
}

/**
 * Runs the CommonJS bundle `file` and returns its exports. `flags` are the V8 flags the process set
 * (part of the cache's name: V8 rejects a cache made under other flags).
 */
export function loadBundle<T>(
  file: string,
  options: {
    env?: NodeJS.ProcessEnv;
    flags?: string;
    /**
     * Which kind of run this is (e.g. the command): each kind keeps its own cache, which then holds
     * the functions that kind of run compiles (a cache written by `--version` lacks the scan's).
     */
    variant?: string;
    onOutcome?: (outcome: CacheOutcome) => void;
    /** tests: act as this user */
    uid?: number;
  } = {},
): LoadedBundle<T> {
  const env = options.env ?? process.env;
  const started = process.hrtime.bigint();
  const report = (outcome: CacheOutcome) => {
    options.onOutcome?.(outcome);
    if (env.GONOGO_COMPILE_CACHE_DEBUG) process.stderr.write(`gonogo: compile cache ${outcome} (${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(1)} ms)\n`);
  };
  const require = createRequire(file);
  const uid = options.uid ?? (typeof process.getuid === "function" ? process.getuid() : undefined);
  if (compileCacheDisabled(env) || uid === undefined) {
    report("disabled");
    return { exports: require(file) as T, done: () => undefined };
  }

  const bytes = readFileSync(file);
  const dir = trustedDirectory(env, uid);
  const cacheFile = dir === undefined ? undefined : path.join(dir, compileCacheName(bytes, options.flags ?? "", options.variant));
  const cached = cacheFile === undefined ? { outcome: "unavailable" as const } : readCache(cacheFile, uid);
  // The bundle is ASCII (scripts/bundle-cli.mjs): Latin-1 gives V8 a one-byte string without UTF-8 decoding.
  const source = isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
  const script = new Script(WRAP_START + source + WRAP_END, {
    filename: file,
    lineOffset: -1,
    ...(cached.data ? { cachedData: cached.data } : {}),
  });
  const outcome: CacheOutcome = cached.data && script.cachedDataRejected ? "rejected" : cached.outcome;
  report(outcome);

  const module = { exports: {} as T };
  const wrapper = script.runInThisContext() as (exports: T, require: NodeJS.Require, module: { exports: T }, filename: string, dirname: string) => void;
  wrapper.call(module.exports, module.exports, require, module, file, path.dirname(file));
  let finished = false;
  return {
    exports: module.exports,
    done: () => {
      if (finished || outcome === "used" || dir === undefined || cacheFile === undefined) return;
      finished = true;
      try {
        writeCache(dir, cacheFile, script.createCachedData());
      } catch {
        // An unwritable cache costs the next run its compile, nothing else.
      }
    },
  };
}
