// `gonogo rules`: every rule with its family, default severity and summary.
import { Option } from "commander";
import { allRules } from "../../../rules/index.js";
import { docsUrlFor } from "../../../rules/define.js";
import { compareStrings } from "../../types.js";
import type { CommandRegistrar } from "../command.js";

export const registerRules: CommandRegistrar = (program, io, done) => {
  program
    .command("rules")
    .description("List every rule with its family, default severity and summary")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .action((opts: { format: "text" | "json" }) => {
      const rules = [...allRules].sort((a, b) => compareStrings(a.id, b.id));
      if (opts.format === "json") {
        const list = rules.map((r) => ({ id: r.id, family: r.family, severity: r.severity, summary: r.docs.summary, docsUrl: docsUrlFor(r.id) }));
        io.stdout.write(JSON.stringify(list, null, 2) + "\n");
      } else {
        const idWidth = Math.max(...rules.map((r) => r.id.length));
        const lines = rules.map((r) => `${r.id.padEnd(idWidth)}  ${r.family.padEnd(7)}  ${r.severity.padEnd(8)}  ${r.docs.summary}`);
        io.stdout.write(`${"RULE".padEnd(idWidth)}  FAMILY   SEVERITY  SUMMARY\n${lines.join("\n")}\n\n${rules.length} rules · gonogo explain RULE for details\n`);
      }
      done(0);
    });
};
