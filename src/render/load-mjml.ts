/**
 * Loads MJML without the parts our templates do not use.
 *
 * mjml-core requires four libraries when it loads, and uses each only for one feature:
 *
 * - juice (a CSS inliner, which loads an HTTP client) for `<mj-style inline="inline">`;
 * - cheerio for `<mj-html-attributes>`;
 * - htmlnano and cssnano-preset-lite for MJML's `minify` option, which renderDigest does not use.
 *
 * Loading them is about 60% of MJML's load time (0.4 of 0.7 s on the 2-core machine here), paid by
 * every run that renders. So before MJML loads, each of them gets a stand-in in Node's module
 * cache (`require.cache`, which Node documents as writable): a proxy that loads the real library
 * the first time anything is asked of it, then forwards every call and property to it. An editor
 * who adds an inline `<mj-style>` gets juice, a moment later; nothing else changes.
 *
 * The one question a stand-in answers without the library is `__esModule`, which Babel's interop
 * in mjml-core asks at load time; STAND_INS records each library's answer, and
 * test/render/load-mjml.test.ts checks it against the real library.
 */
import Module, { createRequire } from 'node:module';

/** Each library deferred: whether its export is a function (callable) and its `__esModule`. */
export const STAND_INS: Readonly<Record<string, { callable: boolean; esModule: boolean }>> = {
  juice: { callable: true, esModule: false },
  cheerio: { callable: false, esModule: true },
  htmlnano: { callable: true, esModule: false },
  'cssnano-preset-lite': { callable: true, esModule: false },
};

const importMjml = () => import('mjml');
type Mjml2Html = Awaited<ReturnType<typeof importMjml>>['default'];

let loading: Promise<Mjml2Html> | undefined;

/** MJML's compiler, loaded once per process (the stand-ins installed first). */
export function loadMjml(): Promise<Mjml2Html> {
  loading ??= (async () => {
    installStandIns();
    return (await importMjml()).default;
  })();
  return loading;
}

/** Where mjml-core resolves its own dependencies from (it may sit under mjml/node_modules). */
export function mjmlCoreRequire(): NodeJS.Require {
  const here = createRequire(import.meta.url);
  return createRequire(createRequire(here.resolve('mjml')).resolve('mjml-core'));
}

function installStandIns(): void {
  const coreRequire = mjmlCoreRequire();
  for (const [name, shape] of Object.entries(STAND_INS)) {
    let file: string;
    try {
      file = coreRequire.resolve(name);
    } catch {
      continue; // not installed where mjml-core looks: mjml-core will say so itself
    }
    // Loaded already (by something else in this process): nothing to save.
    if (coreRequire.cache[file]) continue;
    coreRequire.cache[file] = standIn(file, shape, coreRequire);
  }
}

function standIn(file: string, shape: { callable: boolean; esModule: boolean }, coreRequire: NodeJS.Require): Module {
  let real: unknown;
  const module = new Module(file);
  const load = (): object => {
    if (real === undefined) {
      // Out of the cache first, so that requiring the file runs it; from then on the cache holds
      // the real module, for this proxy and for anyone else.
      if (coreRequire.cache[file] === module) delete coreRequire.cache[file];
      real = coreRequire(file);
    }
    return real as object;
  };
  // An arrow function: callable, and with no own property a proxy would have to report as fixed.
  const target = shape.callable ? () => undefined : {};
  module.exports = new Proxy(target, {
    get: (_, key) => (key === '__esModule' ? (shape.esModule ? true : undefined) : Reflect.get(load(), key)),
    set: (_, key, value) => Reflect.set(load(), key, value),
    has: (_, key) => Reflect.has(load(), key),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
      // A proxy may not report a property as non-configurable unless its target has it so.
      return descriptor ? { ...descriptor, configurable: true } : undefined;
    },
    apply: (_, self, args) => Reflect.apply(load() as (...args: unknown[]) => unknown, self, args),
  });
  module.filename = file;
  module.loaded = true;
  return module;
}
