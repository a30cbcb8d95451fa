import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { DocumentContract } from '@swledger/chaincode/contract/document';
import { ErrorCode } from '@swledger/protocol/errors';
import { type HistoryEntry, type PublicView } from '@swledger/protocol/view';
import { actors, guaranteeValidFor, hashOf, inputFor, OTHER, OWNER } from '../fixtures';
import { evaluate, policyFor, refused, snapshot, submit, writeOncePolicy } from './harness';
import { MemoryStub } from './memory-stub';

const contract = new DocumentContract();
const declaration = inputFor('CUSTOMS_DECLARATION', 'DEC-001', hashOf('1'));
const invoiceInput = inputFor('COMMERCIAL_INVOICE', 'INV-001', hashOf('2'));
const json = (value: unknown) => JSON.stringify(value);

interface BatchResult {
  readonly count: number;
  readonly records: readonly { type: string; docId: string; sha256: string; status: string }[];
  readonly txId: string;
}

interface Page {
  readonly bookmark: string;
  readonly fetched: number;
  readonly records: readonly { docId: string; status: string; type: string }[];
}

function key(stub: MemoryStub, type: string, ...attributes: string[]): string {
  return stub.createCompositeKey(type, attributes);
}

async function registered(stub: MemoryStub, ...inputs: Record<string, unknown>[]): Promise<void> {
  for (const input of inputs) {
    await submit(stub, contract, actors.owner, (ctx) => contract.register(ctx, json(input), ''));
  }
}

describe('contract/document', () => {
  let stub: MemoryStub;

  beforeEach(() => {
    stub = new MemoryStub();
  });

  describe('register', () => {
    it('writes facts, state, hash and owner keys and returns the full view', async () => {
      const view = await submit(stub, contract, actors.owner, (ctx) =>
        contract.register(ctx, json(declaration), ''),
      );

      expect(view).to.deep.include({
        access: 'full',
        type: 'CUSTOMS_DECLARATION',
        docId: 'DEC-001',
        status: 'SUBMITTED',
      });
      expect(view.state).to.deep.include({ status: 'SUBMITTED', taxStatus: 'NONE' });
      expect([...stub.state.keys()].sort()).to.deep.equal(
        [
          key(stub, 'doc', 'CUSTOMS_DECLARATION', 'DEC-001'),
          key(stub, 'state', 'CUSTOMS_DECLARATION', 'DEC-001'),
          key(stub, 'hash', hashOf('1')),
          key(stub, 'owner', OWNER, 'CUSTOMS_DECLARATION', 'DEC-001'),
        ].sort(),
      );
    });

    it('puts a key-level policy on every key it creates: every organisation on the write-once keys, customs on the state', async () => {
      await registered(stub, declaration);

      const policies = Object.fromEntries(
        [...stub.params.entries()].map(([k, v]) => [k, Buffer.from(v).toString('hex')]),
      );
      const writeOnce = writeOncePolicy().toString('hex');
      expect(policies).to.deep.equal({
        [key(stub, 'doc', 'CUSTOMS_DECLARATION', 'DEC-001')]: writeOnce,
        [key(stub, 'state', 'CUSTOMS_DECLARATION', 'DEC-001')]: policyFor(['CustomsMSP']).toString(
          'hex',
        ),
        [key(stub, 'hash', hashOf('1'))]: writeOnce,
        [key(stub, 'owner', OWNER, 'CUSTOMS_DECLARATION', 'DEC-001')]: writeOnce,
      });
    });

    it('puts a plain majority policy on an invoice state key', async () => {
      await registered(stub, invoiceInput);

      const stateKey = key(stub, 'state', 'COMMERCIAL_INVOICE', 'INV-001');
      expect(stub.params.size).to.equal(4);
      expect(Buffer.from(stub.params.get(stateKey)!).toString('hex')).to.equal(
        policyFor([]).toString('hex'),
      );
    });

    it('emits one sorted-key event naming the new record', async () => {
      const ctx = stub.contextFor(actors.owner);

      await contract.register(ctx, json(declaration), '');

      const { name, payload } = stub.event();
      expect(name).to.equal('swl.changes');
      expect(payload).to.deep.equal({
        changes: [
          {
            action: 'register',
            docId: 'DEC-001',
            newStatus: 'SUBMITTED',
            oldStatus: null,
            owner: OWNER,
            sha256: hashOf('1'),
            type: 'CUSTOMS_DECLARATION',
          },
        ],
        txId: stub.getTxID(),
      });
      expect(Buffer.from(stub.events[0]!.payload).toString()).to.match(
        /^\{"changes":\[\{"action":/,
      );
    });

    it('refuses a known fingerprint with DUPLICATE_HASH naming its holder', async () => {
      await registered(stub, declaration);
      const before = snapshot(stub);
      const copy = { ...invoiceInput, sha256: hashOf('1') };

      const error = await refused(
        stub,
        contract,
        actors.owner,
        (ctx) => contract.register(ctx, json(copy), ''),
        ErrorCode.DUPLICATE_HASH,
      );

      expect(error.message).to.contain('CUSTOMS_DECLARATION DEC-001');
      expect(snapshot(stub)).to.equal(before);
    });

    it('refuses a known type and docId with ALREADY_EXISTS', async () => {
      await registered(stub, declaration);
      const again = { ...declaration, sha256: hashOf('9') };

      await refused(
        stub,
        contract,
        actors.owner,
        (ctx) => contract.register(ctx, json(again), ''),
        ErrorCode.ALREADY_EXISTS,
      );
    });

    it('refuses to register for another entity, or for anyone but an enterprise', async () => {
      const theirs = {
        ...invoiceInput,
        owner: OTHER,
        facts: { seller: OWNER, buyer: OTHER, amount: '1', currency: 'USD' },
      };

      await refused(
        stub,
        contract,
        actors.owner,
        (ctx) => contract.register(ctx, json(theirs), ''),
        ErrorCode.FORBIDDEN,
      );
      await refused(
        stub,
        contract,
        actors.officer,
        (ctx) => contract.register(ctx, json(declaration), ''),
        ErrorCode.FORBIDDEN,
      );
    });

    it('refuses malformed JSON and prototype keys', async () => {
      await refused(
        stub,
        contract,
        actors.owner,
        (ctx) => contract.register(ctx, '{', ''),
        ErrorCode.INVALID_ARGUMENT,
      );
      await refused(
        stub,
        contract,
        actors.owner,
        (ctx) =>
          contract.register(ctx, json(declaration).replace('{', '{"__proto__":{"x":1},'), ''),
        ErrorCode.INVALID_ARGUMENT,
      );
    });

    it('refuses a proposal whose timestamp is an hour from the peer clock, before reading anything', async () => {
      stub.setTxTime(Date.now() - 3_600_000);

      await refused(
        stub,
        contract,
        actors.owner,
        (ctx) => contract.register(ctx, json(declaration), ''),
        ErrorCode.INVALID_ARGUMENT,
      );

      expect(stub.calls).to.equal(0);
    });
  });

  describe('registerBatch', () => {
    const entry = (index: number) =>
      inputFor('COMMERCIAL_INVOICE', `B-${index}`, index.toString(16).padStart(64, '0'));

    it('registers 500 documents with two reads, four writes and four policies each, one read of the signing settings, and one event listing all', async () => {
      const entries = Array.from({ length: 500 }, (_, index) => entry(index));
      const ctx = stub.contextFor(actors.owner);

      const result = JSON.parse(
        await contract.registerBatch(ctx, json(entries), ''),
      ) as BatchResult;

      expect(result.count).to.equal(500);
      expect(stub.calls).to.equal(500 * 10 + 1);
      expect((stub.event().payload as { changes: unknown[] }).changes).to.have.length(500);
      stub.commit();
      expect(stub.state.size).to.equal(2000);
    });

    it('writes nothing when one entry is invalid', async () => {
      const entries = [entry(0), { ...entry(1), facts: {} }, entry(2)];

      const error = await refused(
        stub,
        contract,
        actors.owner,
        (ctx) => contract.registerBatch(ctx, json(entries), ''),
        ErrorCode.INVALID_ARGUMENT,
      );

      expect(error.message).to.contain('entry 1');
    });

    it('writes nothing when two entries share a hash', async () => {
      const entries = [entry(0), entry(1), { ...entry(2), sha256: entry(0).sha256 }];

      await refused(
        stub,
        contract,
        actors.owner,
        (ctx) => contract.registerBatch(ctx, json(entries), ''),
        ErrorCode.DUPLICATE_HASH,
      );

      expect(stub.state.size).to.equal(0);
    });

    it('writes nothing when an entry collides with the ledger', async () => {
      await registered(stub, entry(5));
      const before = snapshot(stub);

      const error = await refused(
        stub,
        contract,
        actors.owner,
        (ctx) =>
          contract.registerBatch(
            ctx,
            json([entry(4), { ...entry(6), sha256: entry(5).sha256 }]),
            '',
          ),
        ErrorCode.DUPLICATE_HASH,
      );

      expect(error.message).to.contain('entry 1');
      expect(snapshot(stub)).to.equal(before);
    });
  });

  describe('transition', () => {
    beforeEach(async () => {
      await registered(stub, declaration);
    });

    it('lets customs accept a declaration, emitting old and new status, leaving the policy alone', async () => {
      const ctx = stub.contextFor(actors.officer);

      const view = JSON.parse(
        await contract.transition(ctx, 'CUSTOMS_DECLARATION', 'DEC-001', 'accept', '', ''),
      ) as { status: string };

      expect(view.status).to.equal('ACCEPTED');
      expect(stub.paramWrites.size).to.equal(0);
      expect(stub.event().payload).to.deep.include({
        changes: [
          {
            action: 'accept',
            docId: 'DEC-001',
            newStatus: 'ACCEPTED',
            oldStatus: 'SUBMITTED',
            owner: OWNER,
            sha256: hashOf('1'),
            type: 'CUSTOMS_DECLARATION',
          },
        ],
      });
    });

    it('records an assessed duty in the event detail', async () => {
      const ctx = stub.contextFor(actors.officer);

      await contract.transition(
        ctx,
        'CUSTOMS_DECLARATION',
        'DEC-001',
        'assessDuty',
        '{"amount":"88.8"}',
        '',
      );

      const change = (stub.event().payload as { changes: { detail: unknown }[] }).changes[0]!;
      expect(change.detail).to.deep.equal({ dutyAmount: '88.80', taxStatus: 'ASSESSED' });
    });

    it('refuses a bank clerk with FORBIDDEN and writes nothing', async () => {
      const before = snapshot(stub);

      await refused(
        stub,
        contract,
        actors.clerkA,
        (ctx) => contract.transition(ctx, 'CUSTOMS_DECLARATION', 'DEC-001', 'release', '', ''),
        ErrorCode.FORBIDDEN,
      );

      expect(snapshot(stub)).to.equal(before);
    });

    it('refuses an illegal move with INVALID_TRANSITION and writes nothing', async () => {
      await refused(
        stub,
        contract,
        actors.officer,
        (ctx) => contract.transition(ctx, 'CUSTOMS_DECLARATION', 'DEC-001', 'release', '', ''),
        ErrorCode.INVALID_TRANSITION,
      );
    });

    it('refuses unknown records, actions and guarantees', async () => {
      await refused(
        stub,
        contract,
        actors.officer,
        (ctx) => contract.transition(ctx, 'CUSTOMS_DECLARATION', 'DEC-404', 'accept', '', ''),
        ErrorCode.NOT_FOUND,
      );
      await refused(
        stub,
        contract,
        actors.officer,
        (ctx) => contract.transition(ctx, 'CUSTOMS_DECLARATION', 'DEC-001', 'approve', '', ''),
        ErrorCode.INVALID_ARGUMENT,
      );
      await registered(stub, guaranteeValidFor(365 * 86_400_000, 'TAR-001', hashOf('3')));
      await refused(
        stub,
        contract,
        actors.clerkA,
        (ctx) => contract.transition(ctx, 'TARIFF_GUARANTEE', 'TAR-001', 'issue', '', ''),
        ErrorCode.INVALID_ARGUMENT,
      );
    });

    it('supersedes a contract by a registered successor linking to it', async () => {
      await registered(stub, inputFor('CONTRACT', 'CON-1', hashOf('4')), {
        ...inputFor('CONTRACT', 'CON-2', hashOf('5')),
        links: ['CON-1'],
      });

      const view = await submit(stub, contract, actors.owner, (ctx) =>
        contract.transition(ctx, 'CONTRACT', 'CON-1', 'supersede', '{"byDocId":"CON-2"}', ''),
      );

      expect(view.state).to.deep.include({ status: 'SUPERSEDED', supersededBy: 'CON-2' });
    });

    it('lets the owner cancel an invoice but not a stranger', async () => {
      await registered(stub, invoiceInput);

      await refused(
        stub,
        contract,
        actors.stranger,
        (ctx) => contract.transition(ctx, 'COMMERCIAL_INVOICE', 'INV-001', 'cancel', '{}', ''),
        ErrorCode.FORBIDDEN,
      );
      const view = await submit(stub, contract, actors.owner, (ctx) =>
        contract.transition(ctx, 'COMMERCIAL_INVOICE', 'INV-001', 'cancel', '{}', ''),
      );

      expect(view.status).to.equal('CANCELLED');
    });
  });

  describe('reads', () => {
    beforeEach(async () => {
      await registered(stub, declaration);
      await submit(stub, contract, actors.officer, (ctx) =>
        contract.transition(ctx, 'CUSTOMS_DECLARATION', 'DEC-001', 'accept', '', ''),
      );
    });

    it('gives the owner, customs and banks the full view', async () => {
      for (const actor of [
        actors.owner,
        actors.officer,
        actors.customsAuditor,
        actors.clerkB,
        actors.bankAuditor,
      ]) {
        const view = await evaluate(stub, contract, actor, (ctx) =>
          contract.get(ctx, 'CUSTOMS_DECLARATION', 'DEC-001'),
        );

        expect(view).to.deep.include({ access: 'full', owner: OWNER, status: 'ACCEPTED' });
      }
    });

    it('gives verifiers the public view only', async () => {
      const view = await evaluate<PublicView>(stub, contract, actors.customsVerifier, (ctx) =>
        contract.get(ctx, 'CUSTOMS_DECLARATION', 'DEC-001'),
      );

      expect(Object.keys(view).sort()).to.deep.equal([
        'access',
        'createdAt',
        'docId',
        'issuerMsp',
        'owner',
        'sha256',
        'status',
        'txId',
        'type',
      ]);
    });

    it('refuses another enterprise and callers without a role', async () => {
      await refused(
        stub,
        contract,
        actors.stranger,
        (ctx) => contract.get(ctx, 'CUSTOMS_DECLARATION', 'DEC-001'),
        ErrorCode.FORBIDDEN,
      );
      await refused(
        stub,
        contract,
        actors.noRole,
        (ctx) => contract.get(ctx, 'CUSTOMS_DECLARATION', 'DEC-001'),
        ErrorCode.FORBIDDEN,
      );
      await refused(
        stub,
        contract,
        actors.stranger,
        (ctx) => contract.history(ctx, 'CUSTOMS_DECLARATION', 'DEC-001'),
        ErrorCode.FORBIDDEN,
      );
      await refused(
        stub,
        contract,
        actors.enterpriseVerifier,
        (ctx) => contract.history(ctx, 'CUSTOMS_DECLARATION', 'DEC-001'),
        ErrorCode.FORBIDDEN,
      );
    });

    it('answers a fingerprint with the public view for anyone, full view and history for parties', async () => {
      const open = await evaluate<PublicView>(stub, contract, actors.stranger, (ctx) =>
        contract.getByHash(ctx, hashOf('1')),
      );
      const full = await evaluate(stub, contract, actors.owner, (ctx) =>
        contract.getByHash(ctx, hashOf('1')),
      );

      expect(open).to.deep.include({
        access: 'public',
        docId: 'DEC-001',
        status: 'ACCEPTED',
        issuerMsp: 'EnterpriseMSP',
      });
      expect(open).not.to.have.property('facts');
      expect(full.facts).to.deep.include({ customsOffice: '2201' });
      expect(full.history!.map((entry) => entry.status)).to.deep.equal(['ACCEPTED', 'SUBMITTED']);
    });

    it('refuses unknown and malformed fingerprints', async () => {
      await refused(
        stub,
        contract,
        actors.customsVerifier,
        (ctx) => contract.getByHash(ctx, hashOf('f')),
        ErrorCode.NOT_FOUND,
      );
      await refused(
        stub,
        contract,
        actors.customsVerifier,
        (ctx) => contract.getByHash(ctx, 'abc'),
        ErrorCode.INVALID_ARGUMENT,
      );
    });

    it('lists every version of the state with who and when', async () => {
      const history = await evaluate<HistoryEntry[]>(stub, contract, actors.owner, (ctx) =>
        contract.history(ctx, 'CUSTOMS_DECLARATION', 'DEC-001'),
      );

      expect(history.map(({ status, by }) => [status, by.msp])).to.deep.equal([
        ['ACCEPTED', 'CustomsMSP'],
        ['SUBMITTED', 'EnterpriseMSP'],
      ]);
      expect(history[0]!.txId).to.not.equal(history[1]!.txId);
      expect(Date.parse(history[0]!.timestamp)).to.be.greaterThan(
        Date.parse(history[1]!.timestamp),
      );
    });
  });

  describe('listByOwner', () => {
    beforeEach(async () => {
      const inputs = [1, 2, 3, 4, 5].map((n) =>
        inputFor('COMMERCIAL_INVOICE', `INV-${n}`, hashOf(String(n))),
      );
      await registered(stub, ...inputs, inputFor('CONTRACT', 'CON-1', hashOf('c')));
      await submit(stub, contract, actors.owner, (ctx) =>
        contract.transition(ctx, 'COMMERCIAL_INVOICE', 'INV-2', 'cancel', '', ''),
      );
    });

    it('pages through one type with a bookmark', async () => {
      const first = await evaluate<Page>(stub, contract, actors.owner, (ctx) =>
        contract.listByOwner(ctx, OWNER, 'COMMERCIAL_INVOICE', '', '2', ''),
      );
      const second = await evaluate<Page>(stub, contract, actors.owner, (ctx) =>
        contract.listByOwner(ctx, OWNER, 'COMMERCIAL_INVOICE', '', '2', first.bookmark),
      );
      const third = await evaluate<Page>(stub, contract, actors.owner, (ctx) =>
        contract.listByOwner(ctx, OWNER, 'COMMERCIAL_INVOICE', '', '2', second.bookmark),
      );

      expect([first, second, third].map((page) => page.records.map((r) => r.docId))).to.deep.equal([
        ['INV-1', 'INV-2'],
        ['INV-3', 'INV-4'],
        ['INV-5'],
      ]);
      expect(third.bookmark).to.equal('');
    });

    it('filters by status and lists every type when none is given', async () => {
      const cancelled = await evaluate<Page>(stub, contract, actors.clerkA, (ctx) =>
        contract.listByOwner(ctx, OWNER, '', 'CANCELLED', '100', ''),
      );
      const all = await evaluate<Page>(stub, contract, actors.officer, (ctx) =>
        contract.listByOwner(ctx, OWNER, '', '', '', ''),
      );

      expect(cancelled.records.map((r) => r.docId)).to.deep.equal(['INV-2']);
      expect(all.records).to.have.length(6);
    });

    it('caps the page size at 100 and refuses zero', async () => {
      const more = Array.from({ length: 100 }, (_, n) =>
        inputFor('CONTRACT', `CON-X${n}`, createHash('sha256').update(`x${n}`).digest('hex')),
      );
      await registered(stub, ...more);

      const page = await evaluate<Page>(stub, contract, actors.owner, (ctx) =>
        contract.listByOwner(ctx, OWNER, '', '', '5000', ''),
      );
      const rest = await evaluate<Page>(stub, contract, actors.owner, (ctx) =>
        contract.listByOwner(ctx, OWNER, '', '', '5000', page.bookmark),
      );

      expect(page.records).to.have.length(100);
      expect(page.bookmark).to.not.equal('');
      expect(rest.records).to.have.length(6);
      expect(rest.bookmark).to.equal('');
      await refused(
        stub,
        contract,
        actors.owner,
        (ctx) => contract.listByOwner(ctx, OWNER, '', '', '0', ''),
        ErrorCode.INVALID_ARGUMENT,
      );
    });

    it('refuses another enterprise and verifiers', async () => {
      await refused(
        stub,
        contract,
        actors.stranger,
        (ctx) => contract.listByOwner(ctx, OWNER, '', '', '10', ''),
        ErrorCode.FORBIDDEN,
      );
      await refused(
        stub,
        contract,
        actors.customsVerifier,
        (ctx) => contract.listByOwner(ctx, OWNER, '', '', '10', ''),
        ErrorCode.FORBIDDEN,
      );
    });
  });
});
