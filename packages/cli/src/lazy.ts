/**
 * Loads a module the first time a command needs it. The Fabric client
 * libraries parse `process.argv` when they are loaded (and answer `--help`
 * themselves), so `swl` must not load them before a command runs.
 *
 * A CommonJS `require`, not `import()`: the packages are CommonJS, and under
 * TypeScript's node16 module setting `import()` would stay a real ES import.
 *
 * @param id a package specifier, e.g. `@swledger/sdk/client`, or a module
 *   beside this one, e.g. `./connect`
 * @returns the module's exports, typed by the caller
 * @example
 * const { createServer } = lazy<typeof import('@swledger/rest/server')>('@swledger/rest/server');
 */
export function lazy<T>(id: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id) as T;
}
