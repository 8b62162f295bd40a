// Registry of the gonogo rules, sorted by id. `npm run new-rule` adds lines here.
import type { Rule } from "../define.js";

export const gonogoRules: Rule[] = [];
