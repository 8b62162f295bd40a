// s3cmd, the MinIO client and rclone: what deletes or empties a bucket, what only copies or lists,
// and rclone remotes that are not object stores (Dropbox, Drive, crypt over anything, local disk).
import { describe, expect, test } from "vitest";
import { classifyCommand } from "../src/extract/infra/shell.js";
import { analyseInfraFile } from "../src/extract/infra/index.js";

const effect = (command: string) => {
  const found = classifyCommand(command.split(" "));
  return found ? `${found.kind} ${found.provider} ${found.operation} ${found.bucket ?? "-"}` : "none";
};

describe("storage command-line tools", () => {
  test.each([
    ["s3cmd rb s3://acme-media", "bucket-delete s3 s3cmd rb acme-media"],
    ["s3cmd --host=abc.r2.cloudflarestorage.com rb --recursive s3://acme-media", "bucket-delete r2 s3cmd rb --recursive acme-media"],
    ["s3cmd del -r --force s3://$S3_BUCKET", "bucket-empty s3 s3cmd del --recursive $S3_BUCKET"],
    ["s3cmd -rf --region=US rm s3://acme-docs/site", "bucket-empty s3 s3cmd rm --recursive acme-docs"],
    ["s3cmd sync ./dist s3://acme-site --exclude *.map --delete-removed", "bucket-empty s3 s3cmd sync --delete-removed acme-site"],
    ["mc rb --force minio/acme-media", "bucket-delete unknown mc rb --force acme-media"],
    ["mc rm --recursive --force --older-than 30d minio/backups/daily", "bucket-empty unknown mc rm --recursive --force backups"],
    ["mc mirror --remove ./dist minio/acme-site", "bucket-empty unknown mc mirror --remove acme-site"],
    ["rclone purge r2:acme-media", "bucket-delete r2 rclone purge acme-media"],
    ["rclone purge r2:acme-media/2023", "bucket-empty r2 rclone purge acme-media"],
    ["rclone --config /etc/rclone.conf rmdir s3:acme-old", "bucket-delete s3 rclone rmdir acme-old"],
    ["rclone delete prod-r2:acme-cache/tmp", "bucket-empty r2 rclone delete acme-cache"],
    ["rclone sync --exclude *.tmp ./dist r2:acme-site", "bucket-empty r2 rclone sync acme-site"],
    ["rclone sync . :s3,provider=Cloudflare,endpoint=abc.r2.cloudflarestorage.com/:acme-photos/", "bucket-empty r2 rclone sync acme-photos"],
    ["rclone move r2:acme-inbox ./local", "bucket-empty r2 rclone move acme-inbox"],
  ])("%s", (command, expected) => {
    expect(effect(command)).toBe(expected);
  });

  test.each([
    "s3cmd del s3://acme-media/one.txt",
    "s3cmd sync ./dist s3://acme-site",
    "s3cmd sync s3://acme-site ./backup --delete-removed",
    "s3cmd --dry-run rb s3://acme-media",
    "mc rm minio/acme-media/one.txt",
    "mc rb ./local-dir",
    "mc mirror ./dist minio/acme-site",
    "rclone copy ./dist r2:acme-site",
    "rclone sync r2:acme-site ./backup --exclude x",
    "rclone rmdir r2:acme-media/empty-dir",
    "rclone --dry-run purge r2:acme-media",
    "rclone deletefile r2:acme-media/one.txt",
    "rclone purge dropbox:Backups/old",
    "rclone purge backup-crypt:monthly/2023-01",
    "rclone sync ./dist :local:/srv/www",
    "rclone sync C:\\dist D:\\mirror",
  ])("%s: no storage action", (command) => {
    expect(effect(command)).toBe("none");
  });

  test("in a script, at the command; and from Python through a formatted command line", () => {
    const sh = analyseInfraFile("deploy/publish.sh", "#!/bin/sh\nset -e\nrclone sync ./public r2:acme-www\n").facts.storageActions;
    expect(sh.map((a) => `${a.location.line}:${a.location.column}-${a.location.endColumn} ${a.operation} ${a.bucket}`)).toEqual(["3:1-33 rclone sync acme-www"]);
    const py = [
      "import subprocess",
      "",
      'cmd = "s3cmd sync --delete-removed --acl-public %s/ s3://%s"',
      "subprocess.call(cmd % (build_dir, bucket), shell=True)",
      "",
    ].join("\n");
    const actions = analyseInfraFile("site/management/commands/publish.py", py).facts.storageActions;
    expect(actions.map((a) => `${a.location.line}:${a.location.column}-${a.location.endColumn} ${a.kind} ${a.operation} ${a.bucket}`)).toEqual(["3:8-60 bucket-empty s3cmd sync --delete-removed ${bucket}"]);
  });
});
