// Naming conventions as SQLAlchemy applies them (`MetaData(naming_convention={...})`), so the
// name an upgrade gives an index or constraint can be compared with the name its downgrade drops.

/** The keys of a naming convention: index, unique, check, foreign key, primary key. */
export type ConventionKey = "ix" | "uq" | "ck" | "fk" | "pk";
export type NamingConvention = Partial<Record<ConventionKey, string>>;

/** The convention Alembic's documentation recommends; its `ix` is SQLAlchemy's own default. */
export const ALEMBIC_DOCUMENTED_CONVENTION: NamingConvention = {
  ix: "ix_%(column_0_label)s",
  uq: "uq_%(table_name)s_%(column_0_name)s",
  ck: "ck_%(table_name)s_%(constraint_name)s",
  fk: "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
  pk: "pk_%(table_name)s",
};

/** SQLAlchemy also accepts the class names as keys. */
const KEY_ALIASES: Record<string, ConventionKey> = {
  ix: "ix",
  uq: "uq",
  ck: "ck",
  fk: "fk",
  pk: "pk",
  Index: "ix",
  UniqueConstraint: "uq",
  CheckConstraint: "ck",
  ForeignKeyConstraint: "fk",
  PrimaryKeyConstraint: "pk",
};

/** A convention from the key/value pairs of a `naming_convention` dict (values that are not strings are dropped). */
export function conventionFromEntries(entries: [string, string][]): NamingConvention {
  const out: NamingConvention = {};
  for (const [key, value] of entries) {
    const known = KEY_ALIASES[key];
    if (known) out[known] = value;
  }
  return out;
}

export interface NamedObject {
  key: ConventionKey;
  table?: string;
  columns: string[];
  referredTable?: string;
}

const TOKEN = /%\((\w+)\)s/g;

/** The name `template` gives the object, or undefined when a token is unknown (a callable of the project's own). */
export function renderName(template: string, object: NamedObject, constraintName?: string): string | undefined {
  let unknown = false;
  const value = (token: string): string | undefined => {
    if (token === "table_name") return object.table;
    if (token === "constraint_name") return constraintName;
    if (token === "referred_table_name") return object.referredTable;
    const column = /^column_0(_N|N)?_(name|key|label)$/.exec(token);
    if (!column || object.columns.length === 0) return undefined;
    const label = (c: string) => (column[2] === "label" ? `${object.table}_${c}` : c);
    if (!column[1]) return label(object.columns[0]!);
    return object.columns.map(label).join(column[1] === "_N" ? "_" : "");
  };
  const name = template.replace(TOKEN, (_, token: string) => {
    const v = value(token);
    if (v === undefined) unknown = true;
    return v ?? "";
  });
  return unknown ? undefined : name;
}

/**
 * The name an object gets in the database under `convention`: an `op.f()` name as written; a
 * given name rewritten when the template uses `%(constraint_name)s`, else as given; no name (None)
 * the generated one. Undefined when it cannot be known.
 */
export function conventionalName(convention: NamingConvention, object: NamedObject, given: string | undefined, final = false): string | undefined {
  if (final) return given;
  const template = convention[object.key];
  const usesName = template?.includes("%(constraint_name)s") ?? false;
  if (given !== undefined) return template && usesName ? renderName(template, object, given) : given;
  return template && !usesName ? renderName(template, object) : undefined;
}
