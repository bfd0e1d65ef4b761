/**
 * A small evaluator for pipe_base pipeline contracts: the Python expression subset they use
 * (literals, task labels with attribute access into their configs, comparisons including `in`
 * and `is`, `and`/`or`/`not`, `x if c else y`, `+ - * / %`, lists, indexing). It never runs
 * code: anything it cannot decide from the pipeline's YAML (a call such as
 * `ConnectionsClass(config=...)`, a config field whose default lives in Python) makes the
 * contract "not evaluated", with the reason.
 */
type Tok = { kind: 'num' | 'str' | 'name' | 'op'; value: string; pos: number };

export class ContractSyntaxError extends Error {}
export class NotEvaluable extends Error {}

const OPS = ['==', '!=', '<=', '>=', '**', '//', '<', '>', '+', '-', '*', '/', '%', '(', ')', '[', ']', ',', '.', '='];

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ kind: 'num', value: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new ContractSyntaxError(`unterminated string at column ${i + 1}`);
      out.push({ kind: 'str', value: src.slice(i + 1, end), pos: i });
      i = end + 1;
      continue;
    }
    const name = /^[A-Za-z_]\w*/.exec(src.slice(i));
    if (name) {
      out.push({ kind: 'name', value: name[0], pos: i });
      i += name[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ContractSyntaxError(`unexpected '${c}' at column ${i + 1}`);
    out.push({ kind: 'op', value: op, pos: i });
    i += op.length;
  }
  return out;
}

export type Node =
  | { t: 'lit'; v: unknown }
  | { t: 'name'; name: string }
  | { t: 'attr'; obj: Node; name: string }
  | { t: 'index'; obj: Node; index: Node }
  | { t: 'call'; fn: Node }
  | { t: 'list'; items: Node[] }
  | { t: 'unary'; op: string; x: Node }
  | { t: 'bin'; op: string; a: Node; b: Node }
  | { t: 'cmp'; ops: string[]; xs: Node[] }
  | { t: 'if'; cond: Node; then: Node; else: Node };

/** Parses a contract into a syntax tree; ContractSyntaxError names the column. */
export function parseContract(src: string): Node {
  const toks = tokenize(src);
  let p = 0;
  const peek = (v?: string) => (p < toks.length && (v === undefined || toks[p]!.value === v) ? toks[p] : undefined);
  const isName = (v: string) => toks[p]?.kind === 'name' && toks[p]!.value === v;
  const expect = (v: string) => {
    if (toks[p]?.value !== v) throw new ContractSyntaxError(`expected '${v}' at ${toks[p] ? `column ${toks[p]!.pos + 1}` : 'the end'}`);
    p++;
  };
  const ternary = (): Node => {
    const then = orExpr();
    if (!isName('if')) return then;
    p++;
    const cond = orExpr();
    if (!isName('else')) throw new ContractSyntaxError("expected 'else'");
    p++;
    return { t: 'if', cond, then, else: ternary() };
  };
  const orExpr = (): Node => {
    let a = andExpr();
    while (isName('or')) {
      p++;
      a = { t: 'bin', op: 'or', a, b: andExpr() };
    }
    return a;
  };
  const andExpr = (): Node => {
    let a = notExpr();
    while (isName('and')) {
      p++;
      a = { t: 'bin', op: 'and', a, b: notExpr() };
    }
    return a;
  };
  const notExpr = (): Node => (isName('not') ? (p++, { t: 'unary', op: 'not', x: notExpr() }) : comparison());
  const compOp = (): string | undefined => {
    const tk = toks[p];
    if (!tk) return undefined;
    if (tk.kind === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(tk.value)) return (p++, tk.value);
    if (isName('in')) return (p++, 'in');
    if (isName('not') && toks[p + 1]?.value === 'in') return ((p += 2), 'not in');
    if (isName('is')) return toks[p + 1]?.value === 'not' ? ((p += 2), 'is not') : (p++, 'is');
    return undefined;
  };
  const comparison = (): Node => {
    const xs = [sum()];
    const ops: string[] = [];
    for (let op = compOp(); op; op = compOp()) {
      ops.push(op);
      xs.push(sum());
    }
    return ops.length ? { t: 'cmp', ops, xs } : xs[0]!;
  };
  const sum = (): Node => {
    let a = term();
    while (peek('+') || peek('-')) a = { t: 'bin', op: toks[p++]!.value, a, b: term() };
    return a;
  };
  const term = (): Node => {
    let a = unary();
    while (peek('*') || peek('/') || peek('%') || peek('//')) a = { t: 'bin', op: toks[p++]!.value, a, b: unary() };
    return a;
  };
  const unary = (): Node => (peek('-') || peek('+') ? { t: 'unary', op: toks[p++]!.value, x: unary() } : postfix());
  const postfix = (): Node => {
    let x = atom();
    for (;;) {
      if (peek('.')) {
        p++;
        if (toks[p]?.kind !== 'name') throw new ContractSyntaxError("expected a name after '.'");
        x = { t: 'attr', obj: x, name: toks[p++]!.value };
      } else if (peek('(')) {
        p++;
        let depth = 1;
        while (p < toks.length && depth > 0) {
          depth += toks[p]!.value === '(' ? 1 : toks[p]!.value === ')' ? -1 : 0;
          p++;
        }
        if (depth > 0) throw new ContractSyntaxError("unclosed '('");
        x = { t: 'call', fn: x };
      } else if (peek('[')) {
        p++;
        const index = ternary();
        expect(']');
        x = { t: 'index', obj: x, index };
      } else return x;
    }
  };
  const atom = (): Node => {
    const tk = toks[p];
    if (!tk) throw new ContractSyntaxError('unexpected end of the expression');
    p++;
    if (tk.kind === 'num') return { t: 'lit', v: Number(tk.value) };
    if (tk.kind === 'str') {
      let s = tk.value;
      while (toks[p]?.kind === 'str') s += toks[p++]!.value; // adjacent literals concatenate
      return { t: 'lit', v: s };
    }
    if (tk.kind === 'name') {
      if (tk.value === 'True') return { t: 'lit', v: true };
      if (tk.value === 'False') return { t: 'lit', v: false };
      if (tk.value === 'None') return { t: 'lit', v: null };
      return { t: 'name', name: tk.value };
    }
    if (tk.value === '(') {
      const x = ternary();
      expect(')');
      return x;
    }
    if (tk.value === '[') {
      const items: Node[] = [];
      while (!peek(']')) {
        items.push(ternary());
        if (!peek(']')) expect(',');
      }
      p++;
      return { t: 'list', items };
    }
    throw new ContractSyntaxError(`unexpected '${tk.value}' at column ${tk.pos + 1}`);
  };
  const tree = ternary();
  if (p < toks.length) throw new ContractSyntaxError(`unexpected '${toks[p]!.value}' at column ${toks[p]!.pos + 1}`);
  return tree;
}

/** Task labels a contract refers to. */
export function contractLabels(n: Node): Set<string> {
  const out = new Set<string>();
  const walk = (x: Node): void => {
    switch (x.t) {
      case 'name': return void out.add(x.name);
      case 'attr': return walk(x.obj);
      case 'index': return (walk(x.obj), walk(x.index));
      case 'call': return walk(x.fn);
      case 'list': return x.items.forEach(walk);
      case 'unary': return walk(x.x);
      case 'bin': return (walk(x.a), walk(x.b));
      case 'cmp': return x.xs.forEach(walk);
      case 'if': return (walk(x.cond), walk(x.then), walk(x.else));
      default: return undefined;
    }
  };
  walk(n);
  return out;
}

/** A task's config as far as the pipeline sets it: dotted field paths to values. */
export type KnownConfig = ReadonlyMap<string, unknown>;

class ConfigPath {
  constructor(readonly label: string, readonly path: string[], readonly config: KnownConfig) {}
  resolve(): unknown {
    const key = this.path.join('.');
    if (this.config.has(key)) return this.config.get(key);
    throw new NotEvaluable(`${this.label}.${key} is not set in the pipeline (its default is in the task's code)`);
  }
}

const value = (v: unknown): unknown => (v instanceof ConfigPath ? v.resolve() : v);

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Evaluates a parsed contract against the known configs; throws NotEvaluable when it cannot decide. */
export function evaluateContract(n: Node, configs: ReadonlyMap<string, KnownConfig>): unknown {
  const ev = (x: Node): unknown => {
    switch (x.t) {
      case 'lit':
        return x.v;
      case 'name': {
        const config = configs.get(x.name);
        if (!config) throw new NotEvaluable(`'${x.name}' is not a task of this pipeline`);
        return new ConfigPath(x.name, [], config);
      }
      case 'attr': {
        const obj = ev(x.obj);
        if (obj instanceof ConfigPath) {
          const next = new ConfigPath(obj.label, [...obj.path, x.name], obj.config);
          const key = next.path.join('.');
          // A set value, or a prefix of set values (a sub-config): resolve lazily either way.
          return next.config.has(key) ? next.resolve() : next;
        }
        throw new NotEvaluable(`attribute '${x.name}' of a value is Python, not config`);
      }
      case 'index': {
        const obj = value(ev(x.obj));
        const i = value(ev(x.index));
        if (Array.isArray(obj) && typeof i === 'number') return obj[i < 0 ? obj.length + i : i];
        if (obj !== null && typeof obj === 'object' && typeof i === 'string') return (obj as Record<string, unknown>)[i];
        throw new NotEvaluable('indexing a value that is not a list or mapping');
      }
      case 'call':
        throw new NotEvaluable('calls Python code (e.g. ConnectionsClass(config=...))');
      case 'list':
        return x.items.map((i) => value(ev(i)));
      case 'unary': {
        const v = value(ev(x.x));
        if (x.op === 'not') return !truthy(v);
        if (typeof v !== 'number') throw new NotEvaluable(`unary ${x.op} of a non-number`);
        return x.op === '-' ? -v : v;
      }
      case 'bin': {
        if (x.op === 'and') {
          const a = value(ev(x.a));
          return truthy(a) ? value(ev(x.b)) : a;
        }
        if (x.op === 'or') {
          const a = value(ev(x.a));
          return truthy(a) ? a : value(ev(x.b));
        }
        const a = value(ev(x.a));
        const b = value(ev(x.b));
        if (x.op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
        if (x.op === '+' && Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
        if (typeof a !== 'number' || typeof b !== 'number') throw new NotEvaluable(`'${x.op}' of ${typeof a} and ${typeof b}`);
        switch (x.op) {
          case '+': return a + b;
          case '-': return a - b;
          case '*': return a * b;
          case '/': return a / b;
          case '//': return Math.floor(a / b);
          case '%': return ((a % b) + b) % b;
          default: throw new NotEvaluable(`operator ${x.op}`);
        }
      }
      case 'cmp': {
        let left = value(ev(x.xs[0]!));
        for (let i = 0; i < x.ops.length; i++) {
          const right = value(ev(x.xs[i + 1]!));
          if (!compare(x.ops[i]!, left, right)) return false;
          left = right;
        }
        return true;
      }
      case 'if':
        return truthy(value(ev(x.cond))) ? value(ev(x.then)) : value(ev(x.else));
    }
  };
  return value(ev(n));
}

function compare(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==': return equal(a, b);
    case '!=': return !equal(a, b);
    case 'is': return a === b;
    case 'is not': return a !== b;
    case 'in':
    case 'not in': {
      const has = Array.isArray(b) ? b.some((x) => equal(x, a)) : typeof b === 'string' && typeof a === 'string' ? b.includes(a) : b !== null && typeof b === 'object' && typeof a === 'string' ? a in b : undefined;
      if (has === undefined) throw new NotEvaluable(`'${op}' on a value that is not a list, string or mapping`);
      return op === 'in' ? has : !has;
    }
    default: {
      if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string'))) throw new NotEvaluable(`'${op}' of ${typeof a} and ${typeof b}`);
      return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
  }
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}
