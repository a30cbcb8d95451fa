import { expect } from 'chai';
import { PEER_MSPS } from '@swledger/protocol/orgs';
import {
  accountableOrgs,
  drawAccountableOrgs,
  endorsementRule,
  majorityOf,
  sameRule,
  satisfiedBy,
  writeOnceRule,
} from '@swledger/protocol/policy';
import { recordOf } from '../chaincode/fixtures';

describe('domain/policy', () => {
  it('needs every peer organisation for a write-once key', () => {
    const rule = writeOnceRule();

    expect(rule).to.deep.equal({ required: PEER_MSPS, outOf: 0, others: [] });
    expect(satisfiedBy(rule, ['CustomsMSP', 'BankAMSP', 'BankBMSP'])).to.equal(false);
    expect(satisfiedBy(rule, [...PEER_MSPS])).to.equal(true);
  });

  it('is not satisfied by a majority that lacks an accountable organisation', () => {
    const rule = endorsementRule(['BankAMSP', 'CustomsMSP']);

    expect(satisfiedBy(rule, ['BankAMSP', 'BankBMSP', 'EnterpriseMSP'])).to.equal(false);
    expect(satisfiedBy(rule, ['BankAMSP', 'CustomsMSP'])).to.equal(false);
    expect(satisfiedBy(rule, ['BankAMSP', 'CustomsMSP', 'EnterpriseMSP'])).to.equal(true);
  });

  it('computes a strict majority', () => {
    expect([1, 2, 3, 4, 5, 6].map(majorityOf)).to.deep.equal([1, 2, 2, 3, 3, 4]);
  });

  it('makes customs accountable for a declaration in every status', () => {
    for (const status of ['SUBMITTED', 'ACCEPTED', 'REJECTED', 'RELEASED']) {
      expect(accountableOrgs(recordOf('CUSTOMS_DECLARATION', { status }))).to.deep.equal([
        'CustomsMSP',
      ]);
    }
  });

  it('makes the enterprises operator accountable for a contract', () => {
    expect(accountableOrgs(recordOf('CONTRACT'))).to.deep.equal(['EnterpriseMSP']);
  });

  it('singles out nobody for an invoice: plain majority', () => {
    const rule = endorsementRule(accountableOrgs(recordOf('COMMERCIAL_INVOICE')));

    expect(rule).to.deep.equal({
      required: [],
      outOf: 3,
      others: ['CustomsMSP', 'BankAMSP', 'BankBMSP', 'EnterpriseMSP'],
    });
  });

  it('makes the bank and customs accountable for a guarantee in every status, the application included', () => {
    const byStatus = ['APPLIED', 'REJECTED', 'ISSUED', 'ACTIVE', 'RELEASED', 'CLAIMED'].map(
      (status) => accountableOrgs(recordOf('TARIFF_GUARANTEE', { status })),
    );

    expect(byStatus).to.deep.equal(Array(6).fill(['BankAMSP', 'CustomsMSP']));
    expect(drawAccountableOrgs(recordOf('TARIFF_GUARANTEE'))).to.deep.equal([
      'BankAMSP',
      'CustomsMSP',
    ]);
  });

  it('builds AND(customs, OutOf(2, the other three)) for four organisations', () => {
    const rule = endorsementRule(['CustomsMSP']);

    expect(PEER_MSPS).to.have.length(4);
    expect(rule).to.deep.equal({
      required: ['CustomsMSP'],
      others: ['BankAMSP', 'BankBMSP', 'EnterpriseMSP'],
      outOf: 2,
    });
  });

  it('builds AND(bank, customs, OutOf(1, the other two)) for two accountable organisations', () => {
    const rule = endorsementRule(['BankBMSP', 'CustomsMSP']);

    expect(rule).to.deep.equal({
      required: ['CustomsMSP', 'BankBMSP'],
      others: ['BankAMSP', 'EnterpriseMSP'],
      outOf: 1,
    });
  });

  it('follows the organisation list: a third bank makes the majority 3 of 5', () => {
    const orgs = ['CustomsMSP', 'BankAMSP', 'BankBMSP', 'BankCMSP', 'EnterpriseMSP'];

    const rule = endorsementRule(['CustomsMSP'], orgs);

    expect(rule).to.deep.equal({
      required: ['CustomsMSP'],
      others: ['BankAMSP', 'BankBMSP', 'BankCMSP', 'EnterpriseMSP'],
      outOf: 2,
    });
  });

  it('needs no others when the accountable organisations are a majority alone', () => {
    expect(endorsementRule(['A', 'B'], ['A', 'B', 'C'])).to.deep.equal({
      required: ['A', 'B'],
      others: ['C'],
      outOf: 0,
    });
  });

  it('refuses an accountable organisation that is not on the channel', () => {
    expect(() => endorsementRule(['OtherMSP'])).to.throw(/not a peer organisation/);
  });

  it('compares rules by content', () => {
    expect(sameRule(endorsementRule(['CustomsMSP']), endorsementRule(['CustomsMSP']))).to.equal(
      true,
    );
    expect(sameRule(endorsementRule(['CustomsMSP']), endorsementRule(['BankAMSP']))).to.equal(
      false,
    );
  });
});
