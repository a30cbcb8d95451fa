import { expect } from 'chai';
import { FullView } from '@swledger/sdk';
import { clientAs } from './harness';
import { ALPHA, BETA, contract, declaration, invoice, newFile, rejectsWithCode } from './fixtures';

describe('chaincode on the network: documents, lifecycles and access control', function () {
  this.timeout(120_000);

  it('registers a declaration, invoice and contract; customs accepts and releases; lookups by hash return them', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const officer = await clientAs('customs:officer1');
    const verifier = await clientAs('banka:verifier');
    const [decFile, invFile, conFile] = [newFile('dec'), newFile('inv'), newFile('con')];
    const inv = invoice(ALPHA);
    const con = contract(ALPHA);
    const dec = declaration(ALPHA, undefined, 'EXPORT', [inv.docId, con.docId]);

    await alpha.documents.register(inv, { buffer: invFile.buffer });
    await alpha.documents.register(con, { buffer: conFile.buffer });
    const registered = await alpha.documents.register(dec, { buffer: decFile.buffer });
    const accepted = await officer.documents.transition('CUSTOMS_DECLARATION', dec.docId, 'accept');
    const released = await officer.documents.transition(
      'CUSTOMS_DECLARATION',
      dec.docId,
      'release',
    );
    const byHashFull = (await alpha.documents.getByHash(decFile.sha256)) as FullView;
    const byHashPublic = await verifier.documents.getByHash(invFile.sha256);
    const contractView = await officer.documents.getByHash(conFile.sha256);

    expect(registered.value.status).to.equal('SUBMITTED');
    expect(registered.value.issuerMsp).to.equal('EnterpriseMSP');
    expect(accepted.value.status).to.equal('ACCEPTED');
    expect(released.value.status).to.equal('RELEASED');
    expect(byHashFull.access).to.equal('full');
    expect(byHashFull.docId).to.equal(dec.docId);
    expect(byHashFull.links).to.deep.equal([con.docId, inv.docId].sort());
    expect(byHashFull.history?.map((h) => h.status)).to.deep.equal([
      'RELEASED',
      'ACCEPTED',
      'SUBMITTED',
    ]);
    expect(byHashFull.history?.[0]?.by.msp).to.equal('CustomsMSP');
    expect(byHashPublic).to.deep.equal({
      access: 'public',
      createdAt: byHashPublic.createdAt,
      docId: inv.docId,
      issuerMsp: 'EnterpriseMSP',
      owner: ALPHA,
      sha256: invFile.sha256,
      signer: { address: registered.value.signer?.address, bankMsp: 'BankAMSP' },
      status: 'REGISTERED',
      txId: byHashPublic.txId,
      type: 'COMMERCIAL_INVOICE',
    });
    expect(registered.value.signer?.address).to.match(/^0x[0-9a-f]{40}$/);
    expect(contractView.access).to.equal('full');
    expect(contractView.status).to.equal('REGISTERED');
  });

  it('refuses a duplicate fingerprint (DUPLICATE_HASH) and a duplicate docId (ALREADY_EXISTS), writing nothing', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const file = newFile();
    const first = invoice(ALPHA);
    await alpha.documents.register(first, { buffer: file.buffer });

    const dupHash = await rejectsWithCode(
      alpha.documents.register(invoice(ALPHA), { sha256: file.sha256 }),
      'DUPLICATE_HASH',
    );
    const other = newFile();
    await rejectsWithCode(
      alpha.documents.register(first, { sha256: other.sha256 }),
      'ALREADY_EXISTS',
    );

    expect(dupHash.message).to.include(first.docId);
    await rejectsWithCode(alpha.documents.getByHash(other.sha256), 'NOT_FOUND');
  });

  it('keeps enterprises apart: another enterprise can neither read nor change a record', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const beta = await clientAs('enterprise:beta');
    const file = newFile();
    const inv = invoice(ALPHA);
    await alpha.documents.register(inv, { buffer: file.buffer });
    const before = await alpha.documents.history('COMMERCIAL_INVOICE', inv.docId);

    await rejectsWithCode(beta.documents.get('COMMERCIAL_INVOICE', inv.docId), 'FORBIDDEN');
    await rejectsWithCode(beta.documents.history('COMMERCIAL_INVOICE', inv.docId), 'FORBIDDEN');
    await rejectsWithCode(
      beta.documents.transition('COMMERCIAL_INVOICE', inv.docId, 'cancel'),
      'FORBIDDEN',
    );
    await rejectsWithCode(beta.documents.list(ALPHA), 'FORBIDDEN');
    await rejectsWithCode(
      beta.documents.register(invoice(ALPHA), { sha256: newFile().sha256 }),
      'FORBIDDEN',
    );
    const publicOnly = await beta.documents.getByHash(file.sha256);
    const after = await alpha.documents.history('COMMERCIAL_INVOICE', inv.docId);

    expect(publicOnly.access).to.equal('public');
    expect(after).to.deep.equal(before);
    expect(after[0]?.status).to.equal('REGISTERED');
  });

  it('lets only customs move a declaration: a bank clerk cannot release (FORBIDDEN), nor skip a step (INVALID_TRANSITION)', async () => {
    const alpha = await clientAs('enterprise:alpha');
    const clerk = await clientAs('banka:clerk1');
    const officer = await clientAs('customs:officer1');
    const dec = declaration(ALPHA);
    await alpha.documents.register(dec, { sha256: newFile().sha256 });

    await rejectsWithCode(
      officer.documents.transition('CUSTOMS_DECLARATION', dec.docId, 'release'),
      'INVALID_TRANSITION',
    );
    await officer.documents.transition('CUSTOMS_DECLARATION', dec.docId, 'accept');
    await rejectsWithCode(
      clerk.documents.transition('CUSTOMS_DECLARATION', dec.docId, 'release'),
      'FORBIDDEN',
    );
    await rejectsWithCode(
      alpha.documents.transition('CUSTOMS_DECLARATION', dec.docId, 'release'),
      'FORBIDDEN',
    );
    const history = await officer.documents.history('CUSTOMS_DECLARATION', dec.docId);

    expect(history.map((h) => h.status)).to.deep.equal(['ACCEPTED', 'SUBMITTED']);
  });

  it("lists an enterprise's documents by type and status with a bookmark", async () => {
    const beta = await clientAs('enterprise:beta');
    const mine = [contract(BETA), contract(BETA), contract(BETA)];
    for (const doc of mine) await beta.documents.register(doc, { sha256: newFile().sha256 });

    const seen: string[] = [];
    let bookmark = '';
    let pages = 0;
    do {
      const page = await beta.documents.list(BETA, {
        type: 'CONTRACT',
        status: 'REGISTERED',
        pageSize: 2,
        bookmark,
      });
      seen.push(...page.records.map((r) => r.docId));
      bookmark = page.bookmark;
      pages++;
    } while (bookmark !== '' && pages < 100);

    expect(seen).to.include.members(mine.map((d) => d.docId));
    expect(new Set(seen).size).to.equal(seen.length);
    expect(pages).to.be.greaterThan(1);
  });
});
