/**
 * Read the names and default values of a notebook's papermill `parameters`
 * cell: simple `name = literal` (or `name: type = literal`) assignments with
 * comments. A value becomes the text the run form sends: strings as they are,
 * other literals as JSON (SMUS's notebook helper and the local backend decode
 * a value that is valid JSON, so `3` arrives as a number).
 */

export interface ParameterDefault {
  name: string;
  /** The text to send as the parameter's value. */
  value: string;
  /** False when the right-hand side was not a literal we understand. */
  parsed: boolean;
}

export interface ParametersCell {
  /** Whether the notebook has a cell tagged `parameters`. */
  found: boolean;
  parameters: ParameterDefault[];
}

interface INotebookLike {
  cells?: Array<{
    cell_type?: string;
    metadata?: { tags?: unknown };
    source?: string | string[];
  }>;
}

/** Find the first code cell tagged `parameters` and parse it. */
export function readParametersCell(notebook: INotebookLike): ParametersCell {
  for (const cell of notebook.cells ?? []) {
    const tags = cell.metadata?.tags;
    if (
      cell.cell_type === 'code' &&
      Array.isArray(tags) &&
      tags.includes('parameters')
    ) {
      const source = Array.isArray(cell.source)
        ? cell.source.join('')
        : (cell.source ?? '');
      return { found: true, parameters: parseParametersSource(source) };
    }
  }
  return { found: false, parameters: [] };
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?::[^=]+)?=(?!=)\s*(.*)$/s;

/** Parse the source of a parameters cell; later assignments win. */
export function parseParametersSource(source: string): ParameterDefault[] {
  const byName = new Map<string, ParameterDefault>();
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length) {
    let statement = lines[i];
    i++;
    if (/^\s/.test(statement) || !statement.trim()) {
      continue; // blank, or an indented line of a block we do not read
    }
    // An open bracket or string continues the statement on the next lines.
    while (i < lines.length && isIncomplete(statement)) {
      statement += '\n' + lines[i];
      i++;
    }
    const match = ASSIGNMENT.exec(stripComment(statement).trim());
    if (!match) {
      continue;
    }
    const [, name, rhs] = match;
    const expression = rhs.trim();
    if (!expression) {
      continue;
    }
    let entry: ParameterDefault;
    try {
      const value = parsePythonLiteral(expression);
      entry = {
        name,
        value: typeof value === 'string' ? value : JSON.stringify(value),
        parsed: true
      };
    } catch {
      entry = { name, value: expression, parsed: false };
    }
    byName.delete(name);
    byName.set(name, entry);
  }
  return Array.from(byName.values());
}

/** Remove `# comments` (to the end of their line) that are not inside a string. */
export function stripComment(text: string): string {
  let quote: string | null = null;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      out += c;
      if (c === '\\') {
        out += text[i + 1] ?? '';
        i++;
      } else if (text.startsWith(quote, i)) {
        out += quote.slice(1);
        i += quote.length - 1;
        quote = null;
      }
    } else if (c === '#') {
      while (i + 1 < text.length && text[i + 1] !== '\n') {
        i++;
      }
    } else if (c === '"' || c === "'") {
      quote = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      out += quote;
      i += quote.length - 1;
    } else {
      out += c;
    }
  }
  return out;
}

function isIncomplete(statement: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < statement.length; i++) {
    const c = statement[i];
    if (quote) {
      if (c === '\\') {
        i++;
      } else if (statement.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = null;
      }
      continue;
    }
    if (c === '#') {
      while (i < statement.length && statement[i] !== '\n') {
        i++;
      }
    } else if (c === '"' || c === "'") {
      quote = statement.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      i += quote.length - 1;
    } else if ('([{'.includes(c)) {
      depth++;
    } else if (')]}'.includes(c)) {
      depth--;
    }
  }
  return depth > 0 || (quote !== null && quote.length === 3);
}

type Literal = null | boolean | number | string | Literal[] | LiteralObject;
interface LiteralObject {
  [key: string]: Literal;
}

/** Parse a Python literal (numbers, strings, bools, None, lists, tuples, dicts). */
export function parsePythonLiteral(text: string): Literal {
  const parser = new LiteralParser(text);
  const value = parser.value();
  parser.skipSpace();
  if (!parser.done()) {
    throw new Error(`Unexpected text at ${parser.pos}`);
  }
  return value;
}

class LiteralParser {
  constructor(private text: string) {}
  pos = 0;

  done(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (!this.done() && /\s/.test(this.text[this.pos])) {
      this.pos++;
    }
  }

  value(): Literal {
    this.skipSpace();
    const rest = this.text.slice(this.pos);
    const c = rest[0];
    if (c === '[') {
      return this.sequence('[', ']');
    }
    if (c === '(') {
      return this.sequence('(', ')');
    }
    if (c === '{') {
      return this.dict();
    }
    const str = /^([rRuUbB]{0,2})("""|'''|"|')/.exec(rest);
    if (str) {
      return this.string(str[1].toLowerCase().includes('r'), str[1].length);
    }
    const word = /^(True|False|None)\b/.exec(rest);
    if (word) {
      this.pos += word[1].length;
      return word[1] === 'None' ? null : word[1] === 'True';
    }
    const num =
      /^[-+]?(?:0[xX][0-9a-fA-F_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][-+]?\d+)?)/.exec(
        rest
      );
    if (num && num[0].length > 0) {
      this.pos += num[0].length;
      const cleaned = num[0].replace(/_/g, '');
      const n = /0[xX]/.test(cleaned) ? parseInt(cleaned, 16) : Number(cleaned);
      if (!Number.isFinite(n)) {
        throw new Error('Not a number');
      }
      return n;
    }
    throw new Error(`Not a literal at ${this.pos}`);
  }

  private string(raw: boolean, prefixLength: number): string {
    this.pos += prefixLength;
    let out = '';
    // Adjacent literals concatenate: "a" "b".
    for (;;) {
      const rest = this.text.slice(this.pos);
      const quote = rest.startsWith('"""')
        ? '"""'
        : rest.startsWith("'''")
          ? "'''"
          : rest[0];
      this.pos += quote.length;
      for (;;) {
        if (this.done()) {
          throw new Error('Unterminated string');
        }
        if (this.text.startsWith(quote, this.pos)) {
          this.pos += quote.length;
          break;
        }
        const c = this.text[this.pos];
        if (c === '\\' && !raw) {
          out += this.escape();
        } else {
          if (c === '\n' && quote.length === 1) {
            throw new Error('Newline in string');
          }
          out += c;
          this.pos++;
        }
      }
      const save = this.pos;
      this.skipSpace();
      const next = /^([rRuU]?)("""|'''|"|')/.exec(this.text.slice(this.pos));
      if (!next) {
        this.pos = save;
        return out;
      }
      raw = next[1].toLowerCase() === 'r';
      this.pos += next[1].length;
    }
  }

  private escape(): string {
    const c = this.text[this.pos + 1];
    this.pos += 2;
    const simple: { [k: string]: string } = {
      n: '\n',
      t: '\t',
      r: '\r',
      '\\': '\\',
      "'": "'",
      '"': '"',
      '0': '\0',
      '\n': ''
    };
    if (c in simple) {
      return simple[c];
    }
    const hex = { x: 2, u: 4, U: 8 }[c as 'x' | 'u' | 'U'];
    if (hex) {
      const digits = this.text.slice(this.pos, this.pos + hex);
      this.pos += hex;
      return String.fromCodePoint(parseInt(digits, 16));
    }
    return '\\' + c;
  }

  private sequence(open: string, close: string): Literal[] {
    this.pos++; // open
    const items: Literal[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        return items;
      }
      items.push(this.value());
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
      } else if (this.text[this.pos] !== close) {
        throw new Error(`Expected ${close}`);
      }
    }
  }

  private dict(): LiteralObject {
    this.pos++; // {
    const out: LiteralObject = {};
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return out;
      }
      const key = this.value();
      if (typeof key !== 'string' && typeof key !== 'number') {
        throw new Error('Only string or number keys');
      }
      this.skipSpace();
      if (this.text[this.pos] !== ':') {
        throw new Error('Expected :'); // a set, or not a literal
      }
      this.pos++;
      out[String(key)] = this.value();
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
      } else if (this.text[this.pos] !== '}') {
        throw new Error('Expected }');
      }
    }
  }
}
