import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/commands/index.ts';
import { rootHelp } from '../../cli/main.ts';
import { runNode, VERA_BIN } from '../support/cli.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-startup-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A resolve hook that records every module the process loads, so a test can see what `vera` imported. */
function recordImports(log: string): string {
  const hooks = path.join(dir, 'record-hooks.mjs');
  fs.writeFileSync(hooks, `import fs from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); fs.appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }\n`);
  const entry = path.join(dir, 'record.mjs');
  fs.writeFileSync(entry, `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)});\n`);
  return entry;
}

function vera(args: string[], opts: { input?: string; record?: string } = {}) {
  const pre = opts.record ? ['--import', recordImports(opts.record)] : [];
  const env: NodeJS.ProcessEnv = { ...process.env, VERA_HOME: path.join(dir, 'home'), VERA_PORT: '1' };
  delete env.DATABASE_URL;
  return runNode([...pre, VERA_BIN, ...args], env, opts.input ?? '');
}

describe('vera start-up', () => {
  it('--help prints what commander renders, loading neither commander, a command module nor the server', async () => {
    const log = path.join(dir, 'help-imports.txt');
    const r = await vera(['--help'], { record: log });
    expect(r.code).toBe(0);
    // The text the build stored is exactly commander's rendering of the current sources.
    expect(r.stdout).toBe(await rootHelp());
    for (const c of COMMANDS) expect(r.stdout).toContain(c.name);
    expect((await vera(['-h'])).stdout).toBe(r.stdout);
    expect((await vera(['help'])).stdout).toBe(r.stdout);
    const loaded = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
    for (const heavy of ['/dist/cli/', 'commander', '@electric-sql/pglite', 'graphql-yoga', 'drizzle-orm', '/pg/', 'piscina', 'tsx']) expect(loaded).not.toContain(heavy);
  });

  it("a command's --help goes through the compiled build and commander", async () => {
    const log = path.join(dir, 'runs-help-imports.txt');
    const r = await vera(['runs', '--help'], { record: log });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: vera runs /);
    expect(fs.readFileSync(log, 'utf8')).toMatch(/\/dist\/cli\/[^/]+\/main\.js\n/);
  });

  it('changepoints imports neither the database, GraphQL nor a TypeScript compiler', async () => {
    const log = path.join(dir, 'cp-imports.txt');
    const series = ['v', ...Array.from({ length: 40 }, (_, i) => (i < 20 ? 10 : 20) + (i % 3) * 0.1)].join('\n');
    const r = await vera(['changepoints', '--json', '-'], { input: series, record: log });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { changePoints: { index: number }[] }).changePoints.map((c) => c.index)).toEqual([20]);
    const loaded = fs.readFileSync(log, 'utf8');
    for (const heavy of ['@electric-sql/pglite', 'graphql-yoga', 'drizzle-orm', 'tsx']) expect(loaded).not.toContain(heavy);
  });

  it('--version prints the package version, and the commit in a git checkout', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(path.dirname(VERA_BIN), '../package.json'), 'utf8')) as { version: string };
    const r = await vera(['--version']);
    expect(r.code).toBe(0);
    const escaped = pkg.version.replaceAll('.', '\\.');
    expect(r.stdout.trim()).toMatch(new RegExp(`^vera ${escaped}( \\(commit [0-9a-f]{12}(\\+changes)?\\))?$`));
    if (fs.existsSync(path.resolve(path.dirname(VERA_BIN), '../.git'))) expect(r.stdout).toContain('(commit ');
  });

  it('an unknown flag or command exits 2 with a message naming it, on stderr', async () => {
    const flag = await vera(['changepoints', '--colum', 'x']);
    expect(flag.code).toBe(2);
    expect(flag.stdout).toBe('');
    expect(flag.stderr).toContain("unknown option '--colum'");
    expect(flag.stderr).toContain('--column');
    const command = await vera(['chagepoints']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("unknown command 'chagepoints'");
    expect(command.stderr).toContain('changepoints');
  });

  it('docs/cli.md lists every command with an example', () => {
    // Rows of the Commands table: | `vera NAME ...` | what it does | `example` |
    const rows = fs.readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('| `vera '))
      .map((line) => line.split(/(?<!\\)\|/).map((cell) => cell.trim()));
    for (const { name } of COMMANDS) {
      const row = rows.find((cells) => new RegExp(`\`vera ${name}(?![\\w-])`).test(cells[1] ?? ''));
      expect(row, `docs/cli.md has no row for vera ${name}`).toBeDefined();
      expect(row![3], `docs/cli.md: the row of vera ${name} has no example`).toMatch(/^`.*\bvera [a-z-]+/);
    }
  });

  it('rebuilds when a source the command line loads changed, and only then', async () => {
    // A copy of the sources, so that editing them races no other test's `vera`.
    const root = path.resolve(path.dirname(VERA_BIN), '..');
    const copy = path.join(dir, 'checkout');
    for (const part of ['bin', 'cli', 'server', 'pipelines', 'runner', 'contracts', 'scripts', 'package.json', 'tsconfig.json']) {
      fs.cpSync(path.join(root, part), path.join(copy, part), { recursive: true });
    }
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
    const run = async (args: string[], input = '') => {
      const r = await runNode([path.join(copy, 'bin/vera.js'), ...args], { ...process.env, VERA_HOME: path.join(dir, 'home') }, input);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout;
    };
    const build = () => (JSON.parse(fs.readFileSync(path.join(copy, 'dist/cli/current.json'), 'utf8')) as { dir: string }).dir;
    const edit = (rel: string, from: string, to: string) => {
      const file = path.join(copy, rel);
      const text = fs.readFileSync(file, 'utf8');
      expect(text).toContain(from);
      fs.writeFileSync(file, text.replace(from, to));
    };
    const flat = '[1, 1, 1, 1]';

    expect(await run(['changepoints', '-'], flat)).toContain('No change points in <stdin>');
    const first = build();
    // Every command's sources are recorded, so that running it checks them.
    for (const { name } of COMMANDS) expect(fs.existsSync(path.join(copy, 'dist/cli', first, 'sources', `${name}.json`)), name).toBe(true);

    edit('cli/commands/changepoints.ts', "'No change points'", "'No change points at all'");
    // --help loads no command module: the build still serves it.
    await run(['--help']);
    expect(build()).toBe(first);
    expect(await run(['changepoints', '-'], flat)).toContain('No change points at all in <stdin>');
    const second = build();
    expect(second).not.toBe(first);

    edit('cli/main.ts', "'Vera: continuous verification", "'Vera (edited): continuous verification");
    expect(await run(['--help'])).toContain('Vera (edited): continuous verification');
    expect(build()).not.toBe(second);
  });

  it("each command's listed description is the one its module registers", async () => {
    for (const entry of COMMANDS) {
      const program = new Command('vera');
      (await entry.load()).register(program, { fullProgram: () => Promise.resolve(new Command('vera')) });
      const command = program.commands.find((c) => c.name() === entry.name);
      expect(command, `${entry.name}: its module registers no such command`).toBeDefined();
      expect(command!.description(), entry.name).toBe(entry.description);
    }
  });
});
