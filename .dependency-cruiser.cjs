/**
 * The seams of the pipeline (ARCHITECTURE.md): no import cycles between files, and none between the
 * stage folders of src/ either. `npm run check:deps` runs it; test/architecture.test.ts fails the
 * suite when a cycle appears.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-file-cycles',
      comment: 'Two files import each other (directly or through others): move the shared part into a module both can import.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Two stage folders import each other: the pipeline runs one way (ARCHITECTURE.md). Move the shared part down, or pass it in.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports are erased at compile time, but a cycle through them is still a seam running both ways.
    moduleSystems: ['es6'],
  },
};
