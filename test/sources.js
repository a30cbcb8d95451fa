// Tests run against the sources: `@swledger/<package>[/<module>]` resolves to
// packages/<package>/src, the same files the tests import, so every module
// exists once per test process (the paths in tsconfig.json say the same to
// the type checker). Built packages resolve through their exports maps as usual.
const Module = require('node:module');
const { join } = require('node:path');

const PACKAGES = join(__dirname, '..', 'packages');
const SCOPED = /^@swledger\/(protocol|chaincode|sdk|anchor|devnet|rest|cli)(?:\/(.+))?$/;
const resolve = Module._resolveFilename;

Module._resolveFilename = function (request, ...rest) {
  const m = SCOPED.exec(request);
  if (m === null || m[2] === 'package.json') return resolve.call(this, request, ...rest);
  return resolve.call(this, join(PACKAGES, m[1], 'src', m[2] ?? 'index'), ...rest);
};
