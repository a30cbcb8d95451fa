import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, resolveLayout, runDirOf } from '@swledger/devnet/layout';

describe('network/layout: the saved state of a network', () => {
  const saved = process.env.SWL_HOME;
  let home: string;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'swl-layout-'));
    process.env.SWL_HOME = home;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.SWL_HOME;
    else process.env.SWL_HOME = saved;
    rmSync(home, { recursive: true, force: true });
  });

  it('names the organisations of a network saved before certificates named them, from the topology file or a fallback', () => {
    const topology = JSON.parse(
      readFileSync(join(REPO_ROOT, 'network', 'topology.json'), 'utf8'),
    ) as { ordererOrg: Record<string, unknown>; peerOrgs: Record<string, unknown>[] };
    for (const org of [topology.ordererOrg, ...topology.peerOrgs]) {
      delete org.organization;
      delete org.country;
    }
    topology.peerOrgs[1]!.mspId = 'OldBankMSP';
    mkdirSync(runDirOf('old'), { recursive: true });
    writeFileSync(
      join(runDirOf('old'), 'network.json'),
      JSON.stringify({ name: 'old', portBase: 7000, orderers: 1, topology }),
    );

    const { layout, existing } = resolveLayout({ name: 'old' });

    expect(existing).to.equal(true);
    expect(layout.isolated).to.equal(false);
    expect(
      [layout.topology.ordererOrg, ...layout.topology.peerOrgs].map((o) => [
        o.mspId,
        o.organization,
        o.country,
      ]),
    ).to.deep.equal([
      ['OrdererMSP', 'Trade Ledger Ordering Service', 'CN'],
      ['CustomsMSP', 'Customs Authority', 'CN'],
      ['OldBankMSP', 'Bank A', 'XX'],
      ['BankBMSP', 'Bank B', 'HK'],
      ['EnterpriseMSP', 'Single Window Operator', 'CN'],
    ]);
  });
});
