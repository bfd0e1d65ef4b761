import { VeraError } from '../errors.ts';

/**
 * Git ref names and revisions that reach git from outside the server. A value that git could
 * read as an option (`--output=<file>` makes `git rev-list` create that file) or as revision
 * syntax (`@{-1}`, `:/text`, `a..b`) is refused here, before any git runs, with a BAD_REF error
 * naming the value and the argument it came in.
 */

/** Longer than any real branch or tag; keeps a hostile value out of argv and error messages. */
const MAX_REF_LENGTH = 1024;

/**
 * Why `name` is not a ref name git would accept (`git check-ref-format --allow-onelevel`), or
 * null when it is one. One stricter rule: no leading `-`, so a name can never be read as an
 * option (git refuses it for branch names too).
 */
export function refNameProblem(name: string): string | null {
  if (name.length === 0) return 'it is empty';
  if (name.length > MAX_REF_LENGTH) return `it is longer than ${MAX_REF_LENGTH} characters`;
  if (name.startsWith('-')) return "it begins with '-'";
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f]/.test(name)) return 'it contains a space or a control character';
  const bad = /[~^:?*[\\]/.exec(name);
  if (bad) return `it contains '${bad[0]}'`;
  if (name.includes('..')) return "it contains '..'";
  if (name.includes('@{')) return "it contains '@{'";
  if (name === '@') return "it is '@'";
  if (name.startsWith('/') || name.endsWith('/')) return "it begins or ends with '/'";
  if (name.includes('//')) return "it contains '//'";
  if (name.endsWith('.')) return "it ends with '.'";
  for (const component of name.split('/')) {
    if (component.startsWith('.')) return `its component '${component}' begins with '.'`;
    if (component.endsWith('.lock')) return `its component '${component}' ends with '.lock'`;
  }
  return null;
}

function badRef(value: string, field: string, problem: string): VeraError {
  const shown = value.length > 200 ? `${value.slice(0, 200)}…` : value;
  return new VeraError('BAD_REF', `${field} '${shown}' is not a git branch, tag or commit SHA: ${problem}`, { field, value: shown });
}

/**
 * A ref a caller names (a branch, a tag, or a commit SHA, which is a valid ref name too):
 * returned unchanged when git would read it as a plain name, else BAD_REF naming `field`.
 */
export function assertRefName(value: string, field: string): string {
  const problem = refNameProblem(value);
  if (problem) throw badRef(value, field, problem);
  return value;
}

const SUFFIXES = /^((?:\^[0-9]*|~[0-9]*)*)(\^\{commit\})?$/;

/**
 * A revision the server itself builds: a ref name or SHA with parent suffixes (`sha^`,
 * `HEAD~2`) and an optional `^{commit}`. Never an option, never a range or a search.
 */
export function assertRevision(value: string, field = 'revision'): string {
  const at = value.search(/[~^]/);
  const name = at === -1 ? value : value.slice(0, at);
  const problem = refNameProblem(name) ?? (at === -1 || SUFFIXES.test(value.slice(at)) ? null : `'${value.slice(at)}' is not a parent suffix`);
  if (problem) throw badRef(value, field, problem);
  return value;
}
