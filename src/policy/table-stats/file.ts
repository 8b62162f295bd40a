// Reading a `--stats` file (what `gonogo stats export` wrote): JSON validated against
// schema/table-stats.json. A file that is missing or malformed is a configuration error naming
// the file, the path inside it and what was expected (exit 2): the user asked for it by name.
import { readFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { ConfigError } from "../errors.js";
import { describeSchemaError, schemaPath } from "../schema.js";
import type { TableStatsSet } from "./types.js";

/** A statistics file is small (a few hundred bytes per table); anything far larger is refused. */
const MAX_STATS_BYTES = 256 * 1024 * 1024;

let validator: ValidateFunction | undefined;

function statsValidator(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(JSON.parse(readFileSync(schemaPath("table-stats.json"), "utf8")) as Record<string, unknown>);
  return validator;
}

/** Reads and validates a statistics file; throws ConfigError when it cannot. */
export function readTableStatsFile(cwd: string, file: string): TableStatsSet {
  const full = isAbsolute(file) ? file : resolve(cwd, file);
  const rel = relative(cwd, full);
  const shown = (rel.startsWith("..") || isAbsolute(rel) ? full : rel).split("\\").join("/");
  let text: string;
  try {
    const buffer = readFileSync(full);
    if (buffer.length > MAX_STATS_BYTES) throw new ConfigError(`${shown}: table statistics file larger than ${MAX_STATS_BYTES} bytes; expected the output of gonogo stats export`, shown);
    text = buffer.toString("utf8").replace(/^\uFEFF/, "");
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`${shown}: cannot read table statistics (${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (code ?? String(error))})`, shown);
  }
  return parseTableStats(text, shown);
}

/** Parses and validates the text of a statistics file; `file` names it in errors. */
export function parseTableStats(text: string, file: string): TableStatsSet {
  let document: unknown;
  try {
    document = JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(`${file}: invalid JSON: ${(error as Error).message}; expected the output of gonogo stats export`, file);
  }
  const validate = statsValidator();
  if (!validate(document)) {
    const errors = (validate.errors ?? [])
      .map((e) => (e.keyword === "required" ? { path: `${e.instancePath}/${String((e.params as { missingProperty?: string }).missingProperty)}`, expected: "this key (it is required)" } : describeSchemaError(e)))
      .sort((a, b) => b.path.length - a.path.length);
    const worst = errors[0] ?? { path: "", expected: "table statistics" };
    const jsonPath = worst.path === "" ? "/" : worst.path;
    throw new ConfigError(`${file}: ${jsonPath}: expected ${worst.expected}`, file, jsonPath);
  }
  const set = document as TableStatsSet & { $schema?: string; version?: number };
  const { $schema: _schema, version: _version, ...rest } = set;
  return rest;
}
