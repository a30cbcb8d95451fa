/**
 * A dishonest majority (BankA, BankB, Enterprise) endorses anything and
 * chooses the read-write set: forgeries that must still fail the check.
 */
import { expect } from 'chai';
import { ProvenanceApi } from '@swledger/sdk/provenance';
import { OWNER, hashOf, inputFor } from '../chaincode/fixtures';
import { Wallet } from 'ethers';
import { signingDomain } from '@swledger/protocol/signing';
import { signWrite, type WriteSigner } from '@swledger/sdk/signer';
import { TEST_CHAIN_ID } from '../chaincode/contract/memory-stub';
import {
  FIXTURE_CHANNEL,
  keyOf,
  makeIdentity,
  TestNetwork,
  type Identity,
} from './provenance-fixtures';

/** A test key, seen as the SDK sees any signer. */
type Key = WriteSigner & { readonly address: string };

const enterprise = makeIdentity('EnterpriseMSP', 'ent1', {
  'swl.role': 'enterprise',
  'swl.entity': OWNER,
});
const clerkA = makeIdentity('BankAMSP', 'clerk1', { 'swl.role': 'clerk' });
const ALL: Identity[] = [
  makeIdentity('CustomsMSP', 'peer0.customs'),
  makeIdentity('BankAMSP', 'peer0.banka'),
  makeIdentity('BankBMSP', 'peer0.bankb'),
  makeIdentity('EnterpriseMSP', 'peer0.enterprise'),
];
const MAJORITY = ALL.slice(1);

const register = (input: Record<string, unknown>): readonly string[] => [JSON.stringify(input)];

describe('sdk/provenance: what a dishonest majority cannot pass off', () => {
  it('finds a write to the namespace through another chaincode INVALID, in the watch too', async () => {
    const network = new TestNetwork();
    const honest = await network.endorse(
      enterprise,
      'document:register',
      register(inputFor('CUSTOMS_DECLARATION', 'DEC-1')),
      MAJORITY,
    );
    const forged = {
      ...honest,
      chaincode: 'evil',
      writes: [],
      policies: new Map<string, Uint8Array>(),
      otherNamespaces: [{ namespace: 'swledger', writes: honest.writes }],
    };
    const block = network.commit(forged);
    const envelope = network.ledger.blocks[block]?.[0]?.envelope ?? new Uint8Array();

    const inWatch = await new ProvenanceApi(network.ledger).checkEnvelope(envelope, 'VALID');

    expect(inWatch?.result).to.equal('INVALID');
    expect(inWatch?.reason).to.equal('it also wrote the namespaces swledger');
  });

  it('finds a supersession by a contract registered only afterwards INVALID (its read left out)', async () => {
    // The writes are made on another ledger where CON-2 exists, then replayed here before CON-2.
    const elsewhere = new TestNetwork();
    const first = await elsewhere.submit(
      enterprise,
      'document:register',
      register(inputFor('CONTRACT', 'CON-1', hashOf('c'))),
      MAJORITY,
    );
    const successor = await elsewhere.submit(
      enterprise,
      'document:register',
      register({ ...inputFor('CONTRACT', 'CON-2', hashOf('d')), links: ['CON-1'] }),
      MAJORITY,
    );
    const supersede = await elsewhere.endorse(
      enterprise,
      'document:transition',
      ['CONTRACT', 'CON-1', 'supersede', '{"byDocId":"CON-2"}'],
      MAJORITY,
    );
    const network = new TestNetwork();
    network.commit(first);
    network.commit({
      ...supersede,
      reads: supersede.reads.filter((r) => !r.key.includes('CON-2')),
    });
    network.commit(successor);

    const check = await new ProvenanceApi(network.ledger).checkRecord('CONTRACT', 'CON-1');

    expect(check.result).to.equal('INVALID');
    expect(check.transactions[1]?.reason).to.equal(
      'it does not record its read of doc~CONTRACT~CON-2, so the ledger it ran on cannot be known',
    );
  });

  it('finds a second copy of the namespace in the write set INVALID', async () => {
    const network = new TestNetwork();
    const honest = await network.endorse(
      enterprise,
      'document:register',
      register(inputFor('CUSTOMS_DECLARATION', 'DEC-1')),
      MAJORITY,
    );
    const extra = keyOf('state', 'CUSTOMS_DECLARATION', 'DEC-9');
    network.commit({
      ...honest,
      otherNamespaces: [
        { namespace: 'swledger', writes: [{ key: extra, value: Buffer.from('{}') }] },
      ],
    });

    const check = await new ProvenanceApi(network.ledger).checkTransaction(honest.txId);

    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.include(
      'it wrote state~CUSTOMS_DECLARATION~DEC-9, which the request does not touch',
    );
  });

  it('finds an honest financing VALID', async () => {
    const network = new TestNetwork();
    await network.submit(
      enterprise,
      'document:register',
      register(inputFor('COMMERCIAL_INVOICE', 'INV-1', hashOf('e'))),
      MAJORITY,
    );
    await network.submit(clerkA, 'invoice:finance', ['INV-1', 'F-1', '600'], MAJORITY);

    const check = await new ProvenanceApi(network.ledger).checkRecord(
      'COMMERCIAL_INVOICE',
      'INV-1',
    );

    expect(check.reason).to.match(/^every version of COMMERCIAL_INVOICE INV-1/);
    expect(check.result).to.equal('VALID');
  });

  it('finds an endorsement claiming CustomsMSP with a certificate its CA never issued INVALID', async () => {
    const madeUp = makeIdentity('CustomsMSP', 'peer0.customs', {}, false);
    const network = new TestNetwork();
    await network.submit(
      enterprise,
      'document:register',
      register(inputFor('CUSTOMS_DECLARATION', 'DEC-9', hashOf('9'))),
      [madeUp, ...MAJORITY],
    );

    const check = await new ProvenanceApi(network.ledger).checkRecord(
      'CUSTOMS_DECLARATION',
      'DEC-9',
    );

    expect(check.result).to.equal('INVALID');
    expect(check.transactions[0]?.reason).to.equal(
      "an endorsement claims CustomsMSP, but its certificate was not issued by that organisation's CA",
    );
  });

  it('finds an endorsement by a member that is not a peer INVALID', async () => {
    const network = new TestNetwork();
    await network.submit(
      enterprise,
      'document:register',
      register(inputFor('CUSTOMS_DECLARATION', 'DEC-8', hashOf('8'))),
      [clerkA, ...MAJORITY],
    );

    const check = await new ProvenanceApi(network.ledger).checkRecord(
      'CUSTOMS_DECLARATION',
      'DEC-8',
    );

    expect(check.result).to.equal('INVALID');
    expect(check.transactions[0]?.reason).to.equal(
      'an endorsement of BankAMSP was not made by a peer',
    );
  });

  it('finds a creator whose certificate its organisation never issued INVALID', async () => {
    const impostor = makeIdentity(
      'EnterpriseMSP',
      'ent1',
      { 'swl.role': 'enterprise', 'swl.entity': OWNER },
      false,
    );
    const network = new TestNetwork();
    await network.submit(
      impostor,
      'document:register',
      register(inputFor('CUSTOMS_DECLARATION', 'DEC-7', hashOf('7'))),
      MAJORITY,
    );

    const check = await new ProvenanceApi(network.ledger).checkRecord(
      'CUSTOMS_DECLARATION',
      'DEC-7',
    );

    expect(check.result).to.equal('INVALID');
    expect(check.transactions[0]?.reason).to.equal(
      "the creator's certificate was not issued by the CA of EnterpriseMSP in the channel configuration",
    );
  });

  it('finds an unsigned enterprise registration INVALID on a signing network (a majority skipping the signature check)', async () => {
    // The majority's modified chaincode endorses the request as if signatures were optional.
    const skipping = new TestNetwork('optional');
    const forged = await skipping.endorse(
      enterprise,
      'document:register',
      register(inputFor('CUSTOMS_DECLARATION', 'DEC-9', hashOf('9'))),
      MAJORITY,
    );
    const network = new TestNetwork('required');
    network.commit(forged);

    const check = await new ProvenanceApi(network.ledger).checkRecord(
      'CUSTOMS_DECLARATION',
      'DEC-9',
    );

    expect(check.result).to.equal('INVALID');
    expect(JSON.stringify(check)).to.include('SIGNATURE_REQUIRED');
  });

  it("finds a registration claiming an enterprise key's signature it does not carry INVALID", async () => {
    const skipping = new TestNetwork('optional');
    const honest = await skipping.endorse(
      enterprise,
      'document:register',
      register(inputFor('CONTRACT', 'CON-9', hashOf('8'))),
      MAJORITY,
    );
    const signer = { address: `0x${'ab'.repeat(20)}`, bankMsp: 'BankAMSP' };
    const forged = {
      ...honest,
      writes: honest.writes.map((w) => {
        if (w.value === undefined || !w.key.startsWith(keyOf('doc'))) return w;
        const facts = JSON.parse(Buffer.from(w.value).toString('utf8')) as Record<string, unknown>;
        return { key: w.key, value: Buffer.from(JSON.stringify({ ...facts, signer })) };
      }),
    };
    const network = new TestNetwork('optional');
    network.commit(forged);

    const check = await new ProvenanceApi(network.ledger).checkRecord('CONTRACT', 'CON-9');

    expect(check.result).to.equal('INVALID');
  });

  it('finds a binding a majority wrote CONFIRMED without its bank INVALID, while an honest one is VALID', async () => {
    const network = new TestNetwork('required');
    const domain = signingDomain(TEST_CHAIN_ID, FIXTURE_CHANNEL, 'swledger');
    const bind = async (key: Key) => {
      const request = JSON.stringify({
        address: key.address.toLowerCase(),
        uscc: OWNER,
        bankMsp: 'BankAMSP',
      });
      const auth = await signWrite(key, domain, 'binding:request', [request], OWNER);
      return network.endorse(enterprise, 'binding:request', [request, auth], MAJORITY);
    };
    const honestKey: Key = Wallet.createRandom();
    network.commit(await bind(honestKey));
    await network.submit(clerkA, 'binding:confirm', [honestKey.address.toLowerCase()], ALL);
    const forgedKey: Key = Wallet.createRandom();
    const requested = await bind(forgedKey);
    const forged = {
      ...requested,
      writes: requested.writes.map((w) => {
        if (w.value === undefined || !w.key.startsWith(keyOf('binding'))) return w;
        const binding = JSON.parse(Buffer.from(w.value).toString('utf8')) as Record<
          string,
          unknown
        >;
        return {
          key: w.key,
          value: Buffer.from(
            JSON.stringify({ ...binding, status: 'CONFIRMED', confirmedBy: binding.requestedBy }),
          ),
        };
      }),
    };
    network.commit(forged);

    const provenance = new ProvenanceApi(network.ledger);
    const honest = await provenance.checkBinding(honestKey.address);
    const check = await provenance.checkBinding(forgedKey.address);

    expect(honest.result, honest.reason).to.equal('VALID');
    expect(check.result).to.equal('INVALID');
  });

  it('finds a write signed by a key whose binding a majority forged INVALID, naming the binding, while one by an honest key is VALID', async () => {
    const network = new TestNetwork('required');
    const domain = signingDomain(TEST_CHAIN_ID, FIXTURE_CHANNEL, 'swledger');
    const requestOf = (key: Key) =>
      JSON.stringify({ address: key.address.toLowerCase(), uscc: OWNER, bankMsp: 'BankAMSP' });
    const honestKey: Key = Wallet.createRandom();
    const honestRequest = requestOf(honestKey);
    await network.submit(
      enterprise,
      'binding:request',
      [
        honestRequest,
        await signWrite(honestKey, domain, 'binding:request', [honestRequest], OWNER),
      ],
      MAJORITY,
    );
    await network.submit(clerkA, 'binding:confirm', [honestKey.address.toLowerCase()], ALL);
    // The majority writes a fresh key's binding CONFIRMED outright (no request, no clerk) ...
    const forgedKey: Key = Wallet.createRandom();
    const forgedRequest = requestOf(forgedKey);
    const requested = await network.endorse(
      enterprise,
      'binding:request',
      [
        forgedRequest,
        await signWrite(forgedKey, domain, 'binding:request', [forgedRequest], OWNER),
      ],
      MAJORITY,
    );
    network.commitForged({
      ...requested,
      writes: requested.writes.map((w) => {
        if (w.value === undefined || !w.key.startsWith(keyOf('binding'))) return w;
        const binding = JSON.parse(Buffer.from(w.value).toString('utf8')) as Record<
          string,
          unknown
        >;
        return {
          key: w.key,
          value: Buffer.from(JSON.stringify({ ...binding, status: 'CONFIRMED' })),
        };
      }),
    });
    // ... then honest chaincode on that ledger accepts what the key signs.
    const signed = async (key: Key, docId: string, file: string) => {
      const json = JSON.stringify(inputFor('CUSTOMS_DECLARATION', docId, hashOf(file)));
      const auth = await signWrite(key, domain, 'document:register', [json], OWNER);
      return network.submit(enterprise, 'document:register', [json, auth], MAJORITY);
    };
    const byHonestKey = await signed(honestKey, 'DEC-HK', '1');
    const byForgedKey = await signed(forgedKey, 'DEC-FK', '2');

    const provenance = new ProvenanceApi(network.ledger);
    const honest = await provenance.checkTransaction(byHonestKey.txId);
    const check = await provenance.checkTransaction(byForgedKey.txId);
    const record = await provenance.checkRecord('CUSTOMS_DECLARATION', 'DEC-FK');

    expect(honest.result, honest.reason).to.equal('VALID');
    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.include(requested.txId);
    expect(check.reason).to.match(/enterprise signature is by a key whose binding/);
    expect(record.result).to.equal('INVALID');
  });

  it('replays a transaction that hides its reads against the ledger of its time, and names the hidden read', async () => {
    const network = new TestNetwork('required');
    const domain = signingDomain(TEST_CHAIN_ID, FIXTURE_CHANNEL, 'swledger');
    const key: Key = Wallet.createRandom();
    const request = JSON.stringify({
      address: key.address.toLowerCase(),
      uscc: OWNER,
      bankMsp: 'BankAMSP',
    });
    await network.submit(
      enterprise,
      'binding:request',
      [request, await signWrite(key, domain, 'binding:request', [request], OWNER)],
      MAJORITY,
    );
    await network.submit(clerkA, 'binding:confirm', [key.address.toLowerCase()], ALL);
    const json = JSON.stringify(inputFor('CUSTOMS_DECLARATION', 'DEC-HR', hashOf('3')));
    const auth = await signWrite(key, domain, 'document:register', [json], OWNER);
    const honest = await network.endorse(enterprise, 'document:register', [json, auth], MAJORITY);
    // The forged build wrote without reading: the binding's first version (REQUESTED) is not the one of its time.
    network.commit({ ...honest, reads: [] });

    const check = await new ProvenanceApi(network.ledger).checkTransaction(honest.txId);

    expect(check.result).to.equal('INVALID');
    expect(check.reason).to.include('does not record its read');
    expect(check.reason).to.not.include('REQUESTED');
  });
});
