// The compile cache of the bundled CLI (src/cli/compile-cache.ts): V8 bytecode kept per user. It
// must only ever be this user's own, intact cache for this very bundle; anything else is ignored
// (and the run gives the same result), and GONOGO_COMPILE_CACHE=0 turns it off.
import { createHash } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Script } from "node:vm";
import { beforeAll, describe, expect, it } from "vitest";
import { compileCacheName, loadBundle, type CacheOutcome } from "../src/cli/compile-cache.js";
import { ROOT, ensureBuilt, runBin } from "./hardening-helpers.js";
import { tempProject } from "./helpers.js";

const BUNDLE = ['"use strict";', "exports.answer = function answer() { return require(\"node:path\").basename(__filename) + \" \" + 42; };", 'exports.fail = function fail() { throw new Error("boom"); };', ""].join("\n");

interface Bundle {
  exports: { answer(): string; fail(): never };
  outcome: CacheOutcome;
  done(): void;
}

function setup(source = BUNDLE) {
  const root = mkdtempSync(path.join(tmpdir(), "gonogo-compile-cache-"));
  const file = path.join(root, "bundle.cjs");
  writeFileSync(file, source);
  const cacheHome = path.join(root, "cache");
  const dir = path.join(cacheHome, "gonogo", "v8");
  const load = (env: NodeJS.ProcessEnv = {}, uid?: number): Bundle => {
    let outcome: CacheOutcome | undefined;
    const loaded = loadBundle<Bundle["exports"]>(file, { env: { XDG_CACHE_HOME: cacheHome, ...env }, flags: "--test", onOutcome: (o) => (outcome = o), ...(uid !== undefined ? { uid } : {}) });
    return { exports: loaded.exports, outcome: outcome!, done: loaded.done };
  };
  const caches = () => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".v8")) : []);
  const cacheFile = () => path.join(dir, caches()[0]!);
  return { root, file, dir, load, caches, cacheFile };
}

const uid = process.getuid!();

describe("the compile cache", () => {
  it("is written after a run (0600 in a 0700 directory) and used by the next one", () => {
    const t = setup();
    const first = t.load();
    expect(first.outcome).toBe("missing");
    expect(first.exports.answer()).toBe("bundle.cjs 42");
    expect(t.caches()).toEqual([]);
    first.done();
    expect(t.caches()).toHaveLength(1);
    expect(statSync(t.dir).mode & 0o777).toBe(0o700);
    expect(statSync(t.cacheFile()).mode & 0o777).toBe(0o600);
    const second = t.load();
    expect(second.outcome).toBe("used");
    expect(second.exports.answer()).toBe("bundle.cjs 42");
  });

  it("is keyed by the bundle's content: a changed bundle of the same length does not use the old cache", () => {
    const t = setup();
    const first = t.load();
    first.done();
    writeFileSync(t.file, BUNDLE.replace("42", "43"));
    const changed = t.load();
    expect(changed.outcome).toBe("missing");
    expect(changed.exports.answer()).toBe("bundle.cjs 43");
  });

  it("is off with GONOGO_COMPILE_CACHE=0: nothing read or written", () => {
    const t = setup();
    t.load().done();
    const off = t.load({ GONOGO_COMPILE_CACHE: "0" });
    expect(off.outcome).toBe("disabled");
    expect(off.exports.answer()).toBe("bundle.cjs 42");
    const fresh = setup();
    const none = fresh.load({ GONOGO_COMPILE_CACHE: "0" });
    none.done();
    expect(existsSync(fresh.dir)).toBe(false);
  });

  it("ignores a corrupt or truncated cache file, then rewrites it", () => {
    const t = setup();
    t.load().done();
    const bytes = readFileSync(t.cacheFile());
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    writeFileSync(t.cacheFile(), bytes);
    const corrupt = t.load();
    expect(corrupt.outcome).toBe("corrupt");
    expect(corrupt.exports.answer()).toBe("bundle.cjs 42");
    corrupt.done();
    expect(t.load().outcome).toBe("used");
    writeFileSync(t.cacheFile(), bytes.subarray(0, 30));
    expect(t.load().outcome).toBe("corrupt");
  });

  it("rewrites a cache V8 rejects (made for another script)", () => {
    // A source this process has never compiled (V8 would reuse its own compilation otherwise).
    const t = setup(`${BUNDLE}// ${process.hrtime.bigint()}\n`);
    // A well-formed file (magic and digest right) holding the bytecode of another script.
    const other = new Script("(function () { return 1; })").createCachedData();
    mkdirSync(t.dir, { recursive: true, mode: 0o700 });
    const name = path.join(t.dir, compileCacheName(readFileSync(t.file), "--test"));
    writeFileSync(name, Buffer.concat([Buffer.from("gonogo-v8-cache 1\n"), createHash("sha256").update(other).digest(), other]), { mode: 0o600 });
    const rejected = t.load();
    expect(rejected.outcome).toBe("rejected");
    expect(rejected.exports.answer()).toBe("bundle.cjs 42");
    rejected.done();
    expect(readFileSync(name).subarray(18 + 32)).not.toEqual(other);
    expect(t.load().outcome).toBe("used");
  });

  it("does not use a cache file others can write, nor a directory others can write (and writes nothing there)", () => {
    const t = setup();
    t.load().done();
    chmodSync(t.cacheFile(), 0o666);
    expect(t.load().outcome).toBe("untrusted");
    chmodSync(t.cacheFile(), 0o600);
    expect(t.load().outcome).toBe("used");
    chmodSync(t.dir, 0o777);
    const open = t.load();
    expect(open.outcome).toBe("unavailable");
    expect(open.exports.answer()).toBe("bundle.cjs 42");
  });

  it("does not use a directory or file of another user", () => {
    const t = setup();
    t.load().done();
    // The directory and file are this user's: acting as another one, they are someone else's.
    const other = t.load({}, uid + 1);
    expect(other.outcome).toBe("unavailable");
    expect(other.exports.answer()).toBe("bundle.cjs 42");
  });

  it.runIf(uid === 0)("does not use a cache file owned by another user (root: chown)", () => {
    const t = setup();
    t.load().done();
    chownSync(t.cacheFile(), 65534, 65534);
    expect(t.load().outcome).toBe("untrusted");
  });

  it("does not follow a symbolic link in place of the cache file, and replaces the link rather than its target", () => {
    const t = setup();
    t.load().done();
    const name = t.cacheFile();
    const target = path.join(t.root, "elsewhere.v8");
    const before = readFileSync(name);
    writeFileSync(target, before);
    unlinkSync(name);
    symlinkSync(target, name);
    const linked = t.load();
    expect(linked.outcome).toBe("missing");
    linked.done();
    // The target is untouched (V8's cache for the same script need not be the same bytes each time:
    // compare with what the target held, not with the new cache).
    expect(readFileSync(target)).toEqual(before);
    expect(statSync(name).isFile()).toBe(true);
    expect(t.load().outcome).toBe("used");
  });

  it("is not kept inside the working directory (HOME set to a checkout)", () => {
    const t = setup();
    const insideCwd = path.join(process.cwd(), "no-such-cache-dir");
    const run = t.load({ XDG_CACHE_HOME: insideCwd });
    expect(run.outcome).toBe("unavailable");
    run.done();
    expect(existsSync(insideCwd)).toBe(false);
  });

  it("keeps stack traces naming the bundle file, line and column, with and without the cache", () => {
    const t = setup();
    for (const run of [t.load(), t.load({ GONOGO_COMPILE_CACHE: "0" })]) {
      let stack = "";
      try {
        run.exports.fail();
      } catch (error) {
        stack = (error as Error).stack ?? "";
      }
      expect(stack).toContain(`${t.file}:3:40`);
      run.done();
    }
  });

  it("keeps one cache per variant (kind of run), each used by its own kind only", () => {
    const t = setup();
    const load = (variant: string) => {
      let outcome: CacheOutcome | undefined;
      const loaded = loadBundle(t.file, { env: { XDG_CACHE_HOME: path.dirname(path.dirname(t.dir)) }, flags: "--test", variant, onOutcome: (o) => (outcome = o) });
      return { outcome, done: loaded.done };
    };
    const scan = load("scan");
    expect(scan.outcome).toBe("missing");
    scan.done();
    expect(load("other").outcome).toBe("missing");
    expect(load("scan").outcome).toBe("used");
    expect(t.caches()).toHaveLength(1);
  });

  it("keeps at most 12 caches per directory, dropping the oldest", () => {
    const t = setup();
    mkdirSync(t.dir, { recursive: true, mode: 0o700 });
    for (let i = 0; i < 14; i++) {
      const name = path.join(t.dir, `${String(i).padStart(64, "0")}.v8`);
      writeFileSync(name, "x", { mode: 0o600 });
      utimesSync(name, 1000 + i, 1000 + i);
    }
    t.load().done();
    expect(t.caches()).toHaveLength(12);
    expect(t.caches()).not.toContain(`${"0".repeat(64)}.v8`);
    expect(t.caches()).not.toContain(`${"2".padStart(64, "0")}.v8`);
    expect(t.caches()).toContain(`${"3".padStart(64, "0")}.v8`);
  });
});

describe("the compile cache's leftovers", () => {
  it("removes a temporary file a killed run left over an hour ago, not one being written now", () => {
    const t = setup();
    mkdirSync(t.dir, { recursive: true, mode: 0o700 });
    const stale = path.join(t.dir, `.${"a".repeat(64)}.v8.4242.tmp`);
    const fresh = path.join(t.dir, `.${"b".repeat(64)}.v8.4343.tmp`);
    const other = path.join(t.dir, "notes.tmp");
    for (const name of [stale, fresh, other]) writeFileSync(name, "partial", { mode: 0o600 });
    const twoHoursAgo = Date.now() / 1000 - 2 * 3600;
    utimesSync(stale, twoHoursAgo, twoHoursAgo);
    utimesSync(other, twoHoursAgo, twoHoursAgo);
    const loaded = t.load();
    expect(loaded.outcome).toBe("missing");
    loaded.done();
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(existsSync(other)).toBe(true); // not a name gonogo writes: left alone
    expect(t.caches()).toHaveLength(1);
  });
});

describe("the compile cache, through bin/gonogo.js", () => {
  beforeAll(() => ensureBuilt(), 600_000);

  it("gives the same report and exit code: without cache, writing it, using it, corrupt, turned off", async () => {
    const cwd = tempProject({
      "db/versions/a1.py": 'from alembic import op\n\nrevision = "a1"\ndown_revision = None\n\n\ndef upgrade():\n    op.drop_table("users")\n\n\ndef downgrade():\n    pass\n',
    });
    const cacheHome = mkdtempSync(path.join(tmpdir(), "gonogo-compile-cache-home-"));
    const run = (env: NodeJS.ProcessEnv = {}) =>
      runBin(["scan", "--no-config", "--format", "json", "."], { cwd, env: { XDG_CACHE_HOME: cacheHome, GONOGO_COMPILE_CACHE_DEBUG: "1", ...env } });
    const dir = path.join(cacheHome, "gonogo", "v8");
    const off = await run({ GONOGO_COMPILE_CACHE: "0" });
    expect(off.stderr).toMatch(/^gonogo: compile cache disabled \(/);
    expect(off.code).toBe(1);
    expect(off.stdout).toContain('"ruleId": "sql/drop-table"');
    expect(existsSync(dir)).toBe(false);
    const writing = await run();
    expect(writing.stderr).toMatch(/^gonogo: compile cache missing \(/);
    const using = await run();
    expect(using.stderr).toMatch(/^gonogo: compile cache used \(/);
    const file = path.join(dir, readdirSync(dir).find((n) => n.endsWith(".v8"))!);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(file, bytes);
    const corrupt = await run();
    expect(corrupt.stderr).toMatch(/^gonogo: compile cache corrupt \(/);
    for (const r of [writing, using, corrupt]) {
      expect(r.code).toBe(off.code);
      expect(r.stdout).toBe(off.stdout);
    }
    expect((await run()).stderr).toMatch(/^gonogo: compile cache used \(/);
    expect(readFileSync(path.join(ROOT, "bin", "gonogo.js"), "utf8")).toContain('"gonogo.cjs"');
  }, 120_000);
});
