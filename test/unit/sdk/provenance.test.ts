import { expect } from 'chai';
import { Wallet } from 'ethers';
import { anchorDomain, signAnchor } from '@swledger/anchor';
import { generateKeyPairSync } from 'node:crypto';
import { ProvenanceApi } from '@swledger/sdk/provenance';
import { OWNER, inputFor } from '../chaincode/fixtures';
import {
  keyOf,
  makeIdentity,
  TestNetwork,
  type Identity,
  type SpecWrite,
  type TxSpec,
} from './provenance-fixtures';

const DEC = 'CUSTOMS_DECLARATION';
const FACTS = keyOf('doc', DEC, 'DEC-1');
const STATE = keyOf('state', DEC, 'DEC-1');
const HASH = keyOf('hash', 'a'.repeat(64));
const OWNER_KEY = keyOf('owner', OWNER, DEC, 'DEC-1');

const enterprise = makeIdentity('EnterpriseMSP', 'ent1', {
  'swl.role': 'enterprise',
  'swl.entity': OWNER,
});
const officer = makeIdentity('CustomsMSP', 'officer1', { 'swl.role': 'officer' });
const customsPeer = makeIdentity('CustomsMSP', 'peer0.customs');
const bankAPeer = makeIdentity('BankAMSP', 'peer0.banka');
const bankBPeer = makeIdentity('BankBMSP', 'peer0.bankb');
const enterprisePeer = makeIdentity('EnterpriseMSP', 'peer0.enterprise');
const ALL = [customsPeer, bankAPeer, bankBPeer, enterprisePeer];
const MAJORITY_WITHOUT_CUSTOMS = [bankAPeer, bankBPeer, enterprisePeer];

const REGISTER = ['document:register', [JSON.stringify(inputFor(DEC, 'DEC-1'))]] as const;
const ACCEPT = ['document:transition', [DEC, 'DEC-1', 'accept', '']] as const;

/** The spec with the value written to `key` passed through `change` (undefined: delete). */
function rewrite(spec: TxSpec, key: string, change: (value: string) => string | undefined): TxSpec {
  const writes = spec.writes.map((w): SpecWrite => {
    if (w.key !== key) return w;
    const before = Buffer.from(w.value ?? new Uint8Array()).toString('utf8');
    const next = change(before);
    if (next === before) throw new Error(`the test changed nothing in ${key}`);
    return next === undefined ? { key } : { key, value: Buffer.from(next) };
  });
  return { ...spec, writes };
}

async function registered(): Promise<TestNetwork> {
  const network = new TestNetwork();
  await network.submit(enterprise, REGISTER[0], REGISTER[1], ALL);
  return network;
}

async function checkForged(network: TestNetwork, spec: TxSpec) {
  network.commit(spec);
  return new ProvenanceApi(network.ledger).checkTransaction(spec.txId);
}

describe('sdk/provenance: checking transactions against their signatures', () => {
  it('finds an honest registration and an honest customs acceptance VALID', async () => {
    const network = await registered();
    await network.submit(officer, ACCEPT[0], ACCEPT[1], [customsPeer, bankAPeer, bankBPeer]);

    const check = await new ProvenanceApi(network.ledger).checkRecord(DEC, 'DEC-1');

    expect(check.reason).to.match(/^every version of CUSTOMS_DECLARATION DEC-1 was made by/);
    expect(check.result).to.equal('VALID');
    expect(check.transactions.map((t) => [t.fn, t.result])).to.deep.equal([
      ['document:register', 'VALID'],
      ['document:transition', 'VALID'],
    ]);
    expect(check.transactions[1]?.creator).to.equal('CustomsMSP officer1 (officer)');
    expect([...new Set(network.ledger.askedPeers)]).to.deep.equal(['CustomsMSP']);
  });

  it('finds a changed declared value INVALID, naming the facts key', async () => {
    const network = new TestNetwork();
    const honest = await network.endorse(enterprise, REGISTER[0], REGISTER[1], ALL);
    const forged = rewrite(honest, FACTS, (v) => v.replace('"125000.50"', '"9125000.50"'));
    network.commit(forged);

    const check = await new ProvenanceApi(network.ledger).checkRecord(DEC, 'DEC-1');

    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.include(
      'its endorsers wrote what the chaincode does not write for the signed request: doc~CUSTOMS_DECLARATION~DEC-1 holds',
    );
    expect(check.reason).to.include('"declaredValue":"9125000.50"');
  });

  it('finds an extra write to another record INVALID', async () => {
    const network = new TestNetwork();
    const honest = await network.endorse(enterprise, REGISTER[0], REGISTER[1], ALL);
    const other = keyOf('state', 'COMMERCIAL_INVOICE', 'INV-9');

    const check = await checkForged(network, {
      ...honest,
      writes: [...honest.writes, { key: other, value: Buffer.from('{"status":"SETTLED"}') }],
    });

    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.include(
      'it wrote state~COMMERCIAL_INVOICE~INV-9, which the request does not touch',
    );
  });

  it('finds a delete of the owner index INVALID', async () => {
    const network = new TestNetwork();
    const honest = await network.endorse(enterprise, REGISTER[0], REGISTER[1], ALL);

    const check = await checkForged(
      network,
      rewrite(honest, OWNER_KEY, () => undefined),
    );

    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.include(`it deleted owner~${OWNER}~CUSTOMS_DECLARATION~DEC-1`);
  });

  it('finds a created key without its key-level policy INVALID', async () => {
    const network = new TestNetwork();
    const honest = await network.endorse(enterprise, REGISTER[0], REGISTER[1], ALL);
    const policies = new Map(honest.policies);
    policies.delete(HASH);

    const check = await checkForged(network, { ...honest, policies });

    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.include(`hash~${'a'.repeat(64)} was not given its key-level policy`);
  });

  it('finds a declaration born ACCEPTED INVALID', async () => {
    const network = new TestNetwork();
    const honest = await network.endorse(enterprise, REGISTER[0], REGISTER[1], ALL);
    const forged = rewrite(honest, STATE, (v) => v.replace('"SUBMITTED"', '"ACCEPTED"'));

    const check = await checkForged(network, forged);

    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.include('state~CUSTOMS_DECLARATION~DEC-1 holds');
    expect(check.reason).to.include('"status":"ACCEPTED"');
  });

  it('finds an acceptance signed by an enterprise user INVALID', async () => {
    const network = await registered();
    const honest = await network.endorse(officer, ACCEPT[0], ACCEPT[1], ALL);

    const check = await checkForged(network, { ...honest, creator: enterprise });

    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.match(
      /^the chaincode refuses this request from its signed creator: FORBIDDEN: /,
    );
    expect(check.creator).to.equal(`EnterpriseMSP ent1 (enterprise, ${OWNER})`);
  });

  it('finds a function the chaincode does not have INVALID', async () => {
    const network = new TestNetwork();
    const honest = await network.endorse(enterprise, REGISTER[0], REGISTER[1], ALL);

    const check = await checkForged(network, {
      ...honest,
      fn: 'forge:put',
      args: [STATE, '{}'],
      writes: [{ key: STATE, value: Buffer.from('{}') }],
      policies: new Map(),
    });

    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.equal(
      'the chaincode refuses this request from its signed creator: the chaincode has no transaction forge:put',
    );
  });

  it("finds a declaration's state moved without Customs INVALID, naming the rule", async () => {
    const network = await registered();
    const honest = await network.endorse(officer, ACCEPT[0], ACCEPT[1], ALL);

    const check = await checkForged(network, { ...honest, endorsers: MAJORITY_WITHOUT_CUSTOMS });

    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.equal(
      'state~CUSTOMS_DECLARATION~DEC-1 needs CustomsMSP and 2 of BankAMSP, BankBMSP, EnterpriseMSP; it was endorsed by BankAMSP, BankBMSP, EnterpriseMSP',
    );
  });

  it("finds a creator's signature made with another key INVALID", async () => {
    const network = new TestNetwork();
    const honest = await network.endorse(enterprise, REGISTER[0], REGISTER[1], ALL);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

    const check = await checkForged(network, { ...honest, creatorSigner: privateKey });

    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.equal("the creator's signature does not verify");
  });

  it('finds an endorsement signed over other bytes INVALID', async () => {
    const network = new TestNetwork();
    const honest = await network.endorse(enterprise, REGISTER[0], REGISTER[1], ALL);

    const check = await checkForged(network, { ...honest, badEndorsement: 1 });

    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.equal('the endorsement of BankAMSP does not verify');
  });

  it('finds a transaction the ledger does not have INVALID', async () => {
    const network = await registered();

    const check = await new ProvenanceApi(network.ledger).checkTransaction('f'.repeat(64));

    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.equal('the record claims a transaction the ledger does not have');
  });

  it('finds a state value naming a transaction the ledger does not have INVALID', async () => {
    const network = new TestNetwork();
    const honest = await network.endorse(enterprise, REGISTER[0], REGISTER[1], ALL);
    const absent = 'e'.repeat(64);
    const forged = rewrite(honest, STATE, (v) => v.replace(honest.txId, absent));

    const check = await checkForged(network, forged);

    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.equal(
      `state~CUSTOMS_DECLARATION~DEC-1 claims transaction ${absent}, which the ledger does not have (the record claims a transaction the ledger does not have)`,
    );
  });

  it('finds an event that differs from the changes INVALID', async () => {
    const network = new TestNetwork();
    const honest = await network.endorse(enterprise, REGISTER[0], REGISTER[1], ALL);
    const payload = Buffer.from(
      Buffer.from(honest.event?.payload ?? new Uint8Array())
        .toString()
        .replace('"SUBMITTED"', '"RELEASED"'),
    );

    const check = await checkForged(network, {
      ...honest,
      event: { name: honest.event?.name ?? '', payload },
    });

    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.include('its event differs from the changes the request makes');
  });

  it('answers ERROR, never INVALID, when the ledger cannot be read', async () => {
    const network = await registered();
    const api = new ProvenanceApi(network.ledger);
    network.ledger.failNext('evaluate');
    network.ledger.failNext('processedTransaction');

    const record = await api.checkRecord(DEC, 'DEC-1');
    const history = await new ProvenanceApi(network.ledger).checkRecord(DEC, 'DEC-1');

    expect(record.result).to.equal('ERROR');
    expect(record.reason).to.equal(
      "the record's history could not be read: evaluate failed: connection refused",
    );
    expect(history.result).to.equal('ERROR');
    expect(history.reason).to.match(
      /^transaction [0-9a-f]{64}: the transaction could not be read from the ledger: processedTransaction failed/,
    );
    expect((await api.checkRecord(DEC, 'DEC-1')).result).to.equal('VALID');
  });
});

/** For other test files: the identities and requests above. */
export const parties: Readonly<Record<string, Identity>> = {
  enterprise,
  officer,
  customsPeer,
  bankAPeer,
  bankBPeer,
  enterprisePeer,
};

describe('sdk/provenance: anchor signature board posts', () => {
  const anchorer = makeIdentity('BankAMSP', 'anchorer', { 'swl.role': 'anchorer' });

  async function postArgs(): Promise<string[]> {
    const key = Wallet.createRandom();
    const contract = `0x${'ab'.repeat(20)}`;
    const message = {
      fromBlock: 3n,
      toBlock: 5n,
      root: `0x${'1'.repeat(64)}`,
      leaves: 2,
      revoked: [],
    };
    const signature = await signAnchor(key, anchorDomain(1337n, contract), message);
    return [
      JSON.stringify({
        chainId: '1337',
        contract,
        fromBlock: '3',
        toBlock: '5',
        root: message.root,
        leaves: 2,
        revoked: [],
        mspId: 'BankAMSP',
        signer: key.address.toLowerCase(),
        signature,
      }),
    ];
  }

  it("finds an organisation anchorer's honest post VALID", async () => {
    const network = new TestNetwork();
    const spec = await network.endorse(anchorer, 'anchor:sign', await postArgs(), ALL);

    const check = await checkForged(network, spec);

    expect(check.result, check.reason).to.equal('VALID');
  });

  it('finds a post whose entry was not given its write-once policy INVALID', async () => {
    const network = new TestNetwork();
    const honest = await network.endorse(anchorer, 'anchor:sign', await postArgs(), ALL);

    const check = await checkForged(network, { ...honest, policies: new Map() });

    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.match(
      /anchorsig~1337~0xabab\S*~BankAMSP~\S* was not given its key-level policy$/,
    );
  });
});
