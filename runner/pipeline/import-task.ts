/**
 * Set by the compiled CLI's build (scripts/build-cli.mjs, esbuild `define`); undefined when Vera
 * runs from its TypeScript sources (tsx, vitest), which can import TypeScript already.
 */
declare const __VERA_COMPILED__: true | undefined;

let loader: Promise<unknown> | undefined;

/**
 * Imports a task module. Task modules are TypeScript and import `vera/task`: the compiled CLI
 * registers the TypeScript loader (tsx) and that resolver in this thread the first time a task
 * module is loaded, so commands that never load a pipeline never pay for the compiler.
 */
export async function importTaskModule(url: string): Promise<Record<string, unknown>> {
  if (typeof __VERA_COMPILED__ !== 'undefined') await (loader ??= import('../hooks/register.js'));
  return (await import(url)) as Record<string, unknown>;
}
