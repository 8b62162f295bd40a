// The `notify:` part of gonogo.config.yaml: webhooks told about release outcomes. The schema
// (schema/release.json#/definitions/notify) checks shapes; this module reads `${VARIABLE}`s from
// the environment and checks the link template, with errors that name file:line:column and path.
import { readFileSync } from "node:fs";
import { ConfigError } from "../errors.js";
import { lineOf, parseStructuredText, pathText } from "../engine/structured-text.js";
import { parseDuration } from "./duration.js";

export const NOTIFY_EVENTS = ["pending", "completed", "failed", "rolled-back", "no-go", "rejected"] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];
export type NotifyFormat = "json" | "slack" | "discord";

/** Placeholders a `link` template may use; the same `{name}` syntax as a step's argv. */
export const LINK_PLACEHOLDERS = ["project", "environment", "version", "previousVersion", "releaseId", "event"] as const;
export type LinkPlaceholder = (typeof LINK_PLACEHOLDERS)[number];

export const DEFAULT_NOTIFY_TIMEOUT_MS = 5000;
export const DEFAULT_NOTIFY_RETRIES = 2;

export interface NotifyTarget {
  /** The webhook URL, `${VARIABLE}`s replaced. A secret: never printed or logged. */
  url: string;
  format: NotifyFormat;
  events: NotifyEvent[];
  link?: string;
  timeoutMs: number;
  /** Tries after the first one. */
  retries: number;
  /** What messages show instead of the URL: `notify[0] (slack, https://hooks.slack.com/…)`. */
  label: string;
  /** Parts of the URL redacted wherever they show up: the values of its `${VARIABLE}`s, and its path when long enough to be a token. */
  secrets?: string[];
}

interface RawTarget {
  url: string;
  format?: NotifyFormat;
  events?: NotifyEvent[];
  link?: string;
  timeout?: string | number;
  retries?: number;
}

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const PLACEHOLDER = /\{([A-Za-z]*)\}/g;

/** `file:line:column: notify[0].url message`; the position is read again from the file (a JSON config has none, as in schema errors). */
function configError(file: string | undefined, segments: (string | number)[], message: string): ConfigError {
  const path = segments.map(String);
  const at = pathText(path);
  let position = "";
  if (file) {
    try {
      const { document, lineCounter } = parseStructuredText(file, readFileSync(file, "utf8"), "a gonogo config");
      position = lineOf(document, lineCounter, path);
    } catch {
      // The file was valid a moment ago; without it the message still names the file and the path.
    }
  }
  return new ConfigError(`${file ?? "config"}${position}: ${at} ${message}`, file, at);
}

/** The URL's scheme and host only: what a message may show of a webhook. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return "(invalid URL)";
  }
}

/** Shorter parts are not redacted on their own: they would mangle ordinary output. */
const MIN_SECRET_PART = 8;

function expandUrl(raw: string, env: Record<string, string | undefined>, file: string | undefined, at: (string | number)[]): { url: string; secrets: string[] } {
  const secrets: string[] = [];
  const url = raw.replace(VARIABLE, (_whole, name: string) => {
    const value = env[name];
    if (value === undefined || value.trim() === "") throw configError(file, at, `needs the environment variable ${name}, which is not set (expected the webhook URL or a part of it)`);
    if (value.trim().length >= MIN_SECRET_PART) secrets.push(value.trim());
    return value.trim();
  });
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The value may be the secret itself: the message names the variable, never the value.
    throw configError(file, at, `is not a valid URL once ${raw.includes("${") ? "its ${…} variables are read" : "parsed"} (expected http://… or https://…)`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw configError(file, at, `must be an http:// or https:// URL once its \${…} variables are read (got ${parsed.protocol})`);
  // A Slack or Discord webhook's token is its path: redacted even when printed without the host.
  const pathAndQuery = `${parsed.pathname}${parsed.search}`;
  if (pathAndQuery.length >= 2 * MIN_SECRET_PART) secrets.push(pathAndQuery);
  return { url, secrets };
}

/**
 * Builds the webhook targets from the validated `notify` list. `env` fills `${VARIABLE}`s in
 * URLs; a missing one is a ConfigError (exit 2 before anything is logged or run).
 */
export function notifyTargetsFrom(raw: unknown, options: { file?: string; env: Record<string, string | undefined> }): NotifyTarget[] {
  if (raw === undefined) return [];
  const { file, env } = options;
  if (!Array.isArray(raw)) throw configError(file, ["notify"], "must be a list of webhooks ({ url, format, events })");
  return (raw as RawTarget[]).map((entry, index) => {
    const at = ["notify", index];
    const { url, secrets } = expandUrl(entry.url, env, file, [...at, "url"]);
    if (entry.link !== undefined) {
      for (const match of entry.link.matchAll(PLACEHOLDER)) {
        const name = match[1] ?? "";
        if (!(LINK_PLACEHOLDERS as readonly string[]).includes(name))
          throw configError(file, [...at, "link"], `has an unknown placeholder {${name}} (known: ${LINK_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")})`);
      }
    }
    let timeoutMs = DEFAULT_NOTIFY_TIMEOUT_MS;
    if (entry.timeout !== undefined) {
      try {
        timeoutMs = parseDuration(entry.timeout, "timeout");
      } catch (error) {
        throw configError(file, [...at, "timeout"], `is not a duration: ${(error as Error).message}`);
      }
      if (timeoutMs < 1) throw configError(file, [...at, "timeout"], "must be at least 1ms");
    }
    const format = entry.format ?? "json";
    return {
      url,
      format,
      events: entry.events ? [...entry.events] : [...NOTIFY_EVENTS],
      ...(entry.link !== undefined ? { link: entry.link } : {}),
      timeoutMs,
      retries: entry.retries ?? DEFAULT_NOTIFY_RETRIES,
      label: `notify[${index}] (${format}, ${describeUrl(url)})`,
      secrets,
    };
  });
}

/** Fills a link template; values are URL-encoded, a missing one (no previous version) is empty. */
export function expandLink(template: string, values: Partial<Record<LinkPlaceholder, string>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => ((LINK_PLACEHOLDERS as readonly string[]).includes(name) ? encodeURIComponent(values[name as LinkPlaceholder] ?? "") : whole));
}
