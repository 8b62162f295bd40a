// Plan files (`gonogo cascade --plan FILE`): a list of releases to run in order, or the operators'
// work-queue file as it is. Read and schema-checked like the config (file:line:column, the path,
// what was expected); item statuses are written back in place, comments and unknown keys kept.
import { readFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { createRequire } from "node:module";
import type { ValidateFunction } from "ajv";
import { ConfigError } from "../errors.js";
import { readSchema } from "../engine/config.js";
import { parseStructuredText, schemaErrorLines, type StructuredText } from "../engine/structured-text.js";

const require = createRequire(import.meta.url);

export const DEFAULT_COMPLETION_PROMISE = "DEPLOYMENT_COMPLETE";

/** One release of a plan. */
export interface PlanItem {
  /** Position in the file's list (0-based). */
  index: number;
  /** The item's id, else its 1-based position. */
  id: string;
  environment: string;
  version: string;
  /** false: the config's `migrations: true` steps are skipped. */
  migrations: boolean;
  /** The status in the file (absent: pending). */
  status: string;
  completionPromise?: string;
}

export interface PlanFile {
  file: string;
  shape: "list" | "queue";
  items: PlanItem[];
  /** The parsed file, kept to write statuses back. */
  source: StructuredText;
}

let validators: { list: ValidateFunction; queue: ValidateFunction } | undefined;

function planValidators(): { list: ValidateFunction; queue: ValidateFunction } {
  if (!validators) {
    const { Ajv } = require("ajv") as typeof import("ajv");
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addSchema(readSchema("plan.json"), "plan.json");
    validators = { list: ajv.compile({ $ref: "plan.json#/definitions/list" }), queue: ajv.compile({ $ref: "plan.json#/definitions/queue" }) };
  }
  return validators;
}

/** Reads and validates a plan file (YAML, or JSON by its .json extension). Errors are ConfigErrors (exit 2). */
export function readPlanFile(file: string): PlanFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`${file}: cannot read the plan (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const source = parseStructuredText(file, text, "a plan");
  const data = source.data;
  const shape = Array.isArray(data) ? "list" : typeof data === "object" && data !== null ? "queue" : undefined;
  if (!shape) throw new ConfigError(`${file}: (top level) must be a list of { environment, version, migrations } items or a work queue { features: [...] }`);
  const validate = planValidators()[shape];
  if (!validate(data)) throw new ConfigError(schemaErrorLines(file, validate.errors ?? [], source.document, source.lineCounter).join("\n"));
  const raw = (shape === "list" ? data : (data as { features: unknown[] }).features) as Record<string, unknown>[];
  const items = raw.map((entry, index): PlanItem => {
    const migrations = shape === "list" ? entry.migrations : entry.run_migrations;
    return {
      index,
      id: entry.id !== undefined ? String(entry.id) : String(index + 1),
      environment: entry.environment as string,
      version: entry.version as string,
      migrations: migrations !== false,
      status: typeof entry.status === "string" ? entry.status : "pending",
      ...(typeof entry.completion_promise === "string" ? { completionPromise: entry.completion_promise } : {}),
    };
  });
  return { file, shape, items, source };
}

/**
 * Writes the items' statuses back into the file: YAML through its document (comments, order and
 * unknown keys kept), JSON re-serialised with two-space indentation; atomically (temp file + rename).
 */
export async function writePlanStatuses(plan: PlanFile, statuses: ReadonlyMap<number, string>): Promise<void> {
  const at = (index: number): (string | number)[] => (plan.shape === "list" ? [index, "status"] : ["features", index, "status"]);
  let text: string;
  if (plan.source.document) {
    for (const [index, status] of statuses) plan.source.document.setIn(at(index), status);
    text = plan.source.document.toString();
  } else {
    const data = plan.source.data as Record<string, unknown>[] | { features: Record<string, unknown>[] };
    const list = Array.isArray(data) ? data : data.features;
    for (const [index, status] of statuses) {
      const item = list[index];
      if (item) item.status = status;
    }
    text = `${JSON.stringify(data, null, 2)}\n`;
  }
  const temp = path.join(path.dirname(plan.file), `.${path.basename(plan.file)}.${process.pid}.tmp`);
  await writeFile(temp, text, "utf8");
  await rename(temp, plan.file);
}
