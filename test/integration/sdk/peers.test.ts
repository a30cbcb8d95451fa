import { expect } from 'chai';
import { FullView } from '@swledger/sdk';
import { enrollUser } from '@swledger/sdk/ca';
import { clientAs, TEST_NETWORK, testLayout } from '../harness';
import { ALPHA, declaration, invoice, newFile, uniqueId } from '../fixtures';
import { connectLocal, localCaOptions } from '@swledger/devnet/client';
import { localEnterpriseSigner } from '@swledger/devnet/enterprisekeys';

describe('SDK: queries against a chosen peer, user enrolment, reconnect', function () {
  this.timeout(120_000);

  it("reads the same record, history and listing from every organisation's own peer", async () => {
    const alpha = await clientAs('enterprise:alpha');
    const auditor = await clientAs('customs:auditor1');
    const inv = invoice(ALPHA);
    await alpha.documents.register(inv, { sha256: newFile().sha256 });
    const msps = testLayout().topology.peerOrgs.map((o) => o.mspId);

    const views = await Promise.all(
      msps.map((msp) => auditor.documents.get('COMMERCIAL_INVOICE', inv.docId, msp)),
    );
    const histories = await Promise.all(
      msps.map((msp) => auditor.documents.history('COMMERCIAL_INVOICE', inv.docId, msp)),
    );
    const listings = await Promise.all(
      msps.map((msp) =>
        alpha.documents.list(ALPHA, { type: 'COMMERCIAL_INVOICE', pageSize: 100, peerMsp: msp }),
      ),
    );
    const heights = await Promise.all(msps.map((msp) => auditor.connection.ledgerHeight(msp)));

    for (const v of views) expect(v).to.deep.equal(views[0]);
    for (const h of histories) expect(h).to.deep.equal(histories[0]);
    expect(histories[0]!.map((h) => h.status)).to.deep.equal(['REGISTERED']);
    for (const l of listings) expect(l).to.deep.equal(listings[0]);
    expect((views[0] as FullView).docId).to.equal(inv.docId);
    expect(heights.every((h) => h > 1n)).to.equal(true);
  });

  it('endorses by the policies by default (Gateway plan, or every organisation on fabric-network), and by the named ones when asked', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const officer = await clientAs('customs:officer1');
    const dec = declaration(ALPHA);
    const registered = await alpha.documents.register(dec, { sha256: newFile().sha256 });
    const accepted = await officer.documents.transition('CUSTOMS_DECLARATION', dec.docId, 'accept');

    const released = await officer.documents.transition(
      'CUSTOMS_DECLARATION',
      dec.docId,
      'release',
      {},
      { endorsingOrgs: ['CustomsMSP', 'BankAMSP', 'EnterpriseMSP'] },
    );

    const everyOrg = ['BankAMSP', 'BankBMSP', 'CustomsMSP', 'EnterpriseMSP'];
    const byDefault = [
      new Set(await officer.connection.endorsersOf(registered.transactionId)),
      new Set(await officer.connection.endorsersOf(accepted.transactionId)),
    ];
    if (alpha.connection.transport === 'fabric-network') {
      for (const orgs of byDefault) expect([...orgs].sort()).to.deep.equal(everyOrg);
    } else {
      // New keys: MAJORITY (3 of 4), planned from the submitter's own peer first.
      expect(byDefault[0]!.has('EnterpriseMSP'), 'own organisation endorsed').to.equal(true);
      expect(byDefault[0]!.size).to.equal(3);
      // The declaration's state key: its key-level policy, a majority with customs.
      expect(byDefault[1]!.has('CustomsMSP'), 'customs endorsed the accept').to.equal(true);
      expect(byDefault[1]!.size).to.equal(3);
    }
    expect((await officer.connection.endorsersOf(released.transactionId)).sort()).to.deep.equal([
      'BankAMSP',
      'CustomsMSP',
      'EnterpriseMSP',
    ]);
  });

  it('enrols a new enterprise user with role and entity attributes that the chaincode honours (signing with its enterprise key)', async () => {
    const name = uniqueId('ops').toLowerCase().slice(0, 30);
    const label = await enrollUser(localCaOptions(TEST_NETWORK, 'enterprise'), {
      name,
      role: 'enterprise',
      entity: ALPHA,
    });
    const signer = await localEnterpriseSigner(testLayout(), 'alpha');
    const user = await connectLocal({
      as: label,
      network: TEST_NETWORK,
      enterpriseSigning: signer === undefined ? undefined : { signer, entity: ALPHA },
    });
    try {
      const inv = invoice(ALPHA);

      const res = await user.documents.register(inv, { sha256: newFile().sha256 });
      const history = await user.documents.history('COMMERCIAL_INVOICE', inv.docId);

      expect(label).to.equal(`enterprise:${name}`);
      expect(res.value.issuerId).to.include(`CN=${name}`);
      expect(history[0]?.by.role).to.equal('enterprise');
    } finally {
      user.close();
    }
  });

  it('refuses to enrol a user without the attributes its role needs', async () => {
    let err: unknown;
    try {
      await enrollUser(localCaOptions(TEST_NETWORK, 'enterprise'), {
        name: 'noentity',
        role: 'enterprise',
      });
    } catch (e) {
      err = e;
    }

    expect((err as { code: string }).code).to.equal('INVALID_ARGUMENT');
  });

  it('reconnects with fresh discovery and keeps working', async () => {
    const clerk = await connectLocal({ as: 'bankb:clerk1', network: TEST_NETWORK });
    try {
      await clerk.system.ping();

      await clerk.connection.reconnect();
      const ping = await clerk.system.ping();

      expect(ping.txId).to.match(/^[0-9a-f]{64}$/);
    } finally {
      clerk.close();
    }
  });
});
