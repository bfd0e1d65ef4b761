// A module resolve hook (node:module register): `vera/task` is Vera's task API for any module,
// wherever it lives, so a pipeline repository outside Vera's tree (a CI build's worktree) runs
// without installing Vera. Everything else resolves as usual.
let taskApiUrl;

export async function initialize(data) {
  taskApiUrl = data.taskApiUrl;
}

export async function resolve(specifier, context, nextResolve) {
  // Resolved by the next hooks (tsx) as the file it is, so it loads like any TypeScript module.
  return nextResolve(specifier === 'vera/task' ? taskApiUrl : specifier, context);
}
