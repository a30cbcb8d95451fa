#!/usr/bin/env node
/**
 * `npm run demo`: plays the single-window story on a running network,
 * printing each step. Every run uses fresh document numbers.
 *
 * Usage: node tools/demo/dist/main.js [--network dev]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AlreadyFinancedError,
  AlreadyRemittedError,
  Approver,
  FullView,
  newSigningKey,
} from '@swledger/sdk';
import { connectLocal } from '@swledger/devnet/client';

const ALPHA = '91310000MA1K4A7B2X';
const BETA = '91440300MA5F8C6D3Y';

let step = 0;
function say(actor: string, text: string): void {
  step += 1;
  process.stdout.write(`${String(step).padStart(2)}. [${actor}] ${text}\n`);
}
function detail(text: string): void {
  process.stdout.write(`      ${text}\n`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      'usage: npm run demo [-- --network <name>]\n  Plays the single-window story on a running swledger network.\n',
    );
    return;
  }
  const i = args.indexOf('--network');
  const network = i >= 0 ? args[i + 1] : (process.env.SWL_NETWORK ?? 'dev');
  const run = Date.now().toString(36).toUpperCase();
  const dir = mkdtempSync(join(tmpdir(), 'swl-demo-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  // Each step reads on another organisation's peer right after a write: wait for every peer.
  const connect = (as: string) => connectLocal({ as, network, commitScope: 'network' });
  // Enterprise Alpha's own key for this story: made here, never sent anywhere.
  const alphaKey = newSigningKey();
  const [alpha, officer, bankA, bankB, verifier, approverA] = await Promise.all([
    connectLocal({
      as: 'enterprise:alpha',
      network,
      commitScope: 'network',
      enterpriseSigning: { signer: alphaKey, entity: ALPHA },
    }),
    connect('customs:officer1'),
    connect('banka:clerk1'),
    connect('bankb:clerk1'),
    connect('bankb:verifier'),
    connect('banka:approver1'),
  ]);
  try {
    const ids = {
      contract: `CON-${run}`,
      invoice: `INV-${run}`,
      exportDecl: `EXP-${run}`,
      importDecl: `IMP-${run}`,
      guarantee: `TG-${run}`,
      autoGuarantee: `TGA-${run}`,
    };
    const contractPdf = file(
      'contract.pdf',
      `Sales contract ${ids.contract}: ${ALPHA} sells 2,000 solar panels to ${BETA} for USD 480,000.00\n`,
    );
    const invoicePdf = file(
      'invoice.pdf',
      `Commercial invoice ${ids.invoice}: USD 480,000.00, terms CIF Rotterdam\n`,
    );
    const exportXml = file(
      'export.xml',
      `<declaration id="${ids.exportDecl}" direction="EXPORT" office="2200" value="480000.00" currency="USD"/>\n`,
    );

    say('Enterprise Alpha', `asks Bank A to bind its new key ${alphaKey.address.toLowerCase()}`);
    await alpha.bindings.request(alphaKey, ALPHA, 'BankAMSP');
    detail("the request carries the key's own EIP-712 signature; status REQUESTED");
    say('Bank A', 'authenticates Enterprise Alpha at the counter and confirms the binding');
    const binding = await bankA.bindings.confirm(alphaKey.address);
    detail(
      `${binding.address} is ${binding.status} for ${binding.uscc}, confirmed by ${binding.bankMsp}: from now on every write Alpha makes is signed with it`,
    );

    say(
      'Enterprise Alpha',
      `registers contract ${ids.contract}, invoice ${ids.invoice} and export declaration ${ids.exportDecl} (each signed with its key)`,
    );
    await alpha.documents.register(
      {
        type: 'CONTRACT',
        docId: ids.contract,
        owner: ALPHA,
        facts: { seller: ALPHA, buyer: BETA, amount: '480000.00', currency: 'USD' },
      },
      { path: contractPdf },
    );
    await alpha.documents.register(
      {
        type: 'COMMERCIAL_INVOICE',
        docId: ids.invoice,
        owner: ALPHA,
        links: [ids.contract],
        facts: { seller: ALPHA, buyer: BETA, amount: '480000.00', currency: 'USD' },
      },
      { path: invoicePdf },
    );
    const decl = await alpha.documents.register(
      {
        type: 'CUSTOMS_DECLARATION',
        docId: ids.exportDecl,
        owner: ALPHA,
        links: [ids.contract, ids.invoice],
        facts: {
          direction: 'EXPORT',
          customsOffice: '2200',
          declaredValue: '480000.00',
          currency: 'USD',
        },
      },
      { path: exportXml },
    );
    detail(`declaration ${decl.value.status}, tx ${decl.transactionId.slice(0, 16)}…`);

    say('Customs', `accepts and releases export declaration ${ids.exportDecl}`);
    await officer.documents.transition('CUSTOMS_DECLARATION', ids.exportDecl, 'accept');
    const released = await officer.documents.transition(
      'CUSTOMS_DECLARATION',
      ids.exportDecl,
      'release',
    );
    detail(`declaration ${released.value.status}`);

    say('Bank A', `verifies invoice ${ids.invoice} and finances all of it (USD 480,000.00)`);
    const check = await bankA.verifier.verify({ path: invoicePdf });
    detail(
      `verification: ${check.verdict} (issuer ${check.issuer.msp} for ${check.issuer.owner ?? ''}, key ${check.issuer.signer ?? 'none'} confirmed by ${check.issuer.confirmedBy ?? 'nobody'}, block ${check.issuer.blockNumber})`,
    );
    const financed = await bankA.invoices.finance(ids.invoice, `BA-${run}`, '480000.00');
    detail(`invoice financed; tx ${financed.transactionId.slice(0, 16)}…`);

    say('Bank B', `tries to finance the same invoice again`);
    try {
      await bankB.invoices.finance(ids.invoice, `BB-${run}`, '480000.00');
      throw new Error('Bank B financed an invoice that was already financed in full');
    } catch (err) {
      if (!(err instanceof AlreadyFinancedError)) throw err;
      detail(`refused: ${err.code} (${err.detail})`);
    }

    say(
      'Bank B',
      `records an inward receipt of USD 300,000.00 from ${BETA}, checked against the released declaration, the invoice and the contract`,
    );
    const receipt = {
      declarationDocId: ids.exportDecl,
      invoiceDocId: ids.invoice,
      contractDocId: ids.contract,
      direction: 'INWARD' as const,
      payer: BETA,
      currency: 'USD',
    };
    const remitted = await bankB.remittances.record({
      ...receipt,
      remittanceId: `RB-${run}`,
      amount: '300000.00',
    });
    detail(`declaration remitted USD ${remitted.value.declaration.remitted}`);

    say('Bank A', 'tries to record a second receipt of USD 200,000.00 against the same shipment');
    try {
      await bankA.remittances.record({
        ...receipt,
        remittanceId: `RA-${run}`,
        amount: '200000.00',
      });
      throw new Error('Bank A remitted more than the declared value');
    } catch (err) {
      if (!(err instanceof AlreadyRemittedError)) throw err;
      detail(`refused: ${err.code}, left ${err.fields.left ?? '?'} ${err.fields.currency ?? ''}`);
    }

    say(
      'Enterprise Alpha',
      `applies to Bank A for tariff guarantee ${ids.guarantee} (CNY 200,000.00, 90 days)`,
    );
    const letter = file(
      'guarantee.pdf',
      `Tariff guarantee letter ${ids.guarantee} in favour of customs office 2200\n`,
    );
    await alpha.guarantees.apply(
      {
        docId: ids.guarantee,
        applicant: ALPHA,
        bankMsp: 'BankAMSP',
        customsOffice: '2200',
        amount: '200000.00',
        validFrom: new Date(Date.now() - 60_000).toISOString(),
        validTo: new Date(Date.now() + 90 * 86_400_000).toISOString(),
      },
      { path: letter },
    );

    say('Bank A', `issues guarantee ${ids.guarantee}`);
    await bankA.guarantees.issue(ids.guarantee);

    say('Customs', 'verifies the guarantee letter and accepts it');
    const letterCheck = await officer.verifier.verify({ path: letter });
    detail(`verification: ${letterCheck.verdict}, status ${letterCheck.record?.status}`);
    await officer.guarantees.accept(ids.guarantee);

    say(
      'Enterprise Alpha',
      `declares an import (${ids.importDecl}); customs accepts it and assesses CNY 36,500.00 duty`,
    );
    await alpha.documents.register(
      {
        type: 'CUSTOMS_DECLARATION',
        docId: ids.importDecl,
        owner: ALPHA,
        facts: {
          direction: 'IMPORT',
          customsOffice: '2200',
          declaredValue: '280000.00',
          currency: 'CNY',
        },
      },
      { buffer: Buffer.from(`<declaration id="${ids.importDecl}" direction="IMPORT"/>`) },
    );
    await officer.documents.transition('CUSTOMS_DECLARATION', ids.importDecl, 'accept');
    await officer.documents.transition('CUSTOMS_DECLARATION', ids.importDecl, 'assessDuty', {
      amount: '36500.00',
    });

    say('Customs', 'draws on the guarantee for the duty and releases the goods first');
    const drawn = await officer.guarantees.draw(
      ids.guarantee,
      `D-${run}`,
      ids.importDecl,
      '36500.00',
    );
    const after = (drawn.value as unknown as { guarantee: FullView }).guarantee;
    detail(`guarantee balance CNY ${after.state.balance}`);
    const goods = await officer.documents.transition(
      'CUSTOMS_DECLARATION',
      ids.importDecl,
      'release',
    );
    detail(`import declaration ${goods.value.status}, tax status ${goods.value.state.taxStatus}`);

    say('Customs', 'records the duty as paid (settles the draw) and releases the guarantee');
    await officer.guarantees.settleDraw(ids.guarantee, `D-${run}`);
    const done = await officer.guarantees.release(ids.guarantee);
    const paid = (await officer.documents.get('CUSTOMS_DECLARATION', ids.importDecl)) as FullView;
    detail(
      `guarantee ${done.value.status}, balance CNY ${done.value.state.balance}; declaration tax status ${paid.state.taxStatus}`,
    );

    say(
      'Bank A',
      "publishes its credit policy and assesses Alpha's cross-border loan limit on chain",
    );
    await bankA.credit.publishPolicy({
      bankMsp: 'BankAMSP',
      limit: {
        currency: 'USD',
        lookbackMonths: 12,
        minHistoryMonths: 1,
        releasedRateBp: 2000,
        dutyPaidRateBp: 30000,
        openFinancingRateBp: 2000,
        remittanceGapRateBp: 5000,
        claimedRateBp: 10000,
        cap: '5000000.00',
      },
      approval: {
        dutyGraceDays: 30,
        claimFreeMonths: 24,
        peakDutyMultipleBp: 30000,
        maxValidityDays: 366,
      },
    });
    const limit = (await bankA.credit.assessLimit(ALPHA)).value;
    detail(`limit USD ${limit.limit} (decision ${limit.decisionId.slice(0, 16)}…)`);
    for (const reason of limit.reasons) detail(`  ${reason.code} ${reason.amount}: ${reason.text}`);
    const recomputed = await bankB.credit.recompute(limit);
    detail(
      `Bank B recomputes it from the listed inputs: ${recomputed.agrees ? 'agrees' : 'DISAGREES'}`,
    );

    say(
      'Enterprise Alpha',
      `applies to Bank A for guarantee ${ids.autoGuarantee} (CNY 10,000.00); Bank A's automated approver decides it`,
    );
    const decided = new Promise<string>((resolve) => {
      const approver = new Approver(approverA, {
        onDecision: (o) => {
          if (o.guaranteeDocId !== ids.autoGuarantee) return;
          approver.stop();
          resolve(
            `${o.decision.outcome}${o.decision.failing.length > 0 ? ` (failing ${o.decision.failing.join(', ')})` : ''}`,
          );
        },
      });
      void approver.run();
    });
    await new Promise((r) => setTimeout(r, 1000));
    const appliedAt = Date.now();
    const autoLetter = file('auto-guarantee.pdf', `Tariff guarantee letter ${ids.autoGuarantee}\n`);
    await alpha.guarantees.apply(
      {
        docId: ids.autoGuarantee,
        applicant: ALPHA,
        bankMsp: 'BankAMSP',
        customsOffice: '2200',
        amount: '10000.00',
        validFrom: new Date(Date.now() - 60_000).toISOString(),
        validTo: new Date(Date.now() + 90 * 86_400_000).toISOString(),
      },
      { path: autoLetter },
    );
    const outcome = await decided;
    detail(`${outcome} in ${((Date.now() - appliedAt) / 1000).toFixed(1)} s`);
    const seen = await officer.verifier.verify({ path: autoLetter });
    const approval = (seen.record as FullView | undefined)?.approval;
    detail(
      `customs verifies the letter: ${seen.verdict}, ${seen.record?.status}; rules ${approval?.rules.map((r) => `${r.rule}=${r.passed ? 'ok' : 'FAIL'}`).join(' ') ?? 'none'}`,
    );

    say('Anyone (Bank B verifier)', 'checks a tampered copy of the invoice (one byte changed)');
    const bytes = readFileSync(invoicePdf);
    bytes[10] = bytes[10]! ^ 0x01;
    const tampered = await verifier.verifier.verify({ buffer: bytes });
    detail(`verdict ${tampered.verdict}: ${tampered.integrity.reason}`);
    if (tampered.verdict !== 'INVALID') throw new Error('a tampered copy was not refused');
    const original = await verifier.verifier.verify({ path: invoicePdf });
    detail(
      `the original: ${original.verdict} (public view: ${original.record?.type} ${original.record?.docId}, ${original.record?.status})`,
    );

    process.stdout.write('\nThe single-window story completed.\n');
  } finally {
    for (const c of [alpha, officer, bankA, bankB, verifier, approverA]) c.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
