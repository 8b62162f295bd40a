// Registry of the alembic rules, sorted by id. `npm run new-rule` adds lines here.
import type { Rule } from "../define.js";
import duplicateRevision from "./duplicate-revision.js";
import dynamicSql from "./dynamic-sql.js";
import emptyDowngrade from "./empty-downgrade.js";
import irreversibleDowngrade from "./irreversible-downgrade.js";
import missingDowngrade from "./missing-downgrade.js";
import missingParent from "./missing-parent.js";
import missingUpgrade from "./missing-upgrade.js";
import multipleHeads from "./multiple-heads.js";
import oneWayDataMigration from "./one-way-data-migration.js";
import parseError from "./parse-error.js";
import revisionCycle from "./revision-cycle.js";
import unbalancedDowngrade from "./unbalanced-downgrade.js";

export const alembicRules: Rule[] = [
  duplicateRevision,
  dynamicSql,
  emptyDowngrade,
  irreversibleDowngrade,
  missingDowngrade,
  missingParent,
  missingUpgrade,
  multipleHeads,
  oneWayDataMigration,
  parseError,
  revisionCycle,
  unbalancedDowngrade,
];
