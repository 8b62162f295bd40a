// The file system fights back: 100,000 files in one directory, unreadable files (as an unprivileged
// user, since root reads anything), FIFOs, symlink loops, dangling links. Each is reported, the scan
// goes on and exits 1, never 2; and with the default policy each kind makes a production `check` a
// no-go that names the file.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";
import { cleanProject, ensureBuilt, JUNIT_PASS, runBin, withRepoTraversableByOthers, type CheckJson } from "./hardening-helpers.js";

const isRoot = process.getuid?.() === 0;

beforeAll(() => ensureBuilt(), 120_000);

const migration = (revision: string, down: string | null, body: string) =>
  [`"""${revision}"""`, "from alembic import op", "import sqlalchemy as sa", "", `revision = "${revision}"`, `down_revision = ${down === null ? "None" : `"${down}"`}`, "", "", "def upgrade():", `    ${body}`, "", "", "def downgrade():", '    op.drop_column("orders", "note")', ""].join("\n");

/** One kind of file that cannot be analysed, planted into the clean project. Returns its path. */
interface BadKind {
  name: string;
  plant: (dir: string) => string;
  because: RegExp;
}

const KINDS: BadKind[] = [
  {
    name: "a Python syntax error in a migration",
    plant: (dir) => {
      writeFileSync(path.join(dir, "alembic/versions/0003_broken.py"), migration("0003", "0002", 'op.add_column("orders", sa.Column("note", sa.Text()').replace("def downgrade():", "def downgrade(:"));
      return "alembic/versions/0003_broken.py";
    },
    because: /alembic\/parse-error/,
  },
  {
    name: "a SQL file that does not parse",
    plant: (dir) => {
      mkdirSync(path.join(dir, "db"));
      writeFileSync(path.join(dir, "db/cleanup.sql"), "DELETE FROM sessions WHERE;\nALTER TABLE orders DROP COLUMN;\n");
      return "db/cleanup.sql";
    },
    because: /sql\/parse-error/,
  },
  {
    name: "Terraform that does not parse",
    plant: (dir) => {
      mkdirSync(path.join(dir, "infra"));
      writeFileSync(path.join(dir, "infra/main.tf"), 'resource "aws_s3_bucket" "assets" {\n  bucket = "shop-assets"\n  force_destroy = \n');
      return "infra/main.tf";
    },
    because: /infra\/parse-error/,
  },
  {
    name: "a binary file",
    plant: (dir) => {
      writeFileSync(path.join(dir, "alembic/versions/0003_blob.py"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00]));
      return "alembic/versions/0003_blob.py";
    },
    because: /binary file/,
  },
  {
    name: "invalid UTF-8",
    plant: (dir) => {
      writeFileSync(path.join(dir, "alembic/versions/0003_latin1.py"), Buffer.concat([Buffer.from(migration("0003", "0002", 'op.add_column("orders", sa.Column("note", sa.Text()))').replace('"""0003"""', '"""caf')), Buffer.from([0xe9]), Buffer.from('"""\n')]));
      return "alembic/versions/0003_latin1.py";
    },
    because: /invalid UTF-8 at byte \d+/,
  },
  {
    name: "a file over the size limit",
    plant: (dir) => {
      writeFileSync(path.join(dir, "alembic/versions/0003_seed.py"), migration("0003", "0002", `op.execute("""${"INSERT INTO tiers VALUES (1);\n".repeat(400_000)}""")`));
      return "alembic/versions/0003_seed.py";
    },
    because: /over the 10\.0 MB analysis limit/,
  },
  {
    name: "10,000-deep nesting (the analyser's stack runs out)",
    plant: (dir) => {
      writeFileSync(path.join(dir, "alembic/versions/0003_deep.py"), migration("0003", "0002", `x = ${"(".repeat(10_000)}1${")".repeat(10_000)}`));
      return "alembic/versions/0003_deep.py";
    },
    because: /parse-error/,
  },
  {
    name: "a FIFO where a migration should be",
    plant: (dir) => {
      execFileSync("mkfifo", [path.join(dir, "alembic/versions/0003_pipe.py")]);
      return "alembic/versions/0003_pipe.py";
    },
    because: /not a regular file \(FIFO\)/,
  },
  {
    name: "a symbolic link loop",
    plant: (dir) => {
      symlinkSync(path.join(dir, "alembic"), path.join(dir, "alembic/versions/again"));
      return "alembic/versions/again";
    },
    because: /symbolic link loop/,
  },
  {
    name: "a dangling symbolic link",
    plant: (dir) => {
      symlinkSync(path.join(dir, "gone/0003_moved.py"), path.join(dir, "alembic/versions/0003_moved.py"));
      return "alembic/versions/0003_moved.py";
    },
    because: /vanished/,
  },
];

async function productionCheck(dir: string) {
  const run = await runCli(["check", "--env", "production", "--junit", JUNIT_PASS, "--format", "json"], { cwd: dir });
  return { ...run, json: JSON.parse(run.stdout) as CheckJson };
}

describe("fail closed: every kind of unanalysable file makes production a no-go naming it", () => {
  it("control: the clean project needs approval only (so a no-go below comes from the bad file)", async () => {
    const r = await productionCheck(cleanProject());
    expect(r.code).toBe(3);
    expect(r.json.decision).toBe("needs-approval");
    expect(r.json.reasons.map((x) => x.code)).not.toContain("unanalysed-file");
  });

  it.each(KINDS)("$name", async ({ plant, because }) => {
    const dir = cleanProject();
    const file = plant(dir);
    const r = await productionCheck(dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.json.decision).toBe("no-go");
    const reason = r.json.reasons.find((x) => x.code === "unanalysed-file" && x.message.includes(file));
    expect(reason, JSON.stringify(r.json.reasons, null, 1)).toMatchObject({ effect: "no-go" });
    expect(reason!.message).toMatch(because);
    expect(reason!.message).toContain("production fails closed on unknowns");
    // The same files in development are reported, not blocking: exit 0 there.
    const dev = await runCli(["check", "--env", "development"], { cwd: dir });
    expect(dev.code).toBe(0);
    expect(dev.stdout).toContain(file);
  }, 60_000);

  it("an unreadable file (permission denied, as an unprivileged user): reported by scan, no-go in production", async () => {
    if (!isRoot) {
      // Not root: permission bits apply to us directly.
      const dir = cleanProject();
      writeFileSync(path.join(dir, "alembic/versions/0003_secret.py"), migration("0003", "0002", 'op.drop_table("orders")'));
      chmodSync(path.join(dir, "alembic/versions/0003_secret.py"), 0o000);
      const r = await productionCheck(dir);
      expect(r.code).toBe(1);
      expect(r.json.reasons.find((x) => x.code === "unanalysed-file")?.message).toMatch(/0003_secret\.py.*permission denied/);
      return;
    }
    // Root bypasses permission bits, so the real binary runs as nobody (setpriv) against a
    // root-owned file with mode 000 (the clone's directories are made searchable for the run).
    await withRepoTraversableByOthers(async () => {
      const dir = cleanProject();
      writeFileSync(path.join(dir, "alembic/versions/0003_secret.py"), migration("0003", "0002", 'op.drop_table("orders")'));
      chmodSync(path.join(dir, "alembic/versions/0003_secret.py"), 0o000);
      mkdirSync(path.join(dir, "db"), { mode: 0o700 });
      writeFileSync(path.join(dir, "db/private.sql"), "DROP TABLE orders;\n");
      const scan = await runBin(["scan", "--format", "json", "."], { cwd: dir, asNobody: true });
      expect(scan.stderr).toBe("");
      expect(scan.code).toBe(1);
      const messages = (JSON.parse(scan.stdout) as { filePath: string; messages: { ruleId: string; message: string }[] }[]).flatMap((r) => r.messages.map((m) => ({ file: path.relative(dir, r.filePath), ...m })));
      expect(messages).toContainEqual(expect.objectContaining({ file: "alembic/versions/0003_secret.py", ruleId: "alembic/parse-error", message: expect.stringContaining("permission denied") }));
      expect(messages).toContainEqual(expect.objectContaining({ file: "db", ruleId: "gonogo/file-unreadable", message: expect.stringContaining("permission denied") }));
      const check = await runBin(["check", "--env", "production", "--junit", JUNIT_PASS, "--format", "json"], { cwd: dir, asNobody: true });
      expect(check.stderr).toBe("");
      expect(check.code).toBe(1);
      const json = JSON.parse(check.stdout) as CheckJson;
      expect(json.decision).toBe("no-go");
      const files = json.reasons.filter((x) => x.code === "unanalysed-file" && x.effect === "no-go").map((x) => x.findings?.[0]?.file);
      expect(files).toEqual(expect.arrayContaining(["alembic/versions/0003_secret.py", "db"]));
    });
  }, 60_000);
});

describe("many files", () => {
  it("100,000 files in one directory: all scanned, every finding reported, exit 1", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gonogo-many-"));
    mkdirSync(path.join(dir, "db"));
    for (let i = 0; i < 100_000; i++) {
      const drop = i % 1000 === 0;
      writeFileSync(path.join(dir, "db", `${String(i).padStart(6, "0")}_${drop ? "drop" : "report"}.sql`), drop ? `DROP TABLE archive_${i};\n` : `SELECT count(*) FROM orders WHERE id > ${i};\n`);
    }
    execFileSync("mkfifo", [path.join(dir, "db", "050000_pipe.sql")]);
    const r = await runBin(["scan", "--no-config", "--format", "json", "."], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const results = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string; message: string }[] }[];
    const drops = results.flatMap((x) => x.messages.filter((m) => m.ruleId === "sql/drop-table").map(() => path.basename(x.filePath)));
    expect(drops).toHaveLength(100);
    expect(drops[0]).toBe("000000_drop.sql");
    expect(drops.at(-1)).toBe("099000_drop.sql");
    expect(results.find((x) => x.filePath.endsWith("050000_pipe.sql"))?.messages).toEqual([expect.objectContaining({ ruleId: "sql/parse-error", message: expect.stringContaining("FIFO") })]);
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);
});
