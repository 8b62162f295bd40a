// Fuzzing the scanner with mutated real files: migrations, SQL, Terraform, YAML, JSON and shell.
// Whatever the bytes, scan() never throws, never hangs, keeps every finding inside the file, and
// each file yields its normal findings or a parse-error finding (so the policy fails closed).
//
// Seeded and bounded: the default run takes well under a minute. `npm run fuzz` runs the same
// properties far longer with a fresh seed (GONOGO_FUZZ_RUNS, GONOGO_FUZZ_SEED).
import fc from "fast-check";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { allRules } from "../rules/index.js";
import { scan } from "../src/engine/scan.js";
import { UNANALYSED_RULE_IDS, type ScanResult } from "../src/engine/types.js";
import { decodePythonSource } from "../src/parsers/python-source.js";
import type { Finding } from "../src/types.js";

const SEEDS_DIR = path.join(import.meta.dirname, "..", "fixtures", "hardening", "seeds");
const RUNS = Number(process.env.GONOGO_FUZZ_RUNS ?? 12);
const SEED = Number(process.env.GONOGO_FUZZ_SEED ?? 20240514);
/** A hang detector, not a performance threshold: a scan of one file taking this long is stuck. */
const HANG_MS = 20_000;
const KNOWN_RULE_IDS = new Set([...allRules.map((r) => r.id), "gonogo/internal-error"]);

function listSeeds(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listSeeds(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

const SEEDS = listSeeds(SEEDS_DIR).sort();
const seedBytes = (file: string) => readFileSync(path.join(SEEDS_DIR, file));

const work = mkdtempSync(path.join(tmpdir(), "gonogo-fuzz-"));
const timings: number[] = [];
afterAll(() => {
  if (process.env.GONOGO_FUZZ_RUNS) console.log(`fuzz: ${timings.length} scans, slowest ${Math.max(...timings)} ms (seed ${SEED})`);
});

/** Scans one file from disk (byte-exact input), timing it. */
async function scanBytes(file: string, bytes: Uint8Array): Promise<ScanResult> {
  // One directory per file, so a migration is never read beside another seed.
  const cwd = path.join(work, file.replace(/[^\w.-]/g, "_"));
  const abs = path.join(cwd, file);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, bytes);
  const started = performance.now();
  const result = await scan({ cwd, paths: [file], configFile: false });
  const elapsed = performance.now() - started;
  timings.push(Math.round(elapsed));
  expect(elapsed, `scan of ${file} looks hung`).toBeLessThan(HANG_MS);
  return result;
}

async function scanText(file: string, content: string): Promise<ScanResult> {
  const started = performance.now();
  const result = await scan({ cwd: work, files: [{ path: file, content }], configFile: false });
  const elapsed = performance.now() - started;
  timings.push(Math.round(elapsed));
  expect(elapsed, `scan of ${file} looks hung`).toBeLessThan(HANG_MS);
  return result;
}

const isParseError = (f: Finding) => UNANALYSED_RULE_IDS.includes(f.ruleId);
/** Findings about one statement or resource, which later lines cannot change (unlike graph or downgrade rules). */
const isLocal = (f: Finding) => (f.ruleId.startsWith("sql/") || f.ruleId.startsWith("infra/")) && !isParseError(f) && f.ruleId !== "infra/bucket-unprotected";
const key = (f: Finding) => `${f.ruleId}@${f.line}:${f.column}`;

/** What holds for any input: known rules, ranges inside the text, no rule crashed, bounded messages. */
function expectSaneFindings(result: ScanResult, file: string, text: string | undefined): void {
  const lines = text === undefined ? 1 : lineStartsOf(text).length;
  for (const f of result.findings) {
    expect(KNOWN_RULE_IDS.has(f.ruleId), f.ruleId).toBe(true);
    expect(f.ruleId, f.message).not.toBe("gonogo/internal-error");
    expect(f.file).toBe(file);
    expect(f.line).toBeGreaterThanOrEqual(1);
    expect(f.column).toBeGreaterThanOrEqual(1);
    expect(f.endLine).toBeLessThanOrEqual(lines);
    expect(f.endLine > f.line || f.endColumn >= f.column).toBe(true);
    // A 5 MB literal must not turn into a 5 MB message in every report format.
    expect(f.message.length).toBeLessThanOrEqual(2000);
  }
}

/** The text the scanner will see for these bytes, or undefined when it must refuse them. */
function decoded(file: string, bytes: Uint8Array): string | undefined {
  if (bytes.subarray(0, 8000).includes(0)) return undefined;
  // Python is decoded as CPython decodes it (coding cookie, universal newlines).
  if (file.endsWith(".py")) {
    const python = decodePythonSource(bytes);
    return python.ok ? python.text : undefined;
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  }
}

/** Offsets where lines start: after LF, CRLF, or a lone CR (a line break for Python; counting it for any file only raises the bound). */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\n" || (text[i] === "\r" && text[i + 1] !== "\n")) starts.push(i + 1);
  }
  return starts;
}

const baselines = new Map<string, Finding[]>();
async function baseline(file: string): Promise<Finding[]> {
  let found = baselines.get(file);
  if (!found) {
    found = (await scanText(file, seedBytes(file).toString("utf8"))).findings;
    baselines.set(file, found);
  }
  return found;
}

describe("seed files", () => {
  it.each(SEEDS)("%s is analysed with at least one real finding and no parse error", async (file) => {
    const findings = await baseline(file);
    expect(findings.filter(isParseError)).toEqual([]);
    // Each seed carries something dangerous, so "normal findings survive" below means something.
    expect(findings.filter(isLocal).some((f) => f.severity === "critical" || f.severity === "high")).toBe(true);
  });
});

describe("meaning-preserving changes give the same findings", () => {
  it.each(SEEDS)("CRLF line ends and a BOM: %s", async (file) => {
    const text = seedBytes(file).toString("utf8");
    const expected = (await baseline(file)).map(key);
    const crlf = text.replace(/\n/g, "\r\n");
    expect((await scanText(file, crlf)).findings.map(key)).toEqual(expected);
    expect((await scanText(file, "\ufeff" + text)).findings.map(key)).toEqual(expected);
    const both = await scanBytes(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlf, "utf8")]));
    expect(both.findings.map(key)).toEqual(expected);
  }, 60_000);
});

/** One mutation of a file's bytes. */
type Mutation =
  | { kind: "flip"; at: number; xor: number }
  | { kind: "truncate"; at: number }
  | { kind: "insert"; at: number; bytes: number[] }
  | { kind: "delete"; at: number; length: number };

const INSERTS = [[0x00], [0xff], [0xc3], [0xed, 0xa0, 0x80], [0x22], [0x27], [0x60], [0x28], [0x7b], [0x5b], [0x5c], [0x23], [0x0d], [0x24, 0x28], [0x2f, 0x2a], [0x3c, 0x3c, 0x45, 0x4f, 0x46, 0x0a], [0x22, 0x22, 0x22], [0x24, 0x24]];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.oneof(fc.constantFrom(...INSERTS), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 6 })) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
);

function apply(bytes: Buffer, mutations: Mutation[]): Buffer {
  let out = Buffer.from(bytes);
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    if (m.kind === "flip" && out.length > 0) {
      const i = m.at % out.length;
      out[i] = out[i]! ^ m.xor;
    } else if (m.kind === "truncate") out = out.subarray(0, at);
    else if (m.kind === "insert") out = Buffer.concat([out.subarray(0, at), Buffer.from(m.bytes), out.subarray(at)]);
    else if (m.kind === "delete") out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.length)]);
  }
  return out;
}

describe("mutated bytes never crash the scan", () => {
  it.each(SEEDS)("%s: byte flips, truncation, insertions (NUL, invalid UTF-8, quotes, brackets) and deletions", async (file) => {
    const original = seedBytes(file);
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        const bytes = apply(original, mutations);
        const result = await scanBytes(file, bytes);
        const text = decoded(file, bytes);
        // A refused file's problem may point past line 1 (a coding cookie on line 2): bound it by the raw bytes' lines.
        expectSaneFindings(result, file, text ?? Buffer.from(bytes).toString("latin1"));
        if (text === undefined) {
          // Binary, invalid UTF-8 or a coding cookie gonogo cannot honour: refused, and said so, never silently skipped.
          expect(result.findings).toEqual([expect.objectContaining({ ruleId: expect.stringMatching(/parse-error$/), message: expect.stringMatching(/binary file|invalid UTF-8|coding cookie|is not valid/) })]);
        }
        // Whatever else happened, no extractor threw on this input (that would be a bug caught by the safety net).
        for (const f of result.findings) expect(f.message).not.toContain("analysis failed");
      }),
      { numRuns: RUNS, seed: SEED },
    );
  }, 120_000);

  it.each(SEEDS)("%s: cut after a finding, the finding stays or the file is a parse error", async (file) => {
    const original = seedBytes(file);
    const text = original.toString("utf8");
    const findings = (await baseline(file)).filter(isLocal);
    const lineStarts = lineStartsOf(text);
    await fc.assert(
      fc.asyncProperty(fc.nat(), async (pick) => {
        // Cut at the end of a line at or after the first finding's last line.
        const first = Math.min(...findings.map((f) => f.endLine));
        const candidates = lineStarts.filter((_, i) => i >= first);
        const cut = candidates.length === 0 ? text.length : candidates[pick % candidates.length]!;
        const truncated = text.slice(0, cut);
        const result = await scanText(file, truncated);
        expectSaneFindings(result, file, truncated);
        const kept = new Set(result.findings.map(key));
        const wholeOrProblem = result.findings.some(isParseError);
        for (const f of findings.filter((f) => lineStarts[f.endLine] !== undefined && lineStarts[f.endLine]! <= cut)) {
          if (!wholeOrProblem) expect(kept, `${key(f)} lost after cutting ${file} at ${cut}`).toContain(key(f));
        }
      }),
      { numRuns: Math.max(4, Math.round(RUNS / 2)), seed: SEED },
    );
  }, 120_000);
});

/** Extreme inputs per format: 10,000-deep nesting and a 5 MB literal. */
const DEPTH = 10_000;
const FIVE_MB = "x".repeat(5 * 1024 * 1024);
const open = (s: string) => s.repeat(DEPTH);

const EXTREMES: { name: string; file: string; content: string; normal: string }[] = [
  { name: "Python: 10,000 nested parentheses", file: "alembic/versions/0001_deep.py", normal: "sql/drop-table", content: `revision = "0001"\ndown_revision = None\n\ndef upgrade():\n    x = ${open("(")}1${open(")")}\n    op.drop_table("carts")\n\ndef downgrade():\n    pass\n` },
  { name: "Python: a 5 MB string literal", file: "alembic/versions/0001_big.py", normal: "sql/drop-table", content: `revision = "0001"\ndown_revision = None\nBLOB = "${FIVE_MB}"\n\ndef upgrade():\n    op.drop_table("carts")\n\ndef downgrade():\n    pass\n` },
  { name: "SQL: 10,000 nested parentheses", file: "db/deep.sql", normal: "sql/drop-table", content: `SELECT ${open("(")}1${open(")")};\nDROP TABLE carts;\n` },
  { name: "SQL: a 5 MB string literal", file: "db/big.sql", normal: "sql/drop-table", content: `INSERT INTO blobs VALUES ('${FIVE_MB}');\nDROP TABLE carts;\n` },
  { name: "Terraform: 10,000 nested lists", file: "infra/deep.tf", normal: "infra/bucket-force-destroy", content: `locals {\n  x = ${open("[")}${open("]")}\n}\n\nresource "aws_s3_bucket" "b" {\n  bucket        = "shop-b"\n  force_destroy = true\n}\n` },
  { name: "Terraform: 10,000 nested blocks", file: "infra/blocks.tf", normal: "infra/bucket-force-destroy", content: `resource "aws_s3_bucket" "b" {\n  bucket        = "shop-b"\n  force_destroy = true\n}\n${open("a {\n")}${open("}\n")}` },
  { name: "Terraform: a 5 MB bucket name", file: "infra/big.tf", normal: "infra/bucket-force-destroy", content: `resource "aws_s3_bucket" "b" {\n  bucket        = "${FIVE_MB}"\n  force_destroy = true\n}\n` },
  { name: "YAML: 10,000 nested flow sequences", file: "infra/deep.yaml", normal: "infra/bucket-deletion-policy", content: `Resources:\n  B:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Delete\n    Properties:\n      Tags: ${open("[")}${open("]")}\n` },
  { name: "YAML: a 5 MB scalar", file: "infra/big.yaml", normal: "infra/bucket-deletion-policy", content: `Resources:\n  B:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Delete\n    Properties:\n      BucketName: "${FIVE_MB}"\n` },
  { name: "JSON: 10,000 nested objects", file: "infra/deep.json", normal: "infra/bucket-deletion-policy", content: `{"Resources":{"B":{"Type":"AWS::S3::Bucket","DeletionPolicy":"Delete","Properties":${open('{"a":')}1${open("}")}}}}` },
  { name: "JSON: a 5 MB string", file: "infra/big.json", normal: "infra/bucket-deletion-policy", content: `{"Resources":{"B":{"Type":"AWS::S3::Bucket","DeletionPolicy":"Delete","Properties":{"BucketName":"${FIVE_MB}"}}}}` },
  { name: "shell: 10,000 nested command substitutions", file: "scripts/deep.sh", normal: "infra/bucket-delete", content: `#!/bin/sh\necho ${open("$(")}x${open(")")}\naws s3 rb s3://shop-b\n` },
  { name: "shell: a 5 MB argument", file: "scripts/big.sh", normal: "infra/bucket-delete", content: `#!/bin/sh\necho "${FIVE_MB}"\naws s3 rb s3://shop-b\n` },
];

describe("extreme inputs", () => {
  it.each(EXTREMES)("$name: normal findings or a parse error, within the hang guard", async ({ file, content, normal }) => {
    const result = await scanText(file, content);
    expectSaneFindings(result, file, content);
    const rules = result.findings.map((f) => f.ruleId);
    expect(rules.includes(normal) || rules.some((r) => UNANALYSED_RULE_IDS.includes(r)), rules.join(", ")).toBe(true);
    // A parse error is reported on the file itself, so the policy can name it.
    for (const f of result.findings.filter(isParseError)) expect(f.message.length).toBeGreaterThan(0);
  }, 60_000);

  it("many files at once: each extreme input keeps its own outcome", async () => {
    const result = await scan({ cwd: work, files: EXTREMES.filter((e) => e.content.length < 1_000_000).map((e) => ({ path: e.file, content: e.content })), configFile: false });
    for (const { file, normal } of EXTREMES.filter((e) => e.content.length < 1_000_000)) {
      const rules = result.findings.filter((f) => f.file === file).map((f) => f.ruleId);
      expect(rules.includes(normal) || rules.some((r) => UNANALYSED_RULE_IDS.includes(r)), `${file}: ${rules.join(", ")}`).toBe(true);
    }
  }, 60_000);
});

describe("refused encodings", () => {
  it.each([
    ["a NUL byte", Buffer.from("DROP TABLE carts;\0\n"), "binary file"],
    ["a lone continuation byte", Buffer.from([...Buffer.from("DROP TABLE caf"), 0x80, ...Buffer.from(";\n")]), "invalid UTF-8 at byte 14"],
    ["an encoded surrogate", Buffer.from([...Buffer.from("SELECT 1;\n"), 0xed, 0xa0, 0x80, 0x0a]), "invalid UTF-8 at byte 10"],
    ["UTF-16 with its BOM", Buffer.from("\ufeffDROP TABLE carts;\n", "utf16le"), "binary file"],
  ])("%s: one sql/parse-error naming why", async (_name, bytes, why) => {
    const result = await scanBytes("db/encoded.sql", bytes);
    expect(result.findings).toEqual([expect.objectContaining({ ruleId: "sql/parse-error", file: "db/encoded.sql", message: expect.stringContaining(why) })]);
  });
});
