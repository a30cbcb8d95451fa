import { expect } from 'chai';
import { EndorsementPolicyError, NotFoundError } from '@swledger/sdk';
import { clientAs } from './harness';
import { ALPHA, declaration, newFile } from './fixtures';

describe('chaincode on the network: key-level endorsement holds at commit', function () {
  this.timeout(120_000);

  it('invalidates a customs move endorsed by a majority without Customs, and commits it with Customs', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const officer = await clientAs('customs:officer1');
    const dec = declaration(ALPHA);
    await alpha.documents.register(dec, { sha256: newFile().sha256 });

    let refused: unknown;
    try {
      await officer.documents.transition(
        'CUSTOMS_DECLARATION',
        dec.docId,
        'accept',
        {},
        { endorsingOrgs: ['BankAMSP', 'BankBMSP', 'EnterpriseMSP'], retries: 0 },
      );
    } catch (err) {
      refused = err;
    }
    const unchanged = await officer.documents.get('CUSTOMS_DECLARATION', dec.docId);
    const txId = (refused as EndorsementPolicyError).transactionId!;
    const recorded = await officer.connection.validationCode(txId);
    const committed = await officer.documents.transition(
      'CUSTOMS_DECLARATION',
      dec.docId,
      'accept',
      {},
      { endorsingOrgs: ['CustomsMSP', 'BankBMSP', 'EnterpriseMSP'], retries: 0 },
    );

    expect(refused).to.be.instanceOf(EndorsementPolicyError);
    expect((refused as EndorsementPolicyError).code).to.equal('ENDORSEMENT_POLICY_FAILURE');
    expect(recorded).to.equal('ENDORSEMENT_POLICY_FAILURE');
    expect(unchanged.status).to.equal('SUBMITTED');
    expect(committed.value.status).to.equal('ACCEPTED');
  });

  it('invalidates a registration endorsed by two of four organisations: new records need MAJORITY', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const dec = declaration(ALPHA);
    const { sha256 } = newFile();

    let refused: unknown;
    try {
      await alpha.documents.register(
        dec,
        { sha256 },
        { endorsingOrgs: ['EnterpriseMSP', 'CustomsMSP'], retries: 0 },
      );
    } catch (err) {
      refused = err;
    }
    const txId = (refused as EndorsementPolicyError).transactionId!;
    const recorded = await alpha.connection.validationCode(txId);
    const lookup = await alpha.documents.getByHash(sha256).then(
      () => undefined,
      (err: unknown) => err,
    );
    const committed = await alpha.documents.register(dec, { sha256 });

    expect(refused).to.be.instanceOf(EndorsementPolicyError);
    expect((refused as EndorsementPolicyError).code).to.equal('ENDORSEMENT_POLICY_FAILURE');
    expect(recorded).to.equal('ENDORSEMENT_POLICY_FAILURE');
    expect(lookup).to.be.instanceOf(NotFoundError);
    expect(committed.value.status).to.equal('SUBMITTED');
  });
});
