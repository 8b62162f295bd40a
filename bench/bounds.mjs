#!/usr/bin/env node
// `node bench/bounds.mjs`: the bounded-cost shapes of issue 17 (item 8), each written into a
// fresh project and scanned by the real binary as its own process. Prints wall time, peak RSS
// (GNU time) and the exit code: every shape must finish in < 10 s and < 1 GB, exit 0/1, and
// print JSON that parses.
//
//   node bench/bounds.mjs [--only helper-chain,one-line-list,...] [--mb 10]
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { only: { type: "string" }, mb: { type: "string", default: "10" } } });
const root = path.resolve(import.meta.dirname, "..");
// GONOGO_BIN=<other checkout>/bin/gonogo.js measures another build (the before figures).
const gonogo = process.env.GONOGO_BIN ?? path.join(root, "bin/gonogo.js");
// Just under the 10 MiB file limit.
const size = Math.floor(Number(values.mb) * 1024 * 1024) - 4096;

const header = (rev, down) => `from alembic import op\nimport sqlalchemy as sa\nrevision = "${rev}"\ndown_revision = ${down ? `"${down}"` : "None"}\n`;
const fill = (unit, budget = size) => unit.repeat(Math.max(1, Math.floor(budget / unit.length)));

/** Each shape: files to write (relative path → text), or a function that writes them. */
const shapes = {
  "helper-chain-doubling (22 levels, ~800 bytes)": () => {
    const lines = [header("0001", null)];
    for (let i = 0; i < 22; i++) lines.push(`def h${i}():\n    h${i + 1}()\n    h${i + 1}()`);
    lines.push('def h22():\n    op.drop_table("orders")', "def upgrade():\n    h0()", "def downgrade():\n    pass\n");
    return { "alembic/versions/0001_chain.py": lines.join("\n") };
  },
  "helper-chain-linear (10 MB, each helper calls the next)": () => {
    const body = [];
    let i = 0;
    let length = 0;
    while (length < size - 200) {
      const def = `def h${i}():\n    h${i + 1}()\n`;
      body.push(def);
      length += def.length;
      i++;
    }
    body.push(`def h${i}():\n    op.drop_table("orders")\n`);
    return { "alembic/versions/0001_chain.py": `${header("0001", null)}${body.join("")}def upgrade():\n    h0()\ndef downgrade():\n    pass\n` };
  },
  "one-line-list (10 MB Python line: x = [1, 1, …])": () => ({
    "alembic/versions/0001_line.py": `${header("0001", null)}def upgrade():\n    x = [${fill("1, ", size - 300)}1]\ndef downgrade():\n    pass\n`,
  }),
  "one-line-statements (10 MB Python line: op.drop_table(…); …)": () => ({
    "alembic/versions/0001_line.py": `${header("0001", null)}def upgrade():\n    ${fill('op.drop_table("t"); ', size - 300)}pass\ndef downgrade():\n    pass\n`,
  }),
  "one-line-string (10 MB SQL string in op.execute)": () => ({
    "alembic/versions/0001_line.py": `${header("0001", null)}def upgrade():\n    op.execute("${fill("DELETE FROM t WHERE id = 1; ", size - 300)}")\ndef downgrade():\n    pass\n`,
  }),
  "one-line-concat (10 MB: s = 'a' + 'a' + …)": () => ({
    "alembic/versions/0001_line.py": `${header("0001", null)}S = ${fill('"a" + ', size - 300)}"a"\ndef upgrade():\n    op.execute(S)\ndef downgrade():\n    pass\n`,
  }),
  "many-lines (10 MB of op.drop_table lines)": () => ({
    "alembic/versions/0001_lines.py": `${header("0001", null)}def upgrade():\n${fill('    op.drop_table("t")\n', size - 300)}def downgrade():\n    pass\n`,
  }),
  "sql-one-line (10 MB .sql line)": () => ({ "db/one.sql": fill("DELETE FROM t WHERE id = 1; ") }),
  "sql-many-statements (10 MB of DROP TABLE lines)": () => ({ "db/many.sql": fill("DROP TABLE t;\n") }),
  // Just under the statement budget (50,000), each statement as long as 10 MB allows: the most SQL
  // that is still analysed, one finding per statement.
  "sql-under-budget (49,999 DROP TABLE statements padded to 10 MB)": () => {
    const unit = (n) => `DROP TABLE t${n}${" ".repeat(Math.max(0, Math.floor(size / 49_999) - 16 - String(n).length))};\n`;
    return { "db/under.sql": Array.from({ length: 49_999 }, (_, n) => unit(n)).join("") };
  },
  "sql-one-statement-many-changes (one 10 MB ALTER TABLE … DROP COLUMN a, …)": () => ({ "db/alter.sql": `ALTER TABLE t ${fill("DROP COLUMN a, ", size - 100)}DROP COLUMN a;\n` }),
  "sql-under-token-budget-alter (ALTER TABLE … DROP COLUMN a, … just under 500,000 tokens)": () => ({ "db/alter.sql": `ALTER TABLE t ${"DROP COLUMN a, ".repeat(124_990)}DROP COLUMN a;\n` }),
  "sql-under-token-budget-insert (INSERT … VALUES just under 500,000 tokens)": () => ({ "db/seed.sql": `INSERT INTO t (id, name) VALUES ${"(1, 'a'), ".repeat(83_320)}(1, 'a');\n` }),
  "sql-one-insert (one 10 MB INSERT … VALUES (…), (…), …)": () => ({ "db/seed.sql": `INSERT INTO t (id, name) VALUES ${fill("(1, 'a'), ", size - 100)}(1, 'a');\n` }),
  "multiple-heads (5,000 heads)": () => {
    const files = { "alembic/versions/0000_root.py": `${header("root", null)}def upgrade():\n    pass\ndef downgrade():\n    pass\n` };
    for (let i = 0; i < 5000; i++) files[`alembic/versions/h${i}.py`] = `${header(`h${i}`, "root")}def upgrade():\n    pass\ndef downgrade():\n    pass\n`;
    return files;
  },
  "yaml-alias-bomb (9 levels of 10 aliases: 10^9 nodes if expanded)": () => {
    const levels = ["a: &l0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(", ")}]`);
    return { ".gitlab-ci.yml": `${levels.join("\n")}\njob:\n  script: *l8\n` };
  },
  "yaml-many-merges (10 MB GitLab CI: jobs merging a shared template)": () => {
    const template = ".base: &base\n  image: alpine\n  before_script:\n    - echo start\n  script:\n    - aws s3 ls s3://b\n";
    const jobs = [];
    for (let i = 0, length = template.length; length < size - 200; i++) {
      const job = `j${i}: {<<: *base, stage: test}\n`;
      jobs.push(job);
      length += job.length;
    }
    return { ".gitlab-ci.yml": template + jobs.join("") };
  },
  "deep-directories (1,000 levels)": (dir) => {
    let current = dir;
    for (let i = 0; i < 1000; i++) current = path.join(current, "d");
    mkdirSync(current, { recursive: true });
    writeFileSync(path.join(current, "x.sql"), "DROP TABLE t;\n");
    return {};
  },
};

const selected = values.only ? values.only.split(",") : Object.keys(shapes);
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${cpus().length} cores (wall time includes waiting for a core; CPU = user + system)`);
console.log("| shape | wall | CPU | peak RSS | exit | findings |\n| --- | --- | --- | --- | --- | --- |");
for (const name of Object.keys(shapes)) {
  if (!selected.some((s) => name.startsWith(s))) continue;
  const dir = mkdtempSync(path.join(tmpdir(), "gonogo-bounds-"));
  writeFileSync(path.join(dir, "gonogo.config.yaml"), "migrations: alembic/versions\n");
  for (const [file, text] of Object.entries(shapes[name](dir))) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  const argv = ["/usr/bin/time", "-f", "gonogo-bounds %e %U %S %M", process.execPath, gonogo, "scan", "--format", "json", "."];
  const result = spawnSync(argv[0], argv.slice(1), { cwd: dir, maxBuffer: 1 << 30, timeout: Number(process.env.GONOGO_BOUNDS_TIMEOUT ?? 120) * 1000, killSignal: "SIGKILL" });
  const stderr = result.stderr?.toString() ?? "";
  const [, wall, user, sys, rss] = /gonogo-bounds ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(stderr) ?? [];
  const cpu = user ? (Number(user) + Number(sys)).toFixed(2) : "?";
  let findings = "output is not JSON";
  try {
    findings = String(JSON.parse(result.stdout.toString()).reduce((n, f) => n + f.messages.length, 0));
  } catch {
    if (stderr.includes("Error")) findings = `stack trace: ${stderr.split("\n").find((l) => l.includes("Error"))?.slice(0, 80)}`;
  }
  const exit = result.status ?? result.signal ?? (result.error ? "timeout" : "?");
  console.log(`| ${name} | ${wall ?? "?"} s | ${cpu} s | ${rss ? Math.round(Number(rss) / 1024) : "?"} MB | ${exit} | ${findings} |`);
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}
