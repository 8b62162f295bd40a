// Paths written in a config are relative to the config file's directory, as in ESLint's flat config
// and Ruff: `migrations:`, `ignore` and `overrides[].files` mean the same files whether gonogo runs
// in that directory, above it (`gonogo scan DIR`) or below it. Scanned and reported paths stay
// relative to the working directory; the config's globs match each path taken relative to the
// config's directory, and its directories are turned into paths relative to the working directory.
import path from "node:path";
import picomatch from "picomatch";
import type { GonogoConfig } from "./config.js";

export interface ConfigBase {
  /** The scan's working directory (absolute): scanned and reported paths are relative to it. */
  cwd: string;
  /** The config file's directory (absolute); the working directory when there is no config file. */
  dir: string;
}

export function configBase(cwd: string, configFile: string | undefined): ConfigBase {
  const resolved = path.resolve(cwd);
  return { cwd: resolved, dir: configFile === undefined ? resolved : path.dirname(path.resolve(resolved, configFile)) };
}

const toPosix = (p: string) => p.split(path.sep).join("/");
const outside = (rel: string) => rel === ".." || rel.startsWith("../") || path.isAbsolute(rel);

/**
 * The config's globs as a matcher of paths relative to the working directory (POSIX; a trailing
 * `/` marks a directory). Each path is matched relative to the config's directory; a path outside
 * that directory matches none of them. With the config in the working directory: picomatch as is.
 */
export function configGlobMatcher(globs: readonly string[], base: ConfigBase | undefined): (file: string) => boolean {
  const match = picomatch([...globs], { dot: true });
  if (!base || base.dir === base.cwd || globs.length === 0) return match;
  return (file) => {
    const rel = toPosix(path.relative(base.dir, path.resolve(base.cwd, file)));
    if (outside(rel)) return false;
    return match((rel === "" ? "." : rel) + (file.endsWith("/") && rel !== "" ? "/" : ""));
  };
}

/** A directory written in the config, as a POSIX path relative to the working directory (may start with `../`). */
export function configDirectory(dir: string, base: ConfigBase): string {
  return toPosix(path.relative(base.cwd, path.resolve(base.dir, dir))) || ".";
}

/** The config with its `migrations:` relative to the working directory (unchanged when the config is there). */
export function withConfigMigrations(config: GonogoConfig, base: ConfigBase): GonogoConfig {
  if (base.dir === base.cwd || config.migrations === undefined) return config;
  const dir = (d: string) => configDirectory(d, base);
  return { ...config, migrations: [config.migrations].flat().map((m) => (Array.isArray(m) ? m.map(dir) : dir(m))) };
}

/**
 * Where a scan may read project files it was not given (alembic.ini, env.py, the other version
 * locations of an Alembic environment): the working directory's tree and the config's directory's.
 */
export function projectRoots(base: ConfigBase | undefined, cwd: string): string[] {
  const resolved = path.resolve(cwd);
  return base && base.dir !== resolved ? [resolved, base.dir] : [resolved];
}

/**
 * The highest directory a walk up from a scanned directory reads (for alembic.ini, env.py): the
 * working directory, or the config's directory when the working directory is below it. POSIX,
 * relative to the working directory: `.` or `..`, `../..`…
 */
export function walkTop(base: ConfigBase | undefined): string {
  if (!base) return ".";
  const rel = toPosix(path.relative(base.cwd, base.dir));
  return rel !== "" && rel.split("/").every((s) => s === "..") ? rel : ".";
}

/**
 * Whether a walk up from `dir` (POSIX, relative to the working directory) goes on to its parent:
 * until `top` (see walkTop). A directory outside the working directory (`../x`) is walked up to
 * its first `..` only, as before configs above the working directory counted.
 */
export function walksAbove(dir: string, top: string): boolean {
  if (dir === top || dir === "/") return false;
  const ups = (d: string) => (d === "." ? 0 : d.split("/").every((s) => s === "..") ? d.split("/").length : -1);
  const own = ups(dir);
  return own < 0 || own < ups(top);
}

/** The parent of a directory relative to the working directory (POSIX): `..` above `.`, `../..` above `..`. */
export function parentDirectory(dir: string): string {
  if (dir === ".") return "..";
  if (dir.split("/").every((s) => s === "..")) return `${dir}/..`;
  return path.posix.dirname(dir);
}
