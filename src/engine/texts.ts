// The texts of a scan's files, by path. With --cache, a file whose stat stamp says it is unchanged
// is not read up front (its cached facts and content hash stand in for it): its text is read on
// first use, when a finding needs its excerpt or a cross-file reader (env.py, a module env.py
// imports, an infrastructure file's siblings) its source. Iterating reads every deferred file.
// A file that can no longer be read when it is asked for (it vanished mid-scan) has no text.

export class SourceTexts implements ReadonlyMap<string, string> {
  /** Path → text, or undefined while not read. Insertion order is the scan's order. */
  private readonly texts = new Map<string, string | undefined>();

  /** @param readDeferred reads a deferred file's text (undefined when it cannot be read any more). */
  constructor(private readonly readDeferred: (file: string) => string | undefined = () => undefined) {}

  set(file: string, text: string): void {
    this.texts.set(file, text);
  }

  /** A file known unchanged, read when first asked for. */
  defer(file: string): void {
    this.texts.set(file, undefined);
  }

  get(file: string): string | undefined {
    if (!this.texts.has(file)) return undefined;
    const known = this.texts.get(file);
    if (known !== undefined) return known;
    const text = this.readDeferred(file);
    if (text === undefined) this.texts.delete(file);
    else this.texts.set(file, text);
    return text;
  }

  has(file: string): boolean {
    return this.texts.has(file);
  }

  get size(): number {
    return this.texts.size;
  }

  keys(): MapIterator<string> {
    return this.texts.keys();
  }

  entries(): MapIterator<[string, string]> {
    return this.readAll().entries();
  }

  values(): MapIterator<string> {
    return this.readAll().values();
  }

  /** Every text, deferred ones read now (those that can no longer be read are left out). */
  private readAll(): Map<string, string> {
    const out = new Map<string, string>();
    for (const file of [...this.texts.keys()]) {
      const text = this.get(file);
      if (text !== undefined) out.set(file, text);
    }
    return out;
  }

  forEach(callback: (value: string, key: string, map: ReadonlyMap<string, string>) => void): void {
    for (const [file, text] of this.entries()) callback(text, file, this);
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
}
