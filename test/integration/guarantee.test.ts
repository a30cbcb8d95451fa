import { expect } from 'chai';
import { FullView, LedgerEvent, SwlClient } from '@swledger/sdk';
import { clientAs } from './harness';
import { ALPHA, declaration, newFile, rejectsWithCode, sleep, uniqueId } from './fixtures';

async function importDeclarationWithDuty(
  alpha: SwlClient,
  officer: SwlClient,
  duty: string,
): Promise<string> {
  const dec = declaration(ALPHA, uniqueId('DEC-IMP'), 'IMPORT');
  await alpha.documents.register(dec, { sha256: newFile().sha256 });
  await officer.documents.transition('CUSTOMS_DECLARATION', dec.docId, 'accept');
  await officer.documents.transition('CUSTOMS_DECLARATION', dec.docId, 'assessDuty', {
    amount: duty,
  });
  return dec.docId;
}

function window(fromMs: number, toMs: number): { validFrom: string; validTo: string } {
  return {
    validFrom: new Date(Date.now() + fromMs).toISOString(),
    validTo: new Date(Date.now() + toMs).toISOString(),
  };
}

describe('chaincode on the network: tariff guarantees', function () {
  this.timeout(180_000);

  it('runs the whole flow: apply, issue, accept, draw for duty, release goods, settle, release the guarantee', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const clerk = await clientAs('banka:clerk1');
    const officer = await clientAs('customs:officer1');
    const docId = uniqueId('TG');
    const decId = await importDeclarationWithDuty(alpha, officer, '3000.00');

    const applied = await alpha.guarantees.apply(
      {
        docId,
        applicant: ALPHA,
        bankMsp: 'BankAMSP',
        customsOffice: '2200',
        amount: '50000.00',
        ...window(-60_000, 86_400_000),
      },
      { sha256: newFile('tg').sha256 },
    );
    const issued = await clerk.guarantees.issue(docId);
    const active = await officer.guarantees.accept(docId);
    const drawn = await officer.guarantees.draw(docId, 'D1', decId, '3000.00');
    const decAfterDraw = (await officer.documents.get('CUSTOMS_DECLARATION', decId)) as FullView;
    await officer.documents.transition('CUSTOMS_DECLARATION', decId, 'release');
    await officer.guarantees.settleDraw(docId, 'D1');
    const settled = (await officer.documents.get('TARIFF_GUARANTEE', docId)) as FullView;
    const decAfterSettle = (await officer.documents.get('CUSTOMS_DECLARATION', decId)) as FullView;
    const released = await officer.guarantees.release(docId);

    expect(applied.value.status).to.equal('APPLIED');
    expect(issued.value.status).to.equal('ISSUED');
    expect(active.value.status).to.equal('ACTIVE');
    expect(JSON.stringify(drawn.value)).to.include('"balance":"47000.00"');
    expect(decAfterDraw.state.taxStatus).to.equal('GUARANTEED');
    expect(settled.state.balance).to.equal('50000.00');
    expect(settled.draws?.map((d) => d.status)).to.deep.equal(['SETTLED']);
    expect(decAfterSettle.state.taxStatus).to.equal('PAID');
    expect(decAfterSettle.status).to.equal('RELEASED');
    expect(released.value.status).to.equal('RELEASED');
  });

  it('refuses an over-draw (INSUFFICIENT_BALANCE), a clerk of another bank (FORBIDDEN) and customs issuing (FORBIDDEN), writing nothing', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const clerkA = await clientAs('banka:clerk1');
    const clerkB = await clientAs('bankb:clerk1');
    const officer = await clientAs('customs:officer1');
    const docId = uniqueId('TG');
    const decId = await importDeclarationWithDuty(alpha, officer, '5000.00');
    await alpha.guarantees.apply(
      {
        docId,
        applicant: ALPHA,
        bankMsp: 'BankAMSP',
        customsOffice: '2200',
        amount: '1000.00',
        ...window(-60_000, 86_400_000),
      },
      { sha256: newFile('tg').sha256 },
    );

    await rejectsWithCode(clerkB.guarantees.issue(docId), 'FORBIDDEN');
    await rejectsWithCode(officer.guarantees.issue(docId), 'FORBIDDEN');
    await clerkA.guarantees.issue(docId);
    await officer.guarantees.accept(docId);
    const before = await officer.documents.history('TARIFF_GUARANTEE', docId);
    await rejectsWithCode(
      officer.guarantees.draw(docId, 'D1', decId, '5000.00'),
      'INSUFFICIENT_BALANCE',
    );
    const after = (await officer.documents.get('TARIFF_GUARANTEE', docId)) as FullView;
    const decision = (await officer.documents.get('CUSTOMS_DECLARATION', decId)) as FullView;

    expect(after.state.balance).to.equal('1000.00');
    expect(after.draws ?? []).to.deep.equal([]);
    expect(await officer.documents.history('TARIFF_GUARANTEE', docId)).to.deep.equal(before);
    expect(decision.state.taxStatus).to.equal('ASSESSED');
  });

  it('claims a guarantee for the duty still owed: open draws CLAIMED, their duty PAID, the claimed total, one event', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const clerk = await clientAs('banka:clerk1');
    const officer = await clientAs('customs:officer1');
    const auditor = await clientAs('customs:auditor1');
    const docId = uniqueId('TG-CLM');
    const decIds = [
      await importDeclarationWithDuty(alpha, officer, '1200.00'),
      await importDeclarationWithDuty(alpha, officer, '300.50'),
      await importDeclarationWithDuty(alpha, officer, '100.00'),
    ];
    await alpha.guarantees.apply(
      {
        docId,
        applicant: ALPHA,
        bankMsp: 'BankAMSP',
        customsOffice: '2200',
        amount: '10000.00',
        ...window(-60_000, 86_400_000),
      },
      { sha256: newFile('tg').sha256 },
    );
    await clerk.guarantees.issue(docId);
    await officer.guarantees.accept(docId);
    await officer.guarantees.draw(docId, 'D1', decIds[0]!, '1200.00');
    await officer.guarantees.draw(docId, 'D2', decIds[1]!, '300.50');
    await officer.guarantees.draw(docId, 'D3', decIds[2]!, '100.00');
    await officer.guarantees.settleDraw(docId, 'D3');
    const start = await auditor.connection.ledgerHeight();

    await rejectsWithCode(clerk.guarantees.claim(docId), 'FORBIDDEN');
    const claimed = await officer.guarantees.claim(docId);
    const stored = (await auditor.documents.get('TARIFF_GUARANTEE', docId)) as FullView;
    const declarations = await Promise.all(
      decIds.map(
        async (id) => (await auditor.documents.get('CUSTOMS_DECLARATION', id)) as FullView,
      ),
    );
    const changes: LedgerEvent[] = [];
    for await (const e of await auditor.events({ startBlock: start })) {
      if (e.transactionId === claimed.transactionId) changes.push(e);
      if (changes.length === 3) break;
    }

    expect(claimed.value.status).to.equal('CLAIMED');
    expect(claimed.value.state).to.deep.include({
      status: 'CLAIMED',
      claimed: '1500.50',
      openDraws: 0,
    });
    expect(stored.draws?.map((d) => [d.drawId, d.status])).to.deep.equal([
      ['D1', 'CLAIMED'],
      ['D2', 'CLAIMED'],
      ['D3', 'SETTLED'],
    ]);
    expect(stored.state.claimed).to.equal('1500.50');
    expect(declarations.map((d) => d.state.taxStatus)).to.deep.equal(['PAID', 'PAID', 'PAID']);
    expect(changes.map((e) => [e.type, e.docId, e.newStatus, e.index])).to.deep.equal([
      ['TARIFF_GUARANTEE', docId, 'CLAIMED', 0],
      ['CUSTOMS_DECLARATION', decIds[0], 'ACCEPTED', 1],
      ['CUSTOMS_DECLARATION', decIds[1], 'ACCEPTED', 2],
    ]);
    expect(changes[1]!.detail).to.deep.include({
      drawId: 'D1',
      paidBy: 'BankAMSP',
      taxStatus: 'PAID',
    });
  });

  it('refuses a claim with no open draw (INVALID_TRANSITION) and writes nothing', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const clerk = await clientAs('banka:clerk1');
    const officer = await clientAs('customs:officer1');
    const docId = uniqueId('TG-NOCLM');
    const decId = await importDeclarationWithDuty(alpha, officer, '50.00');
    await alpha.guarantees.apply(
      {
        docId,
        applicant: ALPHA,
        bankMsp: 'BankAMSP',
        customsOffice: '2200',
        amount: '1000.00',
        ...window(-60_000, 86_400_000),
      },
      { sha256: newFile('tg').sha256 },
    );
    await clerk.guarantees.issue(docId);
    await officer.guarantees.accept(docId);
    await officer.guarantees.draw(docId, 'D1', decId, '50.00');
    await officer.guarantees.settleDraw(docId, 'D1');
    const before = await officer.documents.history('TARIFF_GUARANTEE', docId);
    const height = await officer.connection.ledgerHeight();

    await rejectsWithCode(officer.guarantees.claim(docId, { retries: 0 }), 'INVALID_TRANSITION');

    const after = (await officer.documents.get('TARIFF_GUARANTEE', docId)) as FullView;
    expect(after.status).to.equal('ACTIVE');
    expect(after.state.claimed).to.equal(undefined);
    expect(await officer.connection.ledgerHeight()).to.equal(height);
    expect(await officer.documents.history('TARIFF_GUARANTEE', docId)).to.deep.equal(before);
  });

  it('reads an expired guarantee as EXPIRED and accepts no draw on it', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const clerk = await clientAs('banka:clerk1');
    const officer = await clientAs('customs:officer1');
    const docId = uniqueId('TG-EXP');
    const decId = await importDeclarationWithDuty(alpha, officer, '100.00');
    const { validFrom, validTo } = window(-60_000, 12_000);
    await alpha.guarantees.apply(
      {
        docId,
        applicant: ALPHA,
        bankMsp: 'BankAMSP',
        customsOffice: '2200',
        amount: '1000.00',
        validFrom,
        validTo,
      },
      { sha256: newFile('tg').sha256 },
    );
    await clerk.guarantees.issue(docId);
    await officer.guarantees.accept(docId);

    await sleep(Math.max(0, Date.parse(validTo) - Date.now()) + 1500);
    const err = await rejectsWithCode(
      officer.guarantees.draw(docId, 'D1', decId, '100.00'),
      'EXPIRED',
    );
    const view = await officer.documents.get('TARIFF_GUARANTEE', docId);
    const publicView = await (
      await clientAs('customs:verifier')
    ).documents.get('TARIFF_GUARANTEE', docId);

    expect(err.message).to.include(docId);
    expect(view.status).to.equal('EXPIRED');
    expect((view as FullView).state.status).to.equal('ACTIVE');
    expect(publicView.status).to.equal('EXPIRED');
  });
});
