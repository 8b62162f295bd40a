// Registry of the infra rules, sorted by id. `npm run new-rule` adds lines here.
import type { Rule } from "../define.js";
import bucketDelete from "./bucket-delete.js";
import bucketDeleteInMock from "./bucket-delete-in-mock.js";
import bucketDeletionPolicy from "./bucket-deletion-policy.js";
import bucketEmpty from "./bucket-empty.js";
import bucketForceDestroy from "./bucket-force-destroy.js";
import bucketRemoved from "./bucket-removed.js";
import bucketUnprotected from "./bucket-unprotected.js";
import destroyCommand from "./destroy-command.js";
import parseError from "./parse-error.js";

export const infraRules: Rule[] = [
  bucketDelete,
  bucketDeleteInMock,
  bucketDeletionPolicy,
  bucketEmpty,
  bucketForceDestroy,
  bucketRemoved,
  bucketUnprotected,
  destroyCommand,
  parseError,
];
