// Message helpers shared by the infra rules.
import type { StorageAction } from "../../src/extract/facts.js";

const PROVIDER_NAMES: Record<StorageAction["provider"], string> = { s3: "S3", r2: "R2", unknown: "storage" };

/** `S3 bucket "acme-logs" (aws_s3_bucket.logs)`, or as much of it as is known. */
export function describeBucket(action: StorageAction): string {
  const kind = `${PROVIDER_NAMES[action.provider]} bucket`;
  const name = action.bucket !== undefined ? ` "${action.bucket}"` : "";
  const resource = action.resource !== undefined ? ` (${action.resource})` : "";
  return `${kind}${name}${resource}`;
}

/** Finding data: what a formatter or the policy may want besides the message. */
export function actionData(action: StorageAction): Record<string, unknown> {
  return {
    kind: action.kind,
    provider: action.provider,
    source: action.source,
    operation: action.operation,
    ...(action.bucket !== undefined ? { bucket: action.bucket } : {}),
    ...(action.resource !== undefined ? { resource: action.resource } : {}),
  };
}
