/**
 * The seams of the pipeline (ARCHITECTURE.md): no import cycles between files, and none between the
 * stage folders of src/ either, and the stages take their settings from the orchestration rather than
 * reading the config themselves. `npm run check:deps` runs it; test/architecture.test.ts fails the
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
    {
      name: 'stages-take-narrow-settings',
      comment:
        'A stage reads only the settings it is handed (ARCHITECTURE.md): it never imports the config, the orchestration, the preview server or the CLI. Pass the values it needs from src/pipeline/ instead.',
      severity: 'error',
      from: { path: '^src/(fetch|parse|select|clean|trim|render|deliver|state|schedule)/' },
      to: { path: '^src/(config|pipeline|preview|cli)/' },
    },
    {
      name: 'text-stands-alone',
      comment: 'src/text/ is the text lexicon every stage shares: it imports no other folder of src/ (ARCHITECTURE.md).',
      severity: 'error',
      from: { path: '^src/text/' },
      to: { path: '^src/', pathNot: '^src/text/' },
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
