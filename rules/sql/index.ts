// Registry of the sql rules, sorted by id. `npm run new-rule` adds lines here.
import type { Rule } from "../define.js";
import addForeignKeyValidating from "./add-foreign-key-validating.js";
import addNotNullWithoutDefault from "./add-not-null-without-default.js";
import alterColumnType from "./alter-column-type.js";
import copyProgram from "./copy-program.js";
import createIndexNonConcurrently from "./create-index-non-concurrently.js";
import deleteWithoutWhere from "./delete-without-where.js";
import dropCascade from "./drop-cascade.js";
import dropColumn from "./drop-column.js";
import dropSchema from "./drop-schema.js";
import dropTable from "./drop-table.js";
import parseError from "./parse-error.js";
import renameColumn from "./rename-column.js";
import renameTable from "./rename-table.js";
import truncate from "./truncate.js";
import updateWithoutWhere from "./update-without-where.js";

export const sqlRules: Rule[] = [
  addForeignKeyValidating,
  addNotNullWithoutDefault,
  alterColumnType,
  copyProgram,
  createIndexNonConcurrently,
  deleteWithoutWhere,
  dropCascade,
  dropColumn,
  dropSchema,
  dropTable,
  parseError,
  renameColumn,
  renameTable,
  truncate,
  updateWithoutWhere,
];
