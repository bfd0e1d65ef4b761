// register.js has no exports: importing it registers the TypeScript loader and the `vera/task` resolver.
export {};
