import Database from 'better-sqlite3';

/**
 * Every better-sqlite3 object this process creates, kept reachable until it exits.
 *
 * better-sqlite3 12 (the last line that runs on Node 20) wraps its Database and Statement objects
 * in node::ObjectWrap. On Node 24 that wrapper's destructor asserts that a JavaScript context is
 * entered, which is not the case when the garbage collector finalises it from certain callbacks,
 * and the process aborts ("Assertion failed: (env) != nullptr" in RemoveEnvironmentCleanupHook;
 * WiseLibs/better-sqlite3#1515, closed without a fix for 12.x; 13.x needs Node 22). Objects that
 * are never collected are never finalised there. A run creates a few dozen of them (statements
 * are cached per SQL text below), so keeping them is cheap even in the long-running scheduler.
 */
const retained: unknown[] = [];

/**
 * Opens a database whose `prepare` (and `pragma`, which would otherwise make a throwaway
 * statement each call) uses one cached statement per SQL text, and which, like those statements,
 * stays reachable for the life of the process (see `retained`). Transactions already reuse one
 * set of statements per database. Callers still `close()` it to release the file. Statements are
 * shared: a caller must not leave one half-way through `iterate()`, and a SQL text used with
 * `.pluck()` must always be used with it.
 */
export function openDatabase(file: string, options?: Database.Options): Database.Database {
  const db = new Database(file, options);
  retained.push(db);
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = prepare(sql);
      cache.set(sql, statement);
      retained.push(statement);
    }
    return statement;
  }) as typeof db.prepare;
  db.pragma = ((source: string, options?: { simple?: boolean }) => {
    const statement = db.prepare(`PRAGMA ${source}`);
    if (!statement.reader) {
      statement.run();
      return [];
    }
    return options?.simple ? statement.pluck(true).get() : statement.pluck(false).all();
  }) as typeof db.pragma;
  return db;
}
