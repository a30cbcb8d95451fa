/**
 * The finance services under a dishonest majority (BankA, BankB, Enterprise)
 * running its own chaincode: what it writes is replayed against the signed
 * request, so a remittance that skips the totals, a policy written for
 * another bank or a guarantee "decided" by a clerk is found INVALID.
 */
import { expect } from 'chai';
import { ProvenanceApi } from '@swledger/sdk/provenance';
import { OTHER, OWNER } from '../chaincode/fixtures';
import {
  keyOf,
  makeIdentity,
  TestNetwork,
  type Identity,
  type TxSpec,
} from './provenance-fixtures';

const owner = makeIdentity('EnterpriseMSP', 'ent1', {
  'swl.role': 'enterprise',
  'swl.entity': OWNER,
});
const officer = makeIdentity('CustomsMSP', 'officer1', { 'swl.role': 'officer' });
const clerkA = makeIdentity('BankAMSP', 'clerk1', { 'swl.role': 'clerk' });
const clerkB = makeIdentity('BankBMSP', 'clerk1', { 'swl.role': 'clerk' });
const approverA = makeIdentity('BankAMSP', 'approver1', { 'swl.role': 'approver' });
const ALL: Identity[] = [
  makeIdentity('CustomsMSP', 'peer0.customs'),
  makeIdentity('BankAMSP', 'peer0.banka'),
  makeIdentity('BankBMSP', 'peer0.bankb'),
  makeIdentity('EnterpriseMSP', 'peer0.enterprise'),
];
const MAJORITY = ALL.slice(1);

const POLICY = {
  bankMsp: 'BankAMSP',
  limit: {
    currency: 'USD',
    lookbackMonths: 12,
    minHistoryMonths: 0,
    releasedRateBp: 2000,
    dutyPaidRateBp: 30000,
    openFinancingRateBp: 0,
    remittanceGapRateBp: 0,
    claimedRateBp: 0,
    cap: '1000.00',
  },
  approval: {
    dutyGraceDays: 30,
    claimFreeMonths: 24,
    peakDutyMultipleBp: 30000,
    maxValidityDays: 366,
  },
};

/** OWNER exports to OTHER: contract, invoice and an accepted EXPORT declaration. */
async function shipment(): Promise<TestNetwork> {
  const network = new TestNetwork();
  const register = (input: Record<string, unknown>) =>
    network.submit(owner, 'document:register', [JSON.stringify(input)], ALL);
  await register({
    type: 'CONTRACT',
    docId: 'CON-1',
    sha256: 'c'.repeat(64),
    owner: OWNER,
    facts: { seller: OWNER, buyer: OTHER, amount: '5000.00', currency: 'USD' },
  });
  await register({
    type: 'COMMERCIAL_INVOICE',
    docId: 'INV-1',
    sha256: 'e'.repeat(64),
    owner: OWNER,
    links: ['CON-1'],
    facts: { seller: OWNER, buyer: OTHER, amount: '800.00', currency: 'USD' },
  });
  await register({
    type: 'CUSTOMS_DECLARATION',
    docId: 'DEC-1',
    sha256: 'd'.repeat(64),
    owner: OWNER,
    links: ['CON-1', 'INV-1'],
    facts: {
      direction: 'EXPORT',
      customsOffice: '2201',
      declaredValue: '1000.00',
      currency: 'USD',
    },
  });
  await network.submit(
    officer,
    'document:transition',
    ['CUSTOMS_DECLARATION', 'DEC-1', 'accept', ''],
    ALL,
  );
  return network;
}

const REMIT = JSON.stringify({
  remittanceId: 'RM-1',
  declarationDocId: 'DEC-1',
  invoiceDocId: 'INV-1',
  contractDocId: 'CON-1',
  direction: 'INWARD',
  payer: OTHER,
  amount: '300.00',
  currency: 'USD',
});

function withCreator(spec: TxSpec, creator: Identity): TxSpec {
  return { ...spec, creator };
}

describe('sdk/provenance: the finance services under a dishonest majority', () => {
  it('finds an honest remittance VALID', async () => {
    const network = await shipment();

    const spec = await network.submit(clerkA, 'remit:record', [REMIT], MAJORITY);
    const check = await new ProvenanceApi(network.ledger).checkTransaction(spec.txId);

    expect(check.result).to.equal('VALID');
  });

  it('finds a remittance that leaves the declaration total untouched INVALID', async () => {
    const network = await shipment();
    const honest = await network.endorse(clerkA, 'remit:record', [REMIT], MAJORITY);
    const totals = keyOf('totals', 'CUSTOMS_DECLARATION', 'DEC-1');
    const forged: TxSpec = {
      ...honest,
      writes: honest.writes.filter((w) => w.key !== totals),
    };

    network.commit(forged);
    const check = await new ProvenanceApi(network.ledger).checkTransaction(forged.txId);

    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.include('totals~CUSTOMS_DECLARATION~DEC-1');
  });

  it("finds Bank B's clerk publishing Bank A's policy INVALID", async () => {
    const network = await shipment();
    const honest = await network.endorse(
      clerkA,
      'credit:publishPolicy',
      [JSON.stringify(POLICY)],
      MAJORITY,
    );

    const forged = withCreator(honest, clerkB);
    network.commit(forged);
    const check = await new ProvenanceApi(network.ledger).checkTransaction(forged.txId);

    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.include('FORBIDDEN');
  });

  it('finds a guarantee issued through the approver path by a clerk INVALID', async () => {
    const network = await shipment();
    await network.submit(clerkA, 'credit:publishPolicy', [JSON.stringify(POLICY)], MAJORITY);
    await network.submit(
      owner,
      'document:register',
      [
        JSON.stringify({
          type: 'TARIFF_GUARANTEE',
          docId: 'TG-1',
          sha256: 'f'.repeat(64),
          owner: OWNER,
          facts: {
            bankMsp: 'BankAMSP',
            customsOffice: '2201',
            amount: '1.00',
            validFrom: new Date(Date.now() - 60_000).toISOString(),
            validTo: new Date(Date.now() + 86_400_000).toISOString(),
          },
        }),
      ],
      ALL,
    );
    const honest = await network.endorse(approverA, 'credit:decideGuarantee', ['TG-1'], ALL);

    const forged = withCreator(honest, clerkA);
    network.commit(forged);
    const check = await new ProvenanceApi(network.ledger).checkTransaction(forged.txId);

    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.include('FORBIDDEN');
  });
});
