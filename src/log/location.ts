// Where the deployment log is, from the config's `log:`:
//   log: path/to/deployments.jsonl                     the file backend (the default, .gonogo/deployments.jsonl)
//   log: { backend: file, path: path/to/file.jsonl }
//   log: { url: env:GONOGO_LOG_URL }                    PostgreSQL, the URL read from the environment
//   log: { backend: postgres, url: postgres://gonogo@db.internal/deploys }
// A URL written in the config never holds a password (PGPASSWORD, ~/.pgpass or the env: URL do).
import path from "node:path";
import { readFileSync } from "node:fs";
import { ConfigError } from "../errors.js";
import { lineOf, parseStructuredText } from "../engine/structured-text.js";
import type { LogLocation } from "./types.js";
import { defaultLogPath, LEGACY_LOG_PATH, type LogTrust } from "../engine/log-location.js";

/**
 * What the trust check needs of a file log (undefined for PostgreSQL, which the change cannot
 * write): whether the config named it, and whether it may sit inside the work tree.
 */
export function logTrustOf(location: LogLocation, o: { setting: LogSetting | undefined; logInWorkTree?: boolean; baseDir: string; file?: string; override?: boolean }): LogTrust | undefined {
  if (location.backend !== "file") return undefined;
  const named = o.override === true || typeof o.setting === "string" || (typeof o.setting === "object" && o.setting.path !== undefined);
  return {
    path: location.path,
    source: o.override ? "--log" : named ? `${o.file ?? "config"}: log` : "the default location",
    explicit: named,
    inWorkTreeAllowed: o.logInWorkTree === true,
    projectRoot: o.baseDir,
  };
}

/** The default before the log moved out of the work tree (relative to the config file's directory). */
export const DEFAULT_LOG_PATH = LEGACY_LOG_PATH;

/** The `log:` setting as the config schema admits it. */
export type LogSetting = string | { backend?: "file" | "postgres"; path?: string; url?: string };

function configError(file: string | undefined, segments: string[], message: string): ConfigError {
  let position = "";
  if (file) {
    try {
      const { document, lineCounter } = parseStructuredText(file, readFileSync(file, "utf8"), "a gonogo config");
      position = lineOf(document, lineCounter, segments);
    } catch {
      // The file was valid a moment ago; without it the message still names the file and the path.
    }
  }
  const at = segments.join(".");
  return new ConfigError(`${file ?? "config"}${position}: ${at} ${message}`, file, at);
}

/** A password written into a postgres:// URL (user:password@host), if any. */
function inlinePassword(url: string): boolean {
  try {
    if (new URL(url).password !== "") return true;
  } catch {
    // Not a URL the WHATWG parser reads; libpq's keyword form below still counts.
  }
  return /[?&]password=/i.test(url);
}

/**
 * The log's location. `baseDir`: the config file's directory (relative paths resolve against it);
 * `env`: where `env:NAME` URLs are read when the log is opened.
 */
export function logLocationOf(setting: LogSetting | undefined, options: { baseDir: string; file?: string; env?: Record<string, string | undefined>; project?: string }): LogLocation {
  // No path: outside the work tree, one per project (engine/log-location.ts says why).
  const defaultPath = (): string => defaultLogPath(options.project, options.baseDir, options.env ?? process.env);
  if (setting === undefined) return { backend: "file", path: defaultPath() };
  if (typeof setting === "string") return { backend: "file", path: path.resolve(options.baseDir, setting) };
  const backend = setting.backend ?? (setting.url !== undefined ? "postgres" : "file");
  if (backend === "file") {
    if (setting.url !== undefined) throw configError(options.file, ["log", "url"], "is for the postgres backend; the file backend takes `path`");
    return { backend: "file", path: setting.path !== undefined ? path.resolve(options.baseDir, setting.path) : defaultPath() };
  }
  if (setting.path !== undefined) throw configError(options.file, ["log", "path"], "is for the file backend; the postgres backend takes `url`");
  const url = setting.url;
  if (url === undefined) throw configError(options.file, ["log"], "needs `url` for the postgres backend (env:GONOGO_LOG_URL, or a postgres:// URL without a password)");
  if (!/^env:[A-Za-z_][A-Za-z0-9_]*$/.test(url)) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw configError(options.file, ["log", "url"], "expected env:NAME or a postgres:// URL");
    if (inlinePassword(url)) {
      throw configError(options.file, ["log", "url"], "holds a password; a config file is no place for one: use env:GONOGO_LOG_URL, or PGPASSWORD / ~/.pgpass with a URL without it");
    }
  }
  return { backend: "postgres", url, ...(options.env ? { env: options.env } : {}) };
}
