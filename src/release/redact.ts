// Secrets never reach the terminal or the deployment log: values of secret-named environment
// variables and well-known token shapes are replaced before output is printed or written.

const SECRET_NAME = /(?:^|_)(?:TOKEN|SECRET|PASSWORD|PASSWD|PWD|PASS|KEY|APIKEY|API_KEY|PRIVATE_KEY|CREDENTIALS?|PAT|AUTH|DSN)(?:_|$)|(?:TOKEN|SECRET|PASSWORD|_KEY)$/i;
/** Names that end in KEY but hold no secret. */
const NOT_SECRET = /^(?:.*_)?(?:PUBLIC_KEY|KEY_ID|SORT_KEY|PRIMARY_KEY|KEYBOARD|KEYS?_PATH)$|^(?:PWD|OLDPWD)$/i;

/** Whether an environment variable's name says it holds a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET.test(name);
}

interface Shape {
  name: string;
  pattern: RegExp;
  /** Replacement; `$1` keeps a prefix. */
  replace: string;
}

const SHAPES: Shape[] = [
  { name: "private-key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, replace: "[REDACTED:private-key]" },
  { name: "aws-access-key", pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b/g, replace: "[REDACTED:aws-access-key]" },
  { name: "aws-secret", pattern: /(aws_secret_access_key\s*[=:]\s*["']?)[A-Za-z0-9/+=]{40}/gi, replace: "$1[REDACTED:aws-secret]" },
  { name: "github-token", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g, replace: "[REDACTED:github-token]" },
  { name: "gitlab-token", pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/g, replace: "[REDACTED:gitlab-token]" },
  { name: "slack-token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, replace: "[REDACTED:slack-token]" },
  { name: "stripe-key", pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g, replace: "[REDACTED:stripe-key]" },
  { name: "jwt", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g, replace: "[REDACTED:jwt]" },
  { name: "bearer", pattern: /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/g, replace: "$1 [REDACTED]" },
  // The password runs to the last `@` of the URL, so one holding `/` or `@` is redacted whole.
  { name: "url-password", pattern: /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s]*@/gi, replace: "$1[REDACTED]@" },
  { name: "json-secret", pattern: /("(?:password|passwd|pass|secret|client_secret|token|access_token|refresh_token|id_token|api_key|apikey|private_key|auth)"\s*:\s*")(?:[^"\\]|\\.)*"/gi, replace: '$1[REDACTED]"' },
  { name: "option-secret", pattern: /(--(?:password|passwd|pass|api-key|apikey|secret|client-secret|token|access-token|auth-token)(?:=|\s+))(?!-)[^\s"']+/gi, replace: "$1[REDACTED]" },
  // mysql -pSECRET (the password glued to -p); `mkdir -p dir` has a space and is left alone.
  { name: "short-option-password", pattern: /((?:^|\s)-p)(?=[^\s-])[^\s"']{4,}/g, replace: "$1[REDACTED]" },
  { name: "user-password", pattern: /((?:^|\s)(?:-u|--user)(?:=|\s+)[^\s:@/]+:)[^\s"']+/g, replace: "$1[REDACTED]" },
  { name: "api-key-header", pattern: /\b((?:X-)?(?:Api-Key|Auth-Token|Access-Token|Amz-Security-Token)\s*:\s*)[^\s"',;]+/gi, replace: "$1[REDACTED]" },
  // A 40-character AWS secret key with no label: mixed case with a digit, `/` or `+`, standing
  // alone (a git SHA is lower-case hex and is left alone).
  {
    name: "aws-secret-unlabelled",
    pattern: /(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    replace: "[REDACTED:aws-secret]",
  },
  {
    name: "assignment",
    pattern: /\b([A-Za-z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|APIKEY|PRIVATE_KEY|ACCESS_KEY)[A-Za-z0-9_]*\s*[=:]\s*["']?)[^\s"',;]{4,}/gi,
    replace: "$1[REDACTED]",
  },
  // GH_PAT=…, NPM_AUTH=…, SENTRY_DSN=… printed by a step.
  { name: "assignment-suffix", pattern: /\b([A-Za-z0-9]+_(?:PAT|AUTH|DSN)\s*[=:]\s*["']?)[^\s"',;]{4,}/g, replace: "$1[REDACTED]" },
];

/** Values too common to be secrets: redacting them would mangle ordinary output. */
const TRIVIAL = new Set(["true", "false", "none", "null", "undefined", "enabled", "disabled"]);

export interface Redactor {
  (text: string): string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Builds a redactor for the given environments: the values of their secret-named variables
 * (at least 4 characters) and every well-known token shape are replaced by `[REDACTED:…]`.
 */
export function createRedactor(...environments: (Record<string, string | undefined> | undefined)[]): Redactor {
  const values = new Map<string, string>();
  for (const env of environments) {
    if (!env) continue;
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined || value.length < 4 || !isSecretName(name) || TRIVIAL.has(value.toLowerCase())) continue;
      if (!values.has(value)) values.set(value, name);
    }
  }
  // Longest first, so a secret that contains another is replaced whole.
  const ordered = [...values.entries()].sort((a, b) => b[0].length - a[0].length);
  const literal = ordered.length > 0 ? new RegExp(ordered.map(([value]) => escapeRegExp(value)).join("|"), "g") : undefined;
  return (text: string) => {
    let out = text;
    if (literal) out = out.replace(literal, (match) => `[REDACTED:${values.get(match) ?? "secret"}]`);
    for (const shape of SHAPES) out = out.replace(shape.pattern, shape.replace);
    return out;
  };
}

/** Redacts every string inside a JSON-like value. */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item, redact)) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = redactDeep(item, redact);
    return out as T;
  }
  return value;
}
