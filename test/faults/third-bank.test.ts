import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoveredEndorsers } from '@swledger/devnet/chaincode';
import { Layout, REPO_ROOT } from '@swledger/devnet/layout';
import { EndorsementPolicyError } from '@swledger/sdk';
import { ALPHA, declaration, newFile, rejectsWithCode, uniqueId } from '../integration/fixtures';
import { freshNetwork, log, purgeNetwork, closeQuietly } from './support';
import { connectLocal } from '@swledger/devnet/client';

const NAME = 'faults-bankc';

/** network/topology.json with one more bank: the only change a third bank needs. */
function topologyWithBankC(dir: string): string {
  const topology = JSON.parse(
    readFileSync(join(REPO_ROOT, 'network', 'topology.json'), 'utf8'),
  ) as { peerOrgs: unknown[] };
  topology.peerOrgs.push({
    key: 'bankc',
    index: 5,
    mspId: 'BankCMSP',
    organization: 'Bank C',
    country: 'SG',
    kind: 'bank',
    description: 'Bank C',
    users: [
      { name: 'clerk1', role: 'clerk' },
      { name: 'auditor1', role: 'auditor' },
      { name: 'verifier', role: 'verifier' },
    ],
  });
  const file = join(dir, 'topology.json');
  writeFileSync(file, JSON.stringify(topology, null, 2));
  return file;
}

describe('topology: a third bank is one entry in the topology file', function () {
  this.timeout(10 * 60_000);
  let dir: string;
  let layout: Layout;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'swl-bankc-'));
    layout = await freshNetwork({
      name: NAME,
      portBase: 24000,
      topologyFile: topologyWithBankC(dir),
    });
  });
  after(async () => {
    await purgeNetwork(NAME);
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts five organisations, discovery lists them all, and BankC issues a guarantee under a 3-of-5 majority', async () => {
    const orgs = layout.topology.peerOrgs;
    const discovered = await Promise.all(
      orgs.map(async (o) => [...(await discoveredEndorsers(layout, o))].sort()),
    );
    // Each step is endorsed by another organisation's peer right after a write: wait for every peer.
    const as = (who: string) => connectLocal({ as: who, network: NAME, commitScope: 'network' });
    const alpha = await as('enterprise:alpha');
    const clerkC = await as('bankc:clerk1');
    const officer = await as('customs:officer1');
    try {
      const twoOfFive = alpha.documents.register(
        declaration(ALPHA),
        { sha256: newFile().sha256 },
        { endorsingOrgs: ['EnterpriseMSP', 'BankCMSP'], retries: 0 },
      );
      const refused = await rejectsWithCode(twoOfFive, 'ENDORSEMENT_POLICY_FAILURE');
      const threeOfFive = await alpha.documents.register(
        declaration(ALPHA),
        { sha256: newFile().sha256 },
        { endorsingOrgs: ['EnterpriseMSP', 'BankCMSP', 'CustomsMSP'], retries: 0 },
      );
      const docId = uniqueId('TG-C');
      await alpha.guarantees.apply(
        {
          docId,
          applicant: ALPHA,
          bankMsp: 'BankCMSP',
          customsOffice: '2200',
          amount: '20000.00',
          validFrom: new Date(Date.now() - 60_000).toISOString(),
          validTo: new Date(Date.now() + 86_400_000).toISOString(),
        },
        { sha256: newFile('tg').sha256 },
      );
      const issued = await clerkC.guarantees.issue(docId);
      const active = await officer.guarantees.accept(docId);
      // The check replays the chaincode with this network's five organisations (its topology).
      const provenance = await officer.provenance.checkRecord('TARIFF_GUARANTEE', docId);
      log(`discovery: ${discovered[0]!.join(', ')}`);

      for (const d of discovered)
        expect(d).to.deep.equal([
          'BankAMSP',
          'BankBMSP',
          'BankCMSP',
          'CustomsMSP',
          'EnterpriseMSP',
        ]);
      expect(refused).to.be.instanceOf(EndorsementPolicyError);
      expect(threeOfFive.value.status).to.equal('SUBMITTED');
      expect(issued.value.status).to.equal('ISSUED');
      expect(issued.value.issuerMsp).to.equal('EnterpriseMSP');
      expect(active.value.status).to.equal('ACTIVE');
      expect(provenance.result).to.equal('VALID', provenance.reason);
      expect(provenance.transactions.map((t) => t.fn)).to.deep.equal([
        'document:register',
        'guarantee:issue',
        'guarantee:accept',
      ]);
    } finally {
      closeQuietly(alpha, clerkC, officer);
    }
  });
});
