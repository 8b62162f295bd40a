// A lazy, JS-side view of a tree-sitter syntax tree, for the Alembic extractor.
//
// Why: in the Node binding every SyntaxNode access (namedChildren, childForFieldName, startIndex,
// text…) crosses N-API, and every node handed back is unmarshalled into a fresh JS object (a
// BigInt id, a Map, a native cache call). Profiles of the 10,000-migration scan put that above
// Parser.parse itself. Here one TreeCursor per tree reads a node's children once, on first use,
// with cheap numeric getters (type id, start, end, field id, descendant index), and caches them:
// each node is crossed for once, text is sliced from the source string, and subtrees the
// extractor never looks at (column definitions inside create_table, string bodies…) are never read.
//
// The view answers the subset of the SyntaxNode API the extractor uses, with the same results:
// children/namedChildren in order (comments included), childForFieldName = the first child
// holding that field, descendantsOfType in document order.
import type ParserType from "tree-sitter";

type Tree = ParserType.Tree;
type TreeCursor = ParserType.TreeCursor;

/** Type name and named-ness per grammar symbol id (one grammar: tree-sitter-python). */
const symbols = new Map<number, { type: string; named: boolean }>();
/** Field names per field id. */
const fieldNames = new Map<number, string>();
/**
 * Named node types whose children never hold a field (the grammar's node-types: module, block
 * statements' argument lists, strings…): their children's field ids are not asked for. Empty
 * until the first tree is seen, and when the grammar carries no node-type information.
 */
let fieldless: Set<string> | undefined;

function fieldlessTypes(tree: Tree): Set<string> {
  const info = (tree as { language?: { nodeTypeInfo?: { type: string; named: boolean; fields?: object; subtypes?: unknown }[] } }).language?.nodeTypeInfo ?? [];
  return new Set(info.filter((t) => t.named && !t.subtypes && Object.keys(t.fields ?? {}).length === 0).map((t) => t.type));
}

/**
 * Named node types that are tokens of the Python grammar and so never have children: the view
 * neither records where they are in the tree nor asks the cursor for their (absent) children.
 */
const LEAF_TYPES = new Set(["identifier", "integer", "float", "true", "false", "none", "comment", "string_start", "string_end", "escape_sequence", "ellipsis"]);

export class PyNode {
  private kids: PyNode[] | undefined;
  private named: PyNode[] | undefined;

  constructor(
    private readonly view: TreeView,
    /**
     * Position in a pre-order walk of the whole tree: where the cursor goes to read the children
     * (and, for anonymous nodes, the offsets); -1 for LEAF_TYPES.
     */
    readonly descendantIndex: number,
    readonly type: string,
    readonly isNamed: boolean,
    /** -1 until read (see TreeView.readChildren). */
    private start: number,
    private end: number,
    /** The field under which the parent holds this node, if any. */
    readonly field: string | undefined,
  ) {
    if (descendantIndex === -1) this.kids = [];
  }

  get startIndex(): number {
    if (this.start === -1) [this.start, this.end] = this.view.readOffsets(this);
    return this.start;
  }

  get endIndex(): number {
    if (this.end === -1) [this.start, this.end] = this.view.readOffsets(this);
    return this.end;
  }

  /** The node's source text (the binding's `node.text` is the same slice of the parsed string). */
  get text(): string {
    return this.view.text.slice(this.startIndex, this.endIndex);
  }

  get children(): PyNode[] {
    return (this.kids ??= this.view.readChildren(this));
  }

  get namedChildren(): PyNode[] {
    return (this.named ??= this.children.filter((c) => c.isNamed));
  }

  childForFieldName(name: string): PyNode | null {
    return this.children.find((c) => c.field === name) ?? null;
  }

  childrenForFieldName(name: string): PyNode[] {
    return this.children.filter((c) => c.field === name);
  }

  /** Descendants (not the node itself) of the given type, in document order. */
  descendantsOfType(type: string): PyNode[] {
    const out: PyNode[] = [];
    const visit = (node: PyNode) => {
      for (const child of node.children) {
        if (child.type === type) out.push(child);
        visit(child);
      }
    };
    visit(this);
    return out;
  }
}

/** One parsed tree seen through a single cursor. */
export class TreeView {
  private readonly cursor: TreeCursor;
  readonly root: PyNode;

  constructor(
    tree: Tree,
    /** The exact string the tree was parsed from. */
    readonly text: string,
  ) {
    fieldless ??= fieldlessTypes(tree);
    this.cursor = tree.walk();
    const c = this.cursor;
    this.root = new PyNode(this, 0, c.nodeType, c.nodeIsNamed, c.startIndex, c.endIndex, undefined);
  }

  /**
   * The descendant index of the node the cursor is on, or -1 when not known. Reading a node's
   * children leaves the cursor on the last one, which is often the next node read (the call of an
   * expression statement, the arguments of a call, the body of a def): no gotoDescendant then.
   */
  private at = 0;

  private goto(descendantIndex: number): void {
    if (this.at !== descendantIndex) this.cursor.gotoDescendant(descendantIndex);
    this.at = descendantIndex;
  }

  readChildren(node: PyNode): PyNode[] {
    const c = this.cursor;
    this.goto(node.descendantIndex);
    if (!c.gotoFirstChild()) return [];
    const out: PyNode[] = [];
    const fields = !(node.isNamed && fieldless!.has(node.type));
    do {
      const id = c.nodeTypeId;
      let symbol = symbols.get(id);
      if (!symbol) {
        symbol = { type: c.nodeType, named: c.nodeIsNamed };
        symbols.set(id, symbol);
      }
      const fieldId = fields ? c.currentFieldId : 0;
      let field: string | undefined;
      if (fieldId) {
        field = fieldNames.get(fieldId);
        if (field === undefined) {
          field = c.currentFieldName;
          fieldNames.set(fieldId, field);
        }
      }
      // Half the crossings of a node are its offsets and its descendant index. Leaves (whose text
      // is nearly always read) and string literals get their offsets now and need no index; other
      // nodes (punctuation, statements, argument lists, the column definitions of a
      // create_table…) are located only when asked.
      let child: PyNode;
      if (symbol.named && LEAF_TYPES.has(symbol.type)) child = new PyNode(this, -1, symbol.type, true, c.startIndex, c.endIndex, field);
      else if (symbol.type === "string") child = new PyNode(this, c.currentDescendantIndex, symbol.type, true, c.startIndex, c.endIndex, field);
      else child = new PyNode(this, c.currentDescendantIndex, symbol.type, symbol.named, -1, -1, field);
      out.push(child);
      this.at = child.descendantIndex;
    } while (c.gotoNextSibling());
    return out;
  }

  /**
   * Lends the view's cursor to a walk of its own (the indentation check): one cursor per tree, since
   * making one (`tree.walk()`) costs as much as reading dozens of nodes. The view then no longer
   * knows where the cursor is.
   */
  lendCursor<T>(walk: (cursor: TreeCursor) => T): T {
    this.at = -1;
    return walk(this.cursor);
  }

  readOffsets(node: PyNode): [number, number] {
    this.goto(node.descendantIndex);
    return [this.cursor.startIndex, this.cursor.endIndex];
  }
}
