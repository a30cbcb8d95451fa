import { expect } from 'chai';
import { EndorsementPlans, SwlClient } from '@swledger/sdk';
import { localSignedConnectionOptions } from '@swledger/devnet/client';
import { clientAs, TEST_NETWORK } from '../harness';
import { ALPHA, declaration, newFile } from '../fixtures';

const EVERY_ORG = ['BankAMSP', 'BankBMSP', 'CustomsMSP', 'EnterpriseMSP'];

/** Enterprise Alpha on a connection of its own that keeps its endorsement plans in `plans`. */
async function alphaWith(plans: EndorsementPlans): Promise<SwlClient> {
  const base = await localSignedConnectionOptions({
    as: 'enterprise:alpha',
    network: TEST_NETWORK,
    commitScope: 'network',
  });
  return SwlClient.open({ ...base, endorsementPlans: plans });
}

describe('SDK: endorsing organisations learned for registrations (Gateway)', function () {
  this.timeout(120_000);
  const opened: SwlClient[] = [];
  after(() => {
    for (const c of opened) c.close();
  });

  async function registerOne(alpha: SwlClient): Promise<{ txId: string; endorsers: string[] }> {
    const dec = declaration(ALPHA);
    const committed = await alpha.documents.register(dec, { sha256: newFile().sha256 });
    const auditor = await clientAs('customs:auditor1');
    const record = await auditor.documents.get('CUSTOMS_DECLARATION', dec.docId);
    expect(record.docId).to.equal(dec.docId);
    const endorsers = await auditor.connection.endorsersOf(committed.transactionId);
    return { txId: committed.transactionId, endorsers: [...endorsers].sort() };
  }

  it('names the organisations the Gateway chose for the first registration in every later one', async () => {
    const plans = new EndorsementPlans();
    const alpha = await alphaWith(plans);
    opened.push(alpha);
    if (alpha.connection.transport !== 'gateway') {
      // fabric-network names every peer organisation itself and keeps no plan.
      expect((await registerOne(alpha)).endorsers).to.deep.equal(EVERY_ORG);
      expect(plans.planFor('document', 'register')).to.equal(undefined);
      return;
    }

    const first = await registerOne(alpha);
    const plan = plans.planFor('document', 'register');
    const second = await registerOne(alpha);

    // New keys: the chaincode's MAJORITY (3 of 4), the submitter's own organisation among them.
    expect(first.endorsers).to.have.length(3);
    expect(first.endorsers).to.include('EnterpriseMSP');
    expect(plan).to.deep.equal(first.endorsers);
    expect(second.endorsers).to.deep.equal(first.endorsers);
    expect(plans.planFor('document', 'transition')).to.equal(undefined);
  });

  it('a plan short of the policy costs one invalid transaction: the registration commits with a fresh plan', async () => {
    const plans = new EndorsementPlans();
    plans.learn('document', 'register', ['EnterpriseMSP']);
    const alpha = await alphaWith(plans);
    opened.push(alpha);

    const { endorsers } = await registerOne(alpha);

    if (alpha.connection.transport !== 'gateway') {
      // fabric-network names every peer organisation and never reads the plan.
      expect(endorsers).to.deep.equal(EVERY_ORG);
      expect(plans.planFor('document', 'register')).to.deep.equal(['EnterpriseMSP']);
      return;
    }
    expect(endorsers).to.have.length(3);
    expect(endorsers).to.include('EnterpriseMSP');
    expect(plans.planFor('document', 'register'), 'learned again').to.deep.equal(endorsers);
  });

  it('a plan naming an organisation without a peer is dropped before anything is ordered', async () => {
    const plans = new EndorsementPlans();
    plans.learn('document', 'register', ['CustomsMSP', 'EnterpriseMSP', 'NoSuchMSP']);
    const alpha = await alphaWith(plans);
    opened.push(alpha);

    const { endorsers } = await registerOne(alpha);

    if (alpha.connection.transport !== 'gateway') {
      expect(endorsers).to.deep.equal(EVERY_ORG);
      return;
    }
    expect(endorsers).to.have.length(3);
    expect(endorsers).not.to.include('NoSuchMSP');
    expect(plans.planFor('document', 'register')).to.deep.equal(endorsers);
  });
});
