import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, visit, type FieldDefinitionNode } from 'graphql';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CLIENTS, codegenFiles, ROOT } from '../../scripts/codegen/codegen.ts';
import { schemaSdl } from '../../server/graphql/sdl.ts';

/**
 * The GraphQL types are generated from the one schema (`npm run codegen`) and committed. These
 * tests hold both promises: the committed files are what generation makes now, and a changed
 * field type in the schema breaks the typecheck of the web app, the CLI and the Action.
 */

function filesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** The schema with one field's type replaced (parsed and printed, not edited as text). */
function withFieldType(sdl: string, typeName: string, fieldName: string, newType: string): string {
  let changed = 0;
  const doc = visit(parse(sdl), {
    ObjectTypeDefinition(node) {
      if (node.name.value !== typeName) return undefined;
      const fields = node.fields?.map((f): FieldDefinitionNode => {
        if (f.name.value !== fieldName) return f;
        changed++;
        return { ...f, type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: newType } } } };
      });
      return { ...node, fields };
    },
  });
  if (changed !== 1) throw new Error(`${typeName}.${fieldName} not found in the schema`);
  return print(doc);
}

/**
 * Type errors of the clients' sources under their own tsconfig, with the generated modules read
 * from `generated` instead of the disk: the real client code, checked against other types. Each
 * check reuses the previous program's unchanged files, parsed and bound (TypeScript's `oldProgram`).
 */
function clientTypeChecker(tsconfig: string, sourceDirs: string[]): (generated: Map<string, string>) => string[] {
  let previous: ts.Program | undefined;
  const parsed = new Map<string, ts.SourceFile>();
  return (generated) => {
    const { errors, program } = clientTypeErrors(tsconfig, sourceDirs, generated, previous, parsed);
    previous = program;
    return errors;
  };
}

function clientTypeErrors(tsconfig: string, sourceDirs: string[], generated: Map<string, string>, oldProgram: ts.Program | undefined, parsed: Map<string, ts.SourceFile>): { errors: string[]; program: ts.Program } {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, tsconfig), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } })!;
  const overrides = new Map([...generated].map(([file, text]) => [path.join(ROOT, file), text]));
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = overrides.get(path.resolve(fileName));
    if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
    // The same file object as last time, not a new parse of it: only then does TypeScript reuse it.
    let file = parsed.get(fileName);
    if (!file) {
      file = getSourceFile(fileName, languageVersion, onError, shouldCreate);
      if (file) parsed.set(fileName, file);
    }
    return file;
  };
  const roots = sourceDirs.flatMap((d) => filesUnder(d)).filter((f) => f.endsWith('.ts') && !f.includes(`${path.sep}generated${path.sep}`)).map((f) => path.join(ROOT, f));
  const program = ts.createProgram({ rootNames: roots, options: config.options, host, ...(oldProgram ? { oldProgram } : {}) });
  // The clients' own files (their generated modules included), not the server modules the CLI
  // imports: those read nothing generated for a client, so a changed client type cannot break
  // them, and checking them (most of the CPU of this test) is `npm run typecheck`'s job.
  const dirs = sourceDirs.map((d) => path.join(ROOT, d) + path.sep);
  const own = program.getSourceFiles().filter((f) => dirs.some((d) => path.resolve(f.fileName).startsWith(d)));
  const diagnostics = [...program.getOptionsDiagnostics(), ...own.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)])];
  const errors = diagnostics.map((d) => {
    const where = d.file ? `${path.relative(ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '(config)';
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
  return { errors, program };
}

function dirOf(name: (typeof CLIENTS)[number]['name']): string {
  return CLIENTS.find((c) => c.name === name)!.sources;
}

/** What `npm run codegen` makes now, generated once for both tests (a few CPU seconds each time). */
let generatedNow: Promise<Map<string, string>> | undefined;
function codegenNow(): Promise<Map<string, string>> {
  return (generatedNow ??= codegenFiles());
}

describe('generated GraphQL types', () => {
  it('the committed files are what `npm run codegen` makes of the schema and the clients now', async () => {
    const files = await codegenNow();
    for (const [file, content] of files) expect(readFileSync(path.join(ROOT, file), 'utf8'), `${file} is stale: run npm run codegen`).toBe(content);
    // And nothing generated is left over from an operation or client that is gone.
    const outDirs = [...CLIENTS.map((c) => c.out), 'server/graphql/generated/'];
    const onDisk = outDirs.flatMap((d) => filesUnder(d)).sort();
    expect(onDisk).toEqual([...files.keys()].sort());
    expect(onDisk.length).toBeGreaterThanOrEqual(11);
  }, 600_000);

  it('a changed field type in the schema breaks the typecheck of the web app, the CLI and the Action', async () => {
    const clients = ['dashboard', 'cli', 'action'] as const;
    const web = clientTypeChecker('dashboard/tsconfig.json', [dirOf('dashboard')]);
    const node = clientTypeChecker('tsconfig.json', [dirOf('cli'), dirOf('action')]);
    const check = (generated: Map<string, string>) => [...web(generated), ...node(generated)];
    // As the schema is, the clients compile against the types generated from it.
    const outs = CLIENTS.filter((c) => (clients as readonly string[]).includes(c.name)).map((c) => c.out);
    const asIs = new Map([...(await codegenNow())].filter(([file]) => outs.some((o) => file.startsWith(o))));
    expect(asIs.size).toBeGreaterThanOrEqual(clients.length);
    expect(check(asIs)).toEqual([]);

    // A run's status becomes a number: every client compares it with status names.
    const changed = withFieldType(schemaSdl(), 'Run', 'status', 'Int');
    expect(changed).not.toEqual(schemaSdl());
    const errors = check(await codegenFiles({ sdl: changed, clients }));
    for (const c of clients) expect(errors.filter((e) => e.startsWith(dirOf(c))), `${c} still compiles with Run.status: Int!`).not.toEqual([]);
    // The errors are about the status, not something else the change broke.
    expect(errors.every((e) => /number|status|RunStatus/i.test(e)), errors.join('\n')).toBe(true);
  }, 600_000);
});
