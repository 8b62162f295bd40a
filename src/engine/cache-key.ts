// The secret the `--cache` file is bound to. Cached facts decide what a scan reports, and the cache
// file usually sits in the checkout (`.gonogocache`), where a change could commit a forged one that
// says a migration drops nothing. Each cache document therefore carries an HMAC under a key the
// checkout cannot supply: `GONOGO_CACHE_KEY` (CI: a secret, so a restored cache stays valid across
// runners), else a random key gonogo keeps in the user's cache directory, outside any work tree.
// A document whose MAC does not verify is ignored (start afresh), never trusted.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** Where gonogo keeps its per-user cache key: `$XDG_CACHE_HOME/gonogo/cache-key`, else `~/.cache/gonogo/cache-key`. */
export function userCacheKeyFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : (() => {
    try {
      return path.join(os.homedir(), ".cache");
    } catch {
      return undefined;
    }
  })();
  return base === undefined ? undefined : path.join(base, "gonogo", "cache-key");
}

const KEY = /^[0-9a-f]{64}$/;

/**
 * The key for a cache used from `cwd`: `given` when set, else the user's key file (created on first
 * use, mode 0600). A key file inside `cwd` could be part of the checkout, so it is not used; nor is
 * one that is not a regular file. Without a usable key file, a key for this process only: the cache
 * then serves this run alone, which costs time, never correctness.
 */
export function cacheKey(cwd: string, given?: string): string {
  if (given !== undefined && given !== "") return given;
  const file = userCacheKeyFile();
  const inside = file !== undefined && !path.relative(path.resolve(cwd), file).startsWith("..") && !path.isAbsolute(path.relative(path.resolve(cwd), file));
  if (file === undefined || inside) return randomBytes(32).toString("hex");
  try {
    if (lstatSync(file).isFile()) {
      const text = readFileSync(file, "utf8").trim();
      if (KEY.test(text)) return text;
    }
    return randomBytes(32).toString("hex");
  } catch {
    // Missing: create it (another process may win the race; then read theirs).
  }
  const fresh = randomBytes(32).toString("hex");
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${fresh}\n`, { flag: "wx", mode: 0o600 });
    return fresh;
  } catch {
    try {
      const text = readFileSync(file, "utf8").trim();
      if (KEY.test(text)) return text;
    } catch {
      // unwritable home: this process only
    }
    return fresh;
  }
}

/** HMAC-SHA256 under `key` of the concatenation of `parts` (a string counts as its UTF-8 bytes), hex. */
export function cacheMac(key: string, ...parts: (string | Uint8Array)[]): string {
  const hmac = createHmac("sha256", key);
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
}

/** Whether `mac` is the MAC of `parts` under `key` (constant-time compare). */
export function verifyCacheMac(key: string, mac: unknown, ...parts: (string | Uint8Array)[]): boolean {
  if (typeof mac !== "string" || !/^[0-9a-f]{64}$/.test(mac)) return false;
  return timingSafeEqual(Buffer.from(cacheMac(key, ...parts), "hex"), Buffer.from(mac, "hex"));
}
