// CloudFormation / SAM templates (YAML with short tags, or JSON): `AWS::S3::Bucket` resources,
// `DeletionPolicy` / `UpdateReplacePolicy: Delete`, and buckets left without `Retain`.
import type { FileFacts } from "../facts.js";
import type { SourceText } from "../source.js";
import { storageAction, type BucketResource } from "./common.js";
import { child, entry, stringValue, type DataNode } from "./data.js";

const RETAINING = new Set(["Retain", "RetainExceptOnCreate", "Snapshot"]);

/** A template is CloudFormation when it has a `Resources` map with at least one `Type: AWS::…`. */
export function isCloudFormationTemplate(root: DataNode | undefined): boolean {
  const resources = child(root, "Resources");
  if (resources?.kind !== "map") return false;
  return resources.entries.some((e) => stringValue(child(e.value, "Type"))?.startsWith("AWS::") ?? false);
}

/** The default of each template parameter that has a literal one. */
function parameterDefaults(root: DataNode | undefined): Map<string, string> {
  const defaults = new Map<string, string>();
  const parameters = child(root, "Parameters");
  if (parameters?.kind !== "map") return defaults;
  for (const p of parameters.entries) {
    const def = child(p.value, "Default");
    if (def?.kind === "scalar" && def.value !== null && def.value !== undefined) defaults.set(p.key, String(def.value));
  }
  return defaults;
}

/** `${Param}` in a `!Sub` template, replaced by the parameter's default when known. */
function substitute(template: string, defaults: Map<string, string>): string {
  let out = "";
  let from = 0;
  for (;;) {
    const open = template.indexOf("${", from);
    if (open === -1) break;
    const close = template.indexOf("}", open + 2);
    if (close === -1) break;
    const name = template.slice(open + 2, close);
    out += template.slice(from, open) + (defaults.get(name) ?? template.slice(open, close + 1));
    from = close + 1;
  }
  return out + template.slice(from);
}

/** The bucket name written in `BucketName`: a literal, `!Ref Param`, `!Sub "…"` or their JSON forms. */
function bucketNameOf(node: DataNode | undefined, defaults: Map<string, string>): string | undefined {
  if (!node) return undefined;
  if (node.kind === "scalar" && typeof node.value === "string") {
    if (node.tag === "!Ref") return defaults.get(node.value) ?? `\${${node.value}}`;
    if (node.tag === "!Sub" || node.tag === undefined) return node.tag === "!Sub" ? substitute(node.value, defaults) : node.value;
    return undefined;
  }
  if (node.kind === "seq" && node.tag === "!Sub") {
    const first = stringValue(node.items[0]);
    return first === undefined ? undefined : substitute(first, defaults);
  }
  if (node.kind === "map" && node.entries.length === 1) {
    const [only] = node.entries;
    if (only?.key === "Ref") {
      const name = stringValue(only.value);
      return name === undefined ? undefined : (defaults.get(name) ?? `\${${name}}`);
    }
    if (only?.key === "Fn::Sub") {
      const v = only.value;
      const template = v?.kind === "seq" ? stringValue(v.items[0]) : stringValue(v);
      return template === undefined ? undefined : substitute(template, defaults);
    }
  }
  return undefined;
}

/**
 * The values a DeletionPolicy / UpdateReplacePolicy may take: both branches of `!If` / `Fn::If`
 * (nested too), a parameter's default and allowed values through `!Ref` / `Ref`. `undefined` in the
 * list stands for a value not known statically (a parameter with neither), which fails closed.
 */
function policyValues(node: DataNode | undefined, root: DataNode | undefined, depth = 0): (string | undefined)[] {
  if (!node || depth > 8) return [undefined];
  const literal = stringValue(node);
  if (literal !== undefined && node.tag === undefined) return [literal];
  let branches: DataNode[] | undefined;
  let ref: string | undefined;
  if (node.kind === "seq" && node.tag === "!If") branches = node.items.slice(1, 3);
  else if (node.kind === "scalar" && node.tag === "!Ref") ref = literal;
  else if (node.kind === "map" && node.entries.length === 1) {
    const [only] = node.entries;
    if (only?.key === "Fn::If" && only.value?.kind === "seq") branches = only.value.items.slice(1, 3);
    else if (only?.key === "Ref") ref = stringValue(only.value);
  }
  if (branches) return branches.length === 2 ? branches.flatMap((b) => policyValues(b, root, depth + 1)) : [undefined];
  if (ref === undefined) return [undefined];
  const parameter = child(child(root, "Parameters"), ref);
  const known = [stringValue(child(parameter, "Default"))];
  const allowed = child(parameter, "AllowedValues");
  if (allowed?.kind === "seq") known.push(...allowed.items.map((i) => stringValue(i)));
  const values = known.filter((v): v is string => v !== undefined);
  return values.length > 0 ? values : [undefined];
}

export function analyseCloudFormation(root: DataNode | undefined, source: SourceText, facts: FileFacts, buckets: BucketResource[]): void {
  const resources = child(root, "Resources");
  if (resources?.kind !== "map") return;
  const defaults = parameterDefaults(root);
  for (const resource of resources.entries) {
    if (stringValue(child(resource.value, "Type")) !== "AWS::S3::Bucket") continue;
    const logicalId = resource.key;
    const bucket = bucketNameOf(child(child(resource.value, "Properties"), "BucketName"), defaults);
    const idLocation = source.location(resource.keyStart, resource.keyEnd);
    buckets.push({ key: `cloudformation:${source.file}:${logicalId}`, provider: "s3", source: "cloudformation", resource: logicalId, bucket, location: idLocation });

    let deletes = false;
    for (const policyKey of ["DeletionPolicy", "UpdateReplacePolicy"]) {
      const policy = entry(resource.value, policyKey);
      if (!policy?.value) continue;
      const values = policyValues(policy.value, root);
      // Any branch that deletes (or may: a value not known) is a deletion policy, as CDK's ternary is.
      if (!values.some((v) => v === undefined || v === "Delete")) continue;
      deletes = true;
      const raw = source.text.slice(policy.value.start, policy.value.end).trimEnd();
      const written = `${policy.value.tag ? `${policy.value.tag} ` : ""}${raw.replace(/\s+/g, " ")}`;
      const operation = stringValue(policy.value) === "Delete" && policy.value.tag === undefined ? `${policyKey}: Delete` : `${policyKey}: ${written} (may be Delete)`;
      const end = policy.value.start + raw.length;
      facts.storageActions.push(storageAction("deletion-policy", "s3", "cloudformation", operation, source.location(policy.keyStart, end), { bucket, resource: logicalId }));
    }
    const deletionNode = child(resource.value, "DeletionPolicy");
    const retained = deletionNode !== undefined && policyValues(deletionNode, root).every((v) => v !== undefined && RETAINING.has(v));
    if (!deletes && !retained) {
      facts.storageActions.push(storageAction("unprotected", "s3", "cloudformation", `${logicalId} (AWS::S3::Bucket)`, idLocation, { bucket, resource: logicalId }));
    }
  }
}
