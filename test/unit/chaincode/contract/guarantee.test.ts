import { expect } from 'chai';
import { DocumentContract } from '@swledger/chaincode/contract/document';
import { GuaranteeContract } from '@swledger/chaincode/contract/guarantee';
import { ErrorCode } from '@swledger/protocol/errors';
import { type Draw } from '@swledger/protocol/guarantee';
import { type FullView, type PublicView } from '@swledger/protocol/view';
import { actors, guaranteeValidFor, hashOf, inputFor } from '../fixtures';
import { evaluate, policyFor, refused, snapshot, submit } from './harness';
import { MemoryStub } from './memory-stub';

const documents = new DocumentContract();
const contract = new GuaranteeContract();

interface Drawn {
  readonly draw: Draw;
  readonly guarantee: FullView;
}

const applicationValidFor = (millis: number) => guaranteeValidFor(millis);

describe('contract/guarantee', () => {
  let stub: MemoryStub;
  const stateKey = () => stub.createCompositeKey('state', ['TARIFF_GUARANTEE', 'TAR-001']);
  const policyOf = (key: string) => Buffer.from(stub.params.get(key)!);

  async function activeGuarantee(validForMillis = 86_400_000): Promise<void> {
    const application = JSON.stringify(applicationValidFor(validForMillis));
    await submit(stub, documents, actors.owner, (ctx) => documents.register(ctx, application, ''));
    await submit(stub, contract, actors.clerkA, (ctx) => contract.issue(ctx, 'TAR-001'));
    await submit(stub, contract, actors.officer, (ctx) => contract.accept(ctx, 'TAR-001'));
  }

  async function assessedDeclaration(docId: string, duty: string): Promise<void> {
    const input = JSON.stringify(inputFor('CUSTOMS_DECLARATION', docId, hashOf(docId.slice(-1))));
    await submit(stub, documents, actors.owner, (ctx) => documents.register(ctx, input, ''));
    await submit(stub, documents, actors.officer, (ctx) =>
      documents.transition(
        ctx,
        'CUSTOMS_DECLARATION',
        docId,
        'assessDuty',
        JSON.stringify({ amount: duty }),
        '',
      ),
    );
  }

  beforeEach(() => {
    stub = new MemoryStub();
  });

  it('needs the bank and customs on the state key from the application on, and never rewrites it', async () => {
    await submit(stub, documents, actors.owner, (ctx) =>
      documents.register(ctx, JSON.stringify(applicationValidFor(86_400_000)), ''),
    );
    const applied = policyOf(stateKey());

    await submit(stub, contract, actors.clerkA, (ctx) => contract.issue(ctx, 'TAR-001'));

    expect(applied.toString('hex')).to.equal(policyFor(['BankAMSP', 'CustomsMSP']).toString('hex'));
    expect(policyOf(stateKey()).toString('hex')).to.equal(applied.toString('hex'));
  });

  it('writes the policy only when the accountable organisations change', async () => {
    await submit(stub, documents, actors.owner, (ctx) =>
      documents.register(ctx, JSON.stringify(applicationValidFor(86_400_000)), ''),
    );
    await submit(stub, contract, actors.clerkA, (ctx) => contract.issue(ctx, 'TAR-001'));
    const ctx = stub.contextFor(actors.officer);

    await contract.accept(ctx, 'TAR-001');

    expect(stub.paramWrites.size).to.equal(0);
  });

  it('lets only the named bank issue or reject', async () => {
    await submit(stub, documents, actors.owner, (ctx) =>
      documents.register(ctx, JSON.stringify(applicationValidFor(86_400_000)), ''),
    );

    await refused(
      stub,
      contract,
      actors.clerkB,
      (ctx) => contract.issue(ctx, 'TAR-001'),
      ErrorCode.FORBIDDEN,
    );
    await refused(
      stub,
      contract,
      actors.officer,
      (ctx) => contract.reject(ctx, 'TAR-001'),
      ErrorCode.FORBIDDEN,
    );
    await refused(
      stub,
      contract,
      actors.officer,
      (ctx) => contract.accept(ctx, 'TAR-001'),
      ErrorCode.INVALID_TRANSITION,
    );
    const rejected = await submit(stub, contract, actors.clerkA, (ctx) =>
      contract.reject(ctx, 'TAR-001'),
    );

    expect(rejected.status).to.equal('REJECTED');
  });

  it('draws for a declaration, refuses an over-draw, settles and releases', async () => {
    await activeGuarantee();
    await assessedDeclaration('DEC-1', '600');
    await assessedDeclaration('DEC-2', '500');

    const drawn = await submit<Drawn>(stub, contract, actors.officer, (ctx) =>
      contract.draw(ctx, 'TAR-001', 'D-1', 'DEC-1', '600'),
    );
    const before = snapshot(stub);
    const overDraw = await refused(
      stub,
      contract,
      actors.officer,
      (ctx) => contract.draw(ctx, 'TAR-001', 'D-2', 'DEC-2', '500'),
      ErrorCode.INSUFFICIENT_BALANCE,
    );
    await refused(
      stub,
      contract,
      actors.officer,
      (ctx) => contract.release(ctx, 'TAR-001'),
      ErrorCode.INVALID_TRANSITION,
    );
    const afterRefusals = snapshot(stub);
    const settled = await submit<Drawn>(stub, contract, actors.officer, (ctx) =>
      contract.settleDraw(ctx, 'TAR-001', 'D-1'),
    );
    const released = await submit(stub, contract, actors.officer, (ctx) =>
      contract.release(ctx, 'TAR-001'),
    );

    expect(drawn.guarantee.state).to.deep.include({ balance: '400.00', openDraws: 1 });
    expect(
      policyOf(stub.createCompositeKey('draw', ['TAR-001', 'D-1'])).equals(
        policyFor(['BankAMSP', 'CustomsMSP']),
      ),
    ).to.equal(true);
    expect(overDraw.message).to.contain('400.00 CNY left');
    expect(afterRefusals).to.equal(before);
    expect(settled.guarantee.state).to.deep.include({ balance: '1000.00', openDraws: 0 });
    expect(settled.draw.status).to.equal('SETTLED');
    expect(released.status).to.equal('RELEASED');
  });

  it('moves the declaration taxStatus with the draw and lists both in one event', async () => {
    await activeGuarantee();
    await assessedDeclaration('DEC-1', '600');
    const ctx = stub.contextFor(actors.officer);

    await contract.draw(ctx, 'TAR-001', 'D-1', 'DEC-1', '600');

    const { changes } = stub.event().payload as {
      changes: { type: string; action: string; detail: Record<string, string> }[];
    };
    expect(changes.map((c) => [c.type, c.action])).to.deep.equal([
      ['TARIFF_GUARANTEE', 'draw'],
      ['CUSTOMS_DECLARATION', 'draw'],
    ]);
    expect(changes[0]!.detail).to.deep.equal({
      amount: '600.00',
      balance: '400.00',
      declarationDocId: 'DEC-1',
      drawId: 'D-1',
    });
    expect(changes[1]!.detail).to.deep.equal({
      amount: '600.00',
      drawId: 'D-1',
      guaranteeDocId: 'TAR-001',
      taxStatus: 'GUARANTEED',
    });
    stub.commit();
    const declaration = await evaluate(stub, documents, actors.owner, (c) =>
      documents.get(c, 'CUSTOMS_DECLARATION', 'DEC-1'),
    );
    expect(declaration.state.taxStatus).to.equal('GUARANTEED');
  });

  it('refuses a draw id used before and anyone but a customs officer', async () => {
    await activeGuarantee();
    await assessedDeclaration('DEC-1', '100');
    await submit(stub, contract, actors.officer, (ctx) =>
      contract.draw(ctx, 'TAR-001', 'D-1', 'DEC-1', '100'),
    );
    await assessedDeclaration('DEC-2', '100');

    await refused(
      stub,
      contract,
      actors.officer,
      (ctx) => contract.draw(ctx, 'TAR-001', 'D-1', 'DEC-2', '100'),
      ErrorCode.ALREADY_EXISTS,
    );
    await refused(
      stub,
      contract,
      actors.clerkA,
      (ctx) => contract.draw(ctx, 'TAR-001', 'D-2', 'DEC-2', '100'),
      ErrorCode.FORBIDDEN,
    );
  });

  it('reports EXPIRED after the window and refuses to draw', async () => {
    await activeGuarantee(20_000);
    await assessedDeclaration('DEC-1', '100');
    stub.setTxTime(Date.now() + 60_000);

    await refused(
      stub,
      contract,
      actors.officer,
      (ctx) => contract.draw(ctx, 'TAR-001', 'D-1', 'DEC-1', '100'),
      ErrorCode.EXPIRED,
    );
    const view = await evaluate<PublicView>(stub, documents, actors.customsVerifier, (ctx) =>
      documents.getByHash(ctx, hashOf('7')),
    );

    expect(view.status).to.equal('EXPIRED');
  });

  it('claims every open draw in one transaction: draws CLAIMED, duties PAID by the bank, one event', async () => {
    await activeGuarantee();
    await assessedDeclaration('DEC-1', '600');
    await assessedDeclaration('DEC-2', '150.50');
    await assessedDeclaration('DEC-3', '100');
    for (const [drawId, decId, duty] of [
      ['D-1', 'DEC-1', '600'],
      ['D-2', 'DEC-2', '150.50'],
      ['D-3', 'DEC-3', '100'],
    ] as const) {
      await submit(stub, contract, actors.officer, (ctx) =>
        contract.draw(ctx, 'TAR-001', drawId, decId, duty),
      );
    }
    await submit(stub, contract, actors.officer, (ctx) =>
      contract.settleDraw(ctx, 'TAR-001', 'D-3'),
    );
    const ctx = stub.contextFor(actors.officer);

    const claimed = JSON.parse(await contract.claim(ctx, 'TAR-001')) as FullView;
    const { changes } = stub.event().payload as {
      changes: { type: string; docId: string; action: string; detail: Record<string, string> }[];
    };
    stub.commit();
    const declarations = await Promise.all(
      ['DEC-1', 'DEC-2', 'DEC-3'].map((id) =>
        evaluate(stub, documents, actors.owner, (c) => documents.get(c, 'CUSTOMS_DECLARATION', id)),
      ),
    );
    const stored = await evaluate(stub, documents, actors.officer, (c) =>
      documents.get(c, 'TARIFF_GUARANTEE', 'TAR-001'),
    );

    expect(claimed.status).to.equal('CLAIMED');
    expect(claimed.state).to.deep.include({ claimed: '750.50', openDraws: 0, balance: '249.50' });
    expect(claimed.draws?.map((d) => [d.drawId, d.status])).to.deep.equal([
      ['D-1', 'CLAIMED'],
      ['D-2', 'CLAIMED'],
      ['D-3', 'SETTLED'],
    ]);
    expect(stored.draws?.map((d) => d.status)).to.deep.equal(['CLAIMED', 'CLAIMED', 'SETTLED']);
    expect(stored.state).to.deep.include({ status: 'CLAIMED', claimed: '750.50', openDraws: 0 });
    expect(declarations.map((d) => d.state.taxStatus)).to.deep.equal(['PAID', 'PAID', 'PAID']);
    expect(changes.map((c) => [c.type, c.docId, c.action])).to.deep.equal([
      ['TARIFF_GUARANTEE', 'TAR-001', 'claim'],
      ['CUSTOMS_DECLARATION', 'DEC-1', 'claim'],
      ['CUSTOMS_DECLARATION', 'DEC-2', 'claim'],
    ]);
    expect(changes[0]!.detail).to.deep.equal({ claimed: '750.50', drawIds: 'D-1,D-2' });
    expect(changes[1]!.detail).to.deep.include({
      drawId: 'D-1',
      drawStatus: 'CLAIMED',
      paidBy: 'BankAMSP',
      taxStatus: 'PAID',
    });
  });

  it('refuses a claim with no open draw (INVALID_TRANSITION) and a claim by a bank clerk, writing nothing', async () => {
    await activeGuarantee();
    await assessedDeclaration('DEC-1', '100');
    await submit(stub, contract, actors.officer, (ctx) =>
      contract.draw(ctx, 'TAR-001', 'D-1', 'DEC-1', '100'),
    );

    await refused(
      stub,
      contract,
      actors.clerkA,
      (ctx) => contract.claim(ctx, 'TAR-001'),
      ErrorCode.FORBIDDEN,
    );
    await submit(stub, contract, actors.officer, (ctx) =>
      contract.settleDraw(ctx, 'TAR-001', 'D-1'),
    );
    const before = snapshot(stub);
    await refused(
      stub,
      contract,
      actors.officer,
      (ctx) => contract.claim(ctx, 'TAR-001'),
      ErrorCode.INVALID_TRANSITION,
    );

    expect(snapshot(stub)).to.equal(before);
  });
});
