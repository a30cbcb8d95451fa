#!/usr/bin/env node
// Compiles contracts/SwlAnchor.sol with the pinned solc from npm (no download)
// into dist/SwlAnchor.json: ABI, creation bytecode and the compiler version.
// Skips the work when the artifact is newer than the source and was made by
// the same compiler.
'use strict';
const { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const solc = require('solc');

const PINNED = '0.8.37';
const root = join(__dirname, '..');
const source = join(root, 'contracts', 'SwlAnchor.sol');
const out = join(root, 'dist', 'SwlAnchor.json');

const version = solc.version();
if (!version.startsWith(`${PINNED}+`)) {
  process.stderr.write(`compile: solc ${PINNED} is pinned, found ${version}\n`);
  process.exit(1);
}
if (existsSync(out) && statSync(out).mtimeMs >= statSync(source).mtimeMs) {
  const previous = JSON.parse(readFileSync(out, 'utf8'));
  if (previous.compiler === version) process.exit(0);
}
const input = {
  language: 'Solidity',
  sources: { 'SwlAnchor.sol': { content: readFileSync(source, 'utf8') } },
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'cancun',
    outputSelection: {
      '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] },
    },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
for (const e of output.errors ?? []) process.stderr.write(`${e.formattedMessage}\n`);
if (errors.length > 0) process.exit(1);
const contract = output.contracts['SwlAnchor.sol'].SwlAnchor;
mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(
  out,
  JSON.stringify(
    {
      contractName: 'SwlAnchor',
      compiler: version,
      abi: contract.abi,
      bytecode: `0x${contract.evm.bytecode.object}`,
      deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
    },
    null,
    2,
  ) + '\n',
);
process.stdout.write(`compiled SwlAnchor.sol with solc ${version} -> ${out}\n`);
