// `gonogo explain RULE`: a rule's documentation with its examples, as text or as its docs page.
import { Option } from "commander";
import { allRules, findRule } from "../../../rules/index.js";
import { UsageError } from "../io.js";
import type { CommandRegistrar } from "../command.js";
import { renderRuleMarkdown, renderRuleText, suggestRuleIds } from "../rule-docs.js";

export const registerExplain: CommandRegistrar = (program, io, done) => {
  program
    .command("explain")
    .description("Print a rule's documentation with its examples")
    .argument("<rule>", "rule id, e.g. sql/drop-table (see `gonogo rules`)")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "markdown"]).default("text"))
    .action((id: string, opts: { format: "text" | "markdown" }) => {
      const rule = findRule(id);
      if (!rule) {
        const suggestions = suggestRuleIds(id, allRules.map((r) => r.id));
        const hint = suggestions.length > 0 ? `; did you mean ${suggestions.join(" or ")}?` : "";
        throw new UsageError(`unknown rule ${JSON.stringify(id)}${hint} (\`gonogo rules\` lists them)`);
      }
      io.stdout.write(opts.format === "markdown" ? renderRuleMarkdown(rule) : renderRuleText(rule));
      done(0);
    });
};
