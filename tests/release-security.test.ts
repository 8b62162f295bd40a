// No shell, no secrets: values are validated before any argv is built, and secrets in step output
// never reach the terminal or the deployment log.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { main } from "../src/cli/main.js";
import { createRedactor, expandArgv, isSecretName, validateEnvironment, validateRevision, validateVersion } from "../src/release/index.js";
import { makeWorkspace, memoryIO, startHealthServer } from "./release-helpers.js";
import { writeFileSync } from "node:fs";

describe("input validation", () => {
  it("accepts semver and tags", () => {
    for (const v of ["1.4.0", "v2.0.0-rc.1", "1.0.0+build.7", "release-2024.06.01", "abc1234", "feature/x"]) expect(validateVersion(v)).toBe(v);
  });

  it("rejects shell syntax, quotes, newlines and a leading dash", () => {
    for (const v of ["1.0;ls", "$(id)", "`id`", "1.0'", '1.0"', "1.0\nls", "-rf", "--help", "a b", "1.0|x", "../../etc", ""]) expect(() => validateVersion(v)).toThrow(/invalid version|required/);
    for (const e of ["prod;ls", "-x", "a b", "$(x)"]) expect(() => validateEnvironment(e)).toThrow(/invalid environment/);
    for (const r of ["0001;ls", "-1", "`x`", "a'b"]) expect(() => validateRevision(r)).toThrow(/invalid revision/);
    expect(validateRevision("ae1027a6acf")).toBe("ae1027a6acf");
  });

  it("expands placeholders inside one argv element and refuses a missing value", () => {
    expect(expandArgv(["deploy", "--tag={version}", "{environment}"], { version: "1.0.0", environment: "staging" })).toEqual(["deploy", "--tag=1.0.0", "staging"]);
    expect(() => expandArgv(["rollback", "{previousVersion}"], {})).toThrow(/no value for \{previousVersion\}/);
  });
});

describe("redaction", () => {
  it("knows secret-looking names", () => {
    for (const n of ["DEPLOY_TOKEN", "AWS_SECRET_ACCESS_KEY", "DB_PASSWORD", "PASSWORD", "STRIPE_API_KEY", "GITHUB_TOKEN", "CLIENT_SECRET"]) expect(isSecretName(n)).toBe(true);
    for (const n of ["PATH", "HOME", "PWD", "KEYBOARD", "AWS_ACCESS_KEY_ID", "VERSION"]) expect(isSecretName(n)).toBe(false);
  });

  it("replaces secret env values and well-known token shapes", () => {
    const redact = createRedactor({ DEPLOY_TOKEN: "s3cr3t-value-123", FEATURE: "on" });
    const text = [
      "token s3cr3t-value-123",
      "AKIAIOSFODNN7EXAMPLE",
      "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
      "Authorization: Bearer abc.def.ghi-123456",
      "postgres://app:hunter2hunter2@db:5432/x",
      "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "export DB_PASSWORD=correct-horse",
    ].join("\n");
    const out = redact(text);
    for (const secret of ["s3cr3t-value-123", "AKIAIOSFODNN7EXAMPLE", "ghp_abcdefghij", "abc.def.ghi-123456", "hunter2hunter2", "wJalrXUtnFEMI", "correct-horse"]) expect(out).not.toContain(secret);
    expect(out).toContain("[REDACTED:DEPLOY_TOKEN]");
    expect(out).toContain("postgres://app:[REDACTED]@db:5432/x");
  });

  it("secrets printed by a real step never reach the terminal or the log", async () => {
    const ws = makeWorkspace({ healthUrl: "http://placeholder" });
    const server = await startHealthServer(ws.dir);
    try {
      writeFileSync(ws.config, readFileSync(ws.config, "utf8").replaceAll("http://placeholder", server.url));
      const io = memoryIO(ws.dir, { PRINT_SECRETS: "1", FAIL_ACTION: "deploy", DEPLOY_TOKEN: "tok-9f8e7d6c5b4a" });
      const code = await main(["deploy", "--env", "development", "--version", "1.0.0"], io);
      expect(code).toBe(1);
      const log = readFileSync(ws.log, "utf8");
      const terminal = io.out() + io.err();
      expect(terminal).toContain("deploy failed on purpose");
      expect(log).toContain("deploy failed on purpose");
      for (const secret of ["tok-9f8e7d6c5b4a", "AKIAIOSFODNN7EXAMPLE", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "secretpayload", "hunter2hunter2"]) {
        expect(terminal).not.toContain(secret);
        expect(log).not.toContain(secret);
      }
      expect(log).toContain("[REDACTED:DEPLOY_TOKEN]");
    } finally {
      await server.close();
    }
  });
});
