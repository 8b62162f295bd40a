// Registry of the alembic rules, sorted by id. `npm run new-rule` adds lines here.
import type { Rule } from "../define.js";

export const alembicRules: Rule[] = [];
