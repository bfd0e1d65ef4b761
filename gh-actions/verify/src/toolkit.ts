import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';

/**
 * The few bits of GitHub's Actions toolkit (@actions/core) this action needs, written out so the
 * bundle has no dependencies. Behaviour follows the runner's documented contracts:
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */

export type Env = Readonly<Record<string, string | undefined>>;

/** Where workflow commands and log lines go; a parameter so tests can capture them. */
export type Write = (text: string) => void;

const stdout: Write = (text) => void process.stdout.write(text);

export class InputError extends Error {
  override readonly name = 'InputError';
}

/**
 * An input as the runner passes it: `INPUT_<NAME>`, upper-cased, spaces as `_`, dashes kept
 * (`vera-url` is `INPUT_VERA-URL`). Trimmed; empty when unset.
 */
export function getInput(env: Env, name: string, opts: { required?: boolean } = {}): string {
  const value = (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
  if (opts.required && value === '') throw new InputError(`input '${name}' is required`);
  return value;
}

/** A boolean input: the YAML 1.2 core schema's spellings only, as @actions/core accepts. */
export function getBooleanInput(env: Env, name: string, fallback: boolean): boolean {
  const value = getInput(env, name);
  if (value === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(`input '${name}' must be true or false, not '${value}'`);
}

/** A positive number input (minutes, seconds); decimals allowed. */
export function getNumberInput(env: Env, name: string, fallback: number): number {
  const value = getInput(env, name);
  if (value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InputError(`input '${name}' must be a positive number, not '${value}'`);
  return n;
}

/** Escapes a command's message: `%`, CR and LF would end or corrupt it. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a command property value; `:` and `,` separate properties as well. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::name key=value,...::message`, escaped. */
export function formatCommand(name: string, message: string, props: Record<string, string | undefined> = {}): string {
  const list = Object.entries(props)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  return `::${name}${list ? ` ${list}` : ''}::${escapeData(message)}`;
}

/**
 * A heredoc-style entry of `$GITHUB_OUTPUT`: `name<<DELIM`, the value, `DELIM`. The delimiter is
 * random so no value can end the entry early; one that contains it anyway is refused.
 */
export function formatOutput(name: string, value: string, delimiter = `ghadelimiter_${randomUUID()}`): string {
  if (name.includes(delimiter) || value.includes(delimiter)) throw new Error(`output '${name}' contains the delimiter ${delimiter}`);
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`;
}

/** Commands and files of one action step: log, outputs, step summary. */
export class Step {
  constructor(
    private readonly env: Env,
    private readonly write: Write = stdout,
  ) {}

  info(line: string): void {
    this.write(`${line}${EOL}`);
  }

  command(name: string, message: string, props?: Record<string, string | undefined>): void {
    this.write(`${formatCommand(name, message, props)}${EOL}`);
  }

  error(message: string, props?: { title?: string }): void {
    this.command('error', message, props);
  }

  warning(message: string, props?: { title?: string }): void {
    this.command('warning', message, props);
  }

  /** Asks the runner to hide a secret in all later log lines. */
  mask(secret: string): void {
    if (secret) this.command('add-mask', secret);
  }

  /**
   * A collapsible group. Its lines carry text from pipeline code (errors, tracebacks), so the
   * runner is told not to read workflow commands in them (`::stop-commands::`, resumed by the
   * same random token), as GitHub advises for untrusted output.
   */
  group(title: string, lines: string[], token: string = randomUUID()): void {
    this.command('group', title);
    this.command('stop-commands', token);
    for (const line of lines) this.info(line);
    this.write(`::${token}::${EOL}`);
    this.command('endgroup', '');
  }

  /** Appends to `$GITHUB_OUTPUT`; outside a runner, prints the value instead. */
  setOutput(name: string, value: string | number): void {
    const file = this.env.GITHUB_OUTPUT;
    if (file) appendFileSync(file, formatOutput(name, String(value)), 'utf8');
    else this.info(`output ${name}=${String(value)}`);
  }

  /**
   * Appends Markdown to `$GITHUB_STEP_SUMMARY` (returns false outside a runner). GitHub refuses
   * summaries over 1 MiB, so a longer one is cut with a note rather than lost entirely.
   */
  appendSummary(markdown: string): boolean {
    const file = this.env.GITHUB_STEP_SUMMARY;
    if (!file) return false;
    const limit = 1024 * 1024 - 200;
    let text = markdown.endsWith(EOL) ? markdown : `${markdown}${EOL}`;
    if (Buffer.byteLength(text, 'utf8') > limit) {
      text = `${Buffer.from(text, 'utf8').subarray(0, limit).toString('utf8')}${EOL}${EOL}_(summary cut at GitHub's 1 MiB limit)_${EOL}`;
    }
    appendFileSync(file, text, 'utf8');
    return true;
  }
}
