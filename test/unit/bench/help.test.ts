import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '@swledger/devnet/layout';

/** Runs a built entry point with `--help`. */
function help(entry: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO_ROOT, entry), '--help'], (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

// The Fabric client libraries read process.argv when loaded; loaded with a command they
// would print their own options for `--help` and exit: every tool loads them on demand.
describe('tools: --help prints the tool’s own usage', () => {
  const tools: [string, RegExp][] = [
    ['tools/bench/dist/main.js', /^Usage: bench \[options\]/],
    ['tools/bench/dist/caliper/main.js', /^Usage: bench:caliper \[options\]/],
    ['tools/bench/dist/approval.js', /^Usage: bench-approval \[options\]/],
    ['tools/bench/dist/blockcutting.js', /^Usage: bench:block-cutting \[options\]/],
    ['tools/demo/dist/main.js', /^usage: npm run demo/],
    ['packages/cli/dist/main.js', /^Usage: swl \[options\] \[command\]/],
  ];
  for (const [entry, usage] of tools)
    it(entry, async () => {
      const run = await help(entry);

      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.match(usage);
      expect(run.stdout).to.not.include('Show version number');
    });
});
