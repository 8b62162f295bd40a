// Values that end up in argv are validated before any argv is built: no shell is ever used, but a
// value such as `--force` or `1.0;rm -rf /` must still never reach a step script.

import { ReleaseInputError } from "../errors.js";

export { ReleaseInputError };

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
/** A tag: letters, digits, `.`, `_`, `-`, `/`, `+`; starts with a letter or digit. */
const TAG = /^[A-Za-z0-9][A-Za-z0-9._/+-]{0,127}$/;
const ENVIRONMENT = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
const REVISION = /^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$/;
const PROJECT = /^[A-Za-z0-9][A-Za-z0-9._@/-]{0,127}$/;

function describe(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

function dangerous(value: string): string | undefined {
  if (value.length === 0) return "it is empty";
  if (value.startsWith("-")) return "it starts with '-' and would be read as an option";
  if (/[\r\n]/.test(value)) return "it contains a newline";
  if (value.includes("$(") || value.includes("`")) return "it contains command substitution";
  if (/[;&|<>]/.test(value)) return "it contains a shell operator";
  if (/["'\\]/.test(value)) return "it contains a quote or backslash";
  if (value.includes("..")) return "it contains '..'";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s]/.test(value)) return "it contains whitespace or a control character";
  return undefined;
}

function check(kind: string, value: unknown, pattern: RegExp, expected: string): string {
  if (typeof value !== "string") throw new ReleaseInputError(`${kind} is required`);
  const why = dangerous(value);
  if (why) throw new ReleaseInputError(`invalid ${kind} ${describe(value)}: ${why}; expected ${expected}`);
  if (!pattern.test(value)) throw new ReleaseInputError(`invalid ${kind} ${describe(value)}: expected ${expected}`);
  return value;
}

/** A version: semver (`1.4.0`, `v2.0.0-rc.1`) or a tag (`release-2024.06.01`, `abc1234`). */
export function validateVersion(value: unknown): string {
  if (typeof value === "string" && SEMVER.test(value)) return value;
  return check("version", value, TAG, "a semantic version such as 1.4.0 or a tag of letters, digits, '.', '_', '-', '/', '+'");
}

export function validateEnvironment(value: unknown): string {
  return check("environment", value, ENVIRONMENT, "a name of letters, digits, '_' and '-' starting with a letter");
}

/** An Alembic revision id (`ae1027a6acf`, `0042_add_users`) or `base`. */
export function validateRevision(value: unknown): string {
  return check("revision", value, REVISION, "an Alembic revision id of letters, digits, '_', '.', '@', '+', '-'");
}

export function validateProject(value: unknown): string {
  return check("project", value, PROJECT, "a project name of letters, digits, '.', '_', '@', '/', '-'");
}

/** Placeholders a step's argv may use. */
export const PLACEHOLDERS = ["version", "environment", "previousVersion", "revision", "project", "releaseId"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Partial<Record<Placeholder, string>>;

const PLACEHOLDER_RE = /\{([A-Za-z]+)\}/g;

/** The placeholders an argv element uses (unknown names included, for config validation). */
export function placeholdersIn(arg: string): string[] {
  return [...arg.matchAll(PLACEHOLDER_RE)].map((m) => m[1] ?? "");
}

const RELEASE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Each placeholder's value is validated as its kind is on the command line, whatever it came from:
 * `{previousVersion}` is read back from the deployment log, which anyone who can write the file
 * controls, so it passes the same check as `--version` before it can reach an argv.
 */
function validatePlaceholder(name: Placeholder, value: string): string {
  try {
    switch (name) {
      case "version":
      case "previousVersion":
        return validateVersion(value);
      case "environment":
        return validateEnvironment(value);
      case "revision":
        return validateRevision(value);
      case "project":
        return validateProject(value);
      case "releaseId":
        return check("release id", value, RELEASE_ID, "letters, digits, '.', '_' and '-'");
    }
  } catch (error) {
    if (error instanceof ReleaseInputError) throw new ReleaseInputError(`{${name}}: ${error.message}${name === "previousVersion" ? " (read from the deployment log)" : ""}`);
    throw error;
  }
}

/**
 * Replaces `{version}`, `{environment}`, … in each argv element. Every value is validated for its
 * kind first; a placeholder without a value throws (a step is never run with a blank argument).
 */
export function expandArgv(argv: readonly string[], values: PlaceholderValues): string[] {
  return argv.map((arg) =>
    arg.replace(PLACEHOLDER_RE, (whole, name: string) => {
      if (!(PLACEHOLDERS as readonly string[]).includes(name)) return whole;
      const value = values[name as Placeholder];
      if (value === undefined) throw new ReleaseInputError(`no value for {${name}} in ${JSON.stringify(arg)}`);
      return validatePlaceholder(name as Placeholder, value);
    }),
  );
}
