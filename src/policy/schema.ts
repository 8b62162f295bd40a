// The published policy schema (schema/policy.json), compiled once with ajv.
import { readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

/** Finds schema/<name> from this module, whether it runs from src/ or from dist/src/. */
export function schemaPath(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "schema", name);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`gonogo: the packaged schema ${name} is missing`);
}

let policySchema: Record<string, unknown> | undefined;
let validator: ValidateFunction | undefined;

/** The JSON Schema of the policy, as published in the package. */
export function loadPolicySchema(): Record<string, unknown> {
  policySchema ??= JSON.parse(readFileSync(schemaPath("policy.json"), "utf8")) as Record<string, unknown>;
  return policySchema;
}

export function policyValidator(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(loadPolicySchema());
  return validator;
}

/** One readable line per ajv error: JSON path and what was expected. */
export function describeSchemaError(error: ErrorObject): { path: string; expected: string } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties":
      return { path: `${error.instancePath}/${String(params.additionalProperty)}`, expected: "no such key (unknown key)" };
    case "enum":
      return { path: error.instancePath, expected: `one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}` };
    case "type":
      return { path: error.instancePath, expected: `a value of type ${String(params.type)}` };
    case "propertyNames":
      return { path: `${error.instancePath}/${String(params.propertyName)}`, expected: "a name matching ^[a-z0-9][a-z0-9_.-]*$" };
    case "pattern":
      return { path: error.instancePath, expected: `a string matching ${String(params.pattern)}` };
    default:
      return { path: error.instancePath, expected: error.message ?? error.keyword };
  }
}
