// INI files as Python's configparser reads them (alembic.ini): `[section]` headers, `key = value`
// or `key: value` (keys lower-cased, as configparser's default optionxform does), full-line `#` and
// `;` comments, indented continuation lines. No interpolation: a value is returned as written.

export interface IniValue {
  value: string;
  /** 1-based line of the key. */
  line: number;
}

/** Section name → key → value. Keys before any section header are in section "". */
export type IniDocument = Map<string, Map<string, IniValue>>;

export function parseIni(text: string): IniDocument {
  const document: IniDocument = new Map([["", new Map()]]);
  let section = document.get("")!;
  let last: IniValue | undefined;
  const lines = text.split(/\r\n|\r|\n/);
  for (const [index, raw] of lines.entries()) {
    const trimmed = raw.trim();
    if (trimmed === "" ) {
      last = undefined;
      continue;
    }
    if (trimmed.startsWith("#") || trimmed.startsWith(";")) continue;
    const indented = raw[0] === " " || raw[0] === "\t";
    if (indented && last) {
      last.value = last.value === "" ? trimmed : `${last.value}\n${trimmed}`;
      continue;
    }
    if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
      const name = trimmed.slice(1, -1).trim();
      section = document.get(name) ?? new Map();
      document.set(name, section);
      last = undefined;
      continue;
    }
    const equals = trimmed.indexOf("=");
    const colon = trimmed.indexOf(":");
    const at = equals < 0 ? colon : colon < 0 ? equals : Math.min(equals, colon);
    if (at <= 0) {
      last = undefined;
      continue;
    }
    last = { value: trimmed.slice(at + 1).trim(), line: index + 1 };
    section.set(trimmed.slice(0, at).trim().toLowerCase(), last);
  }
  return document;
}
