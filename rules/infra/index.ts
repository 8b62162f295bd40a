// Registry of the infra rules, sorted by id. `npm run new-rule` adds lines here.
import type { Rule } from "../define.js";

export const infraRules: Rule[] = [];
