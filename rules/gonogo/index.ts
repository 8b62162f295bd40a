// Registry of gonogo's own rules (engine-level problems), sorted by id.
import type { Rule } from "../define.js";
import directiveMissingReason from "./directive-missing-reason.js";
import fileUnreadable from "./file-unreadable.js";
import internalError from "./internal-error.js";
import unusedDirective from "./unused-directive.js";

export const gonogoRules: Rule[] = [directiveMissingReason, fileUnreadable, internalError, unusedDirective];
