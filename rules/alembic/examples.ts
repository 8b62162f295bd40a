// Builds realistic migration files for rule examples, so each example shows only what matters.
export function migration(opts: { revision: string; down?: string | null; upgrade: string; downgrade?: string | null; header?: string }): string {
  const down = opts.down === undefined || opts.down === null ? "None" : `"${opts.down}"`;
  const lines = [
    `"""${opts.header ?? "example migration"}`,
    "",
    `Revision ID: ${opts.revision}`,
    `Revises: ${opts.down ?? ""}`,
    '"""',
    "from alembic import op",
    "import sqlalchemy as sa",
    "",
    `revision = "${opts.revision}"`,
    `down_revision = ${down}`,
    "branch_labels = None",
    "depends_on = None",
    "",
    "",
    "def upgrade():",
    ...indent(opts.upgrade),
  ];
  if (opts.downgrade !== null) {
    lines.push("", "", "def downgrade():", ...indent(opts.downgrade ?? "pass"));
  }
  return lines.join("\n") + "\n";
}

function indent(body: string): string[] {
  return body.split("\n").map((line) => (line ? "    " + line : line));
}
