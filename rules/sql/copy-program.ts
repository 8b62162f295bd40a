import { defineRule } from "../define.js";
import { changeData, reportable } from "./shared.js";

export default defineRule({
  id: "sql/copy-program",
  family: "sql",
  reads: "schemaChanges",
  severity: "critical",
  docs: {
    summary: "COPY … FROM PROGRAM or TO PROGRAM runs a shell command on the database server.",
    why: "The command runs as the database's operating-system user with the server's files, network and credentials within reach: it can delete the data directory, exfiltrate a table or open a shell. A migration is the last place such a command belongs, and nothing in the SQL says what the command will do at deploy time.",
    instead:
      "Load and export data from the client side (psql's \\copy, COPY … FROM STDIN / TO STDOUT from the application or a job), and keep pg_execute_server_program away from the role that runs migrations.",
  },
  examples: {
    invalid: [{ file: "migrations/0130_import_rates.sql", code: "-- Import the daily rates.\nCOPY exchange_rates FROM PROGRAM 'curl -s https://rates.example.com/today.csv' WITH (FORMAT csv);\n", finding: { line: 2, column: 1, message: "COPY … FROM PROGRAM runs 'curl -s https://rates.example.com/today.csv' as a shell command on the database server" } }],
    valid: [{ file: "migrations/0130_import_rates.sql", code: "COPY exchange_rates FROM STDIN WITH (FORMAT csv);\n" }],
  },
  check(facts, report) {
    for (const change of reportable(facts.schemaChanges)) {
      if (change.kind !== "copy-program") continue;
      const command = change.name !== undefined ? `'${change.name}'` : "a command";
      report(change, `${change.operation} runs ${command} as a shell command on the database server`, { ...changeData(change), ...(change.name !== undefined ? { program: change.name } : {}) });
    }
  },
});
