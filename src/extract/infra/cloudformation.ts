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
      if (stringValue(policy?.value) !== "Delete" || !policy?.value) continue;
      deletes = true;
      facts.storageActions.push(
        storageAction("deletion-policy", "s3", "cloudformation", `${policyKey}: Delete`, source.location(policy.keyStart, policy.value.end), { bucket, resource: logicalId }),
      );
    }
    const deletion = stringValue(child(resource.value, "DeletionPolicy"));
    if (!deletes && (deletion === undefined || !RETAINING.has(deletion))) {
      facts.storageActions.push(storageAction("unprotected", "s3", "cloudformation", `${logicalId} (AWS::S3::Bucket)`, idLocation, { bucket, resource: logicalId }));
    }
  }
}
