/**
 * Fault: a dishonest majority. BankA, BankB and Enterprise run a modified
 * chaincode (the honest contracts plus `forge`, test/faults/forge.ts) behind
 * their own package ids and submit transactions only their own peers
 * endorse, signed by their own users. Every forgery must be either
 * invalidated at commit (ENDORSEMENT_POLICY_FAILURE, ledger unchanged as the
 * Customs peer reads it) or committed and then detected: the provenance
 * check says INVALID and the watch service raised an alert for that very
 * transaction (SPEC §2, §4). Zero undetected.
 */
import { expect } from 'chai';
import { isDeepStrictEqual } from 'node:util';
import { endorsementRule, writeOnceRule } from '@swledger/protocol/policy';
import { Layout } from '@swledger/devnet/layout';
import { DocType, EndorsementPolicyError, FullView, LedgerError, SwlClient } from '@swledger/sdk';
import { domainOf, signWrite } from '@swledger/sdk/signer';
import { Watcher, type WatchAlert } from '@swledger/sdk/watch';
import { Wallet } from 'ethers';
import { ALPHA, contract, declaration, invoice, newFile, uniqueId } from '../integration/fixtures';
import {
  buildForgedChaincode,
  compositeKey,
  del,
  DisguisedForger,
  Forged,
  ForgedServers,
  ForgeOp,
  policy,
  put,
  TXID,
  TXTIME,
} from './forge';
import { closeQuietly, eventually, freshNetwork, log, purgeNetwork, within } from './support';
import { connectLocal, localSignedConnectionOptions } from '@swledger/devnet/client';

/** The scenario's own network; overridable when another run holds the default ports. */
const NAME = process.env.SWL_FAULT_NETWORK ?? 'faults-dishonest';
const PORT_BASE = portBase(process.env.SWL_FAULT_PORT_BASE ?? '25000');
const CUSTOMS = 'CustomsMSP';
/** The colluding majority: their peers run the forged build and endorse alone. */
const DISHONEST_KEYS = ['banka', 'bankb', 'enterprise'] as const;
const DISHONEST_MSPS = ['BankAMSP', 'BankBMSP', 'EnterpriseMSP'] as const;
const DECL: DocType = 'CUSTOMS_DECLARATION';
const INV: DocType = 'COMMERCIAL_INVOICE';
const CON: DocType = 'CONTRACT';
const TG: DocType = 'TARIFF_GUARANTEE';

/** SWL_FAULT_PORT_BASE: a whole number of at least 1024 whose ports stay below 32768. */
function portBase(given: string): number {
  const base = Number(given);
  if (!Number.isInteger(base) || base < 1024 || base > 32_000)
    throw new Error(`SWL_FAULT_PORT_BASE must be a port from 1024 to 32000, not "${given}"`);
  return base;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
}

/* ---- keys and values as the chaincode stores them (packages/chaincode/src/contract/store.ts) ---- */

const factsKey = (type: string, docId: string) => compositeKey('doc', type, docId);
const stateKey = (type: string, docId: string) => compositeKey('state', type, docId);
const hashKey = (sha256: string) => compositeKey('hash', sha256);
const ownerKey = (owner: string, type: string, docId: string) =>
  compositeKey('owner', owner, type, docId);
const financingKey = (invoiceDocId: string, id: string) =>
  compositeKey('financing', invoiceDocId, id);
const drawKey = (guaranteeDocId: string, id: string) => compositeKey('draw', guaranteeDocId, id);
const bindingKey = (address: string) => compositeKey('binding', address.toLowerCase());

/** The stored facts value behind a full view. */
function storedFacts(v: FullView): Record<string, unknown> {
  return {
    schemaVersion: 1,
    type: v.type,
    docId: v.docId,
    sha256: v.sha256,
    owner: v.owner,
    issuerMsp: v.issuerMsp,
    issuerId: v.issuerId,
    links: v.links,
    facts: v.facts,
    createdAt: v.createdAt,
    txId: v.txId,
    ...(v.signer === undefined ? {} : { signer: v.signer }),
  };
}

/** The stored state value behind a full view. */
function storedState(v: FullView): Record<string, unknown> {
  return { ...v.state, schemaVersion: 1 };
}

/* ---- the scenario ---- */

type Outcome =
  | { readonly kind: 'BLOCKED'; readonly code: string }
  | { readonly kind: 'DETECTED'; readonly reason: string }
  | { readonly kind: 'UNDETECTED'; readonly reason: string }
  | { readonly kind: 'ERROR'; readonly reason: string };

interface Row {
  readonly attempt: string;
  readonly expected: Outcome['kind'];
  readonly txId: string;
  readonly outcome: Outcome;
}

function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'BLOCKED':
      return `BLOCKED (${o.code})`;
    case 'DETECTED':
      return `DETECTED (${o.reason})`;
    case 'UNDETECTED':
      return `UNDETECTED (${o.reason})`;
    case 'ERROR':
      return `ERROR (${o.reason})`;
  }
}

/** The outcome for the table: each part of a long reason cut to a readable length. */
function shortOutcome(o: Outcome): string {
  const cut = (part: string) => (part.length > 170 ? `${part.slice(0, 167)}...` : part);
  return describeOutcome(o).split('; ').map(cut).join('; ');
}

function table(rows: readonly Row[]): string {
  const head = ['attempt', 'tx id', 'outcome'];
  const cells = rows.map((r) => [r.attempt, r.txId || '-', shortOutcome(r.outcome)]);
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) => `| ${c.map((x, i) => x.padEnd(width[i]!)).join(' | ')} |`;
  return [line(head), line(width.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

describe('fault: a dishonest majority runs modified chaincode', function () {
  this.timeout(6 * 60_000);
  let layout: Layout;
  let alpha: SwlClient;
  let clerkA: SwlClient;
  let clerkB: SwlClient;
  let officer: SwlClient;
  /** Customs' own view: reads on the Customs peer, provenance checks, the watch service. */
  let customs: SwlClient;
  let forged: ForgedServers | undefined;
  /** The same users, sending honest-looking requests whose forged writes travel in transient data. */
  let alphaForger: DisguisedForger | undefined;
  let clerkAForger: DisguisedForger | undefined;
  /** Customs' watch service, from before the first honest record. */
  let watcher: Watcher | undefined;
  const alerts: WatchAlert[] = [];
  const honestTxIds: string[] = [];
  const rows: Row[] = [];

  // The honest records the attempts aim at.
  let d1: FullView; // ACCEPTED declaration
  let d2: FullView; // REJECTED declaration
  let dImport: FullView; // ACCEPTED import declaration, duty assessed, then guaranteed by G2's draw
  let c1: FullView; // contract
  let i1: FullView; // invoice financed in part by BankB
  let g1: FullView; // guarantee APPLIED to BankA
  let g2: FullView; // guarantee ACTIVE with an open draw DR1

  const honest = async <T extends { transactionId: string }>(p: Promise<T>): Promise<T> => {
    const res = await p;
    honestTxIds.push(res.transactionId);
    return res;
  };
  /** This network's EIP-712 domain, as the ledger's signing settings give it. */
  const signingDomain = async () => {
    const settings = await customs.connection.signingSettings();
    if (settings === undefined) throw new Error('the ledger has no enterprise-signature settings');
    return domainOf(settings, customs.connection.channel);
  };
  /** `args` and Alpha's EIP-712 signature over them, made with its own key (its network keystore). */
  const alphaSigned = async (fn: string, args: readonly string[]): Promise<string[]> => {
    const opts = await localSignedConnectionOptions({ as: 'enterprise:alpha', network: NAME });
    if (opts.enterpriseSigning === undefined) throw new Error('Alpha has no signing key');
    const auth = await signWrite(
      opts.enterpriseSigning.signer,
      await signingDomain(),
      fn,
      args,
      ALPHA,
    );
    return [...args, auth];
  };
  const onCustoms = async (type: DocType, docId: string) =>
    (await customs.documents.get(type, docId, CUSTOMS)) as FullView;

  before(async () => {
    layout = await freshNetwork({ name: NAME, portBase: PORT_BASE });
    // Committed once every peer has it: the next honest move may be endorsed on another organisation's peer.
    const as = (identity: string) =>
      connectLocal({ as: identity, network: NAME, commitScope: 'network' });
    alpha = await as('enterprise:alpha');
    clerkA = await as('banka:clerk1');
    clerkB = await as('bankb:clerk1');
    officer = await as('customs:officer1');
    customs = await as('customs:auditor1');
    // Customs' watch service runs from before the first record: it sees every honest transaction too.
    const startBlock = await customs.connection.ledgerHeight(CUSTOMS);
    watcher = new Watcher(customs.connection, {
      startBlock,
      onAlert: (a) => {
        alerts.push(a);
      },
    });
    await watcher.start();

    await honestRecords();

    forged = new ForgedServers(layout, buildForgedChaincode());
    await forged.start(DISHONEST_KEYS);
    alphaForger = await DisguisedForger.open('enterprise:alpha', NAME, DISHONEST_MSPS);
    clerkAForger = await DisguisedForger.open('banka:clerk1', NAME, DISHONEST_MSPS);
  });

  async function honestRecords(): Promise<void> {
    const declared = async (direction: 'IMPORT' | 'EXPORT', move: 'accept' | 'reject') => {
      const dec = declaration(ALPHA, uniqueId('DEC'), direction);
      await honest(alpha.documents.register(dec, { sha256: newFile('dec').sha256 }));
      await honest(officer.documents.transition(DECL, dec.docId, move));
      return dec.docId;
    };
    const window = {
      validFrom: new Date(Date.now() - 60_000).toISOString(),
      validTo: new Date(Date.now() + 86_400_000).toISOString(),
    };
    const applied = async () => {
      const docId = uniqueId('TG');
      await honest(
        alpha.guarantees.apply(
          {
            docId,
            applicant: ALPHA,
            bankMsp: 'BankAMSP',
            customsOffice: '2200',
            amount: '50000.00',
            ...window,
          },
          { sha256: newFile('tg').sha256 },
        ),
      );
      return docId;
    };
    const [d1Id, d2Id, dImportId, c1Id, i1Id, g1Id, g2Id] = await Promise.all([
      declared('EXPORT', 'accept'),
      declared('EXPORT', 'reject'),
      declared('IMPORT', 'accept').then(async (id) => {
        await honest(officer.documents.transition(DECL, id, 'assessDuty', { amount: '3000.00' }));
        return id;
      }),
      (async () => {
        const con = contract(ALPHA);
        await honest(alpha.documents.register(con, { sha256: newFile('con').sha256 }));
        return con.docId;
      })(),
      (async () => {
        const inv = invoice(ALPHA, '1000.00');
        await honest(alpha.documents.register(inv, { sha256: newFile('inv').sha256 }));
        await honest(clerkB.invoices.finance(inv.docId, 'FB1', '300.00'));
        return inv.docId;
      })(),
      applied(),
      applied().then(async (id) => {
        await honest(clerkA.guarantees.issue(id));
        await honest(officer.guarantees.accept(id));
        return id;
      }),
    ]);
    await honest(officer.guarantees.draw(g2Id, 'DR1', dImportId, '3000.00'));
    [d1, d2, dImport, c1, i1, g1, g2] = await Promise.all([
      onCustoms(DECL, d1Id),
      onCustoms(DECL, d2Id),
      onCustoms(DECL, dImportId),
      onCustoms(CON, c1Id),
      onCustoms(INV, i1Id),
      onCustoms(TG, g1Id),
      onCustoms(TG, g2Id),
    ]);
    log(`honest records: ${honestTxIds.length} transactions`);
  }

  after(async () => {
    if (rows.length > 0) process.stdout.write(`\n${table(rows)}\n\n`);
    try {
      await watcher?.stop();
    } catch {
      /* the watch is only read */
    }
    await forged?.restore().catch((err: unknown) => log(`restore: ${(err as Error).message}`));
    forged?.dispose();
    closeQuietly(alpha, clerkA, clerkB, officer, customs, alphaForger, clerkAForger);
    await purgeNetwork(NAME);
  });

  /**
   * Submits one forgery endorsed only by the dishonest majority and decides
   * its outcome: BLOCKED when invalidated at commit with
   * ENDORSEMENT_POLICY_FAILURE and the ledger as the Customs peer reads it
   * is unchanged; DETECTED when committed VALID and the provenance check
   * (of the transaction, of the record, of a verification) and the watch
   * service all flag it; anything else fails the test.
   */
  async function attempt(spec: {
    readonly name: string;
    /**
     * What the design promises: BLOCKED where a key-level policy names an
     * organisation the three lack (an existing key), DETECTED where only
     * MAJORITY guards (a new key, an invoice's state).
     */
    readonly expected: Outcome['kind'];
    readonly as: SwlClient;
    /** The forged writes; none with `disguised`: the colluding peers run the honest function. */
    readonly ops?: readonly ForgeOp[];
    /** Sends it disguised as an honest request instead of `forge:batch`. */
    readonly disguised?: {
      readonly forger: DisguisedForger;
      readonly fn: string;
      readonly args: readonly string[];
    };
    /** The record the forgery concerns: its provenance check must list the forgery INVALID. */
    readonly record?: readonly [DocType, string];
    /** A fingerprint whose verification must not pass once the forgery committed. */
    readonly verify?: string;
    /** A key address whose binding check must list the forgery INVALID. */
    readonly binding?: string;
    /** What Customs' check of the transaction must name as the reason, once committed. */
    readonly reason?: RegExp;
    /** What the Customs peer shows of the target; must not change when blocked. */
    readonly readBack: () => Promise<unknown>;
  }): Promise<Row> {
    const before = await spec.readBack();
    const sent = spec.disguised
      ? await spec.disguised.forger.submit(
          spec.disguised.fn.split(':')[0]!,
          spec.disguised.fn.split(':')[1]!,
          spec.disguised.args,
          spec.ops,
        )
      : await forgeBatch(spec.as, spec.ops ?? []);
    const { transactionId: txId, code } = sent;
    if (sent.error !== undefined && !(sent.error instanceof EndorsementPolicyError)) {
      return record(spec, txId, {
        kind: 'ERROR',
        reason: `${sent.error.name} ${sent.error.code}: ${firstLine(sent.error)}`,
      });
    }
    // The Customs peer's own validation code for the transaction, once it has the block.
    let seen: string | undefined;
    await eventually(
      `the Customs peer to hold ${txId}`,
      async () => {
        seen = await customs.connection.validationCode(txId);
        return seen !== undefined;
      },
      30_000,
      250,
    );
    if (seen !== code)
      return record(spec, txId, {
        kind: 'ERROR',
        reason: `submitter saw ${code}, the Customs peer ${seen}`,
      });
    // Endorsed by exactly the three: a refusal is the key-level policy's, not a missing endorsement.
    const endorsers = [...new Set(await customs.connection.endorsersOf(txId))].sort();
    if (endorsers.join() !== [...DISHONEST_MSPS].sort().join())
      return record(spec, txId, {
        kind: 'ERROR',
        reason: `endorsed by ${endorsers.join(', ')}, not by the three dishonest organisations`,
      });
    if (code === 'ENDORSEMENT_POLICY_FAILURE') {
      const after = await spec.readBack();
      expect(after, `${spec.name}: the ledger on the Customs peer changed`).to.deep.equal(before);
      return record(spec, txId, { kind: 'BLOCKED', code });
    }
    // Committed: the forgery must really be on the ledger, for the detection to mean anything.
    const after = await spec.readBack();
    if (isDeepStrictEqual(after, before))
      return record(spec, txId, {
        kind: 'ERROR',
        reason: 'committed VALID but the Customs peer shows no change',
      });
    return record(spec, txId, await detection(txId, spec));
  }

  /** `forge:batch` through the SDK, endorsed by the three dishonest organisations only. */
  async function forgeBatch(as: SwlClient, ops: readonly ForgeOp[]): Promise<Forged> {
    let transactionId = '';
    try {
      const res = await as.connection.submit('forge', 'batch', [JSON.stringify(ops)], {
        endorsingOrgs: DISHONEST_MSPS,
        retries: 0,
        onPrepared: (id) => {
          transactionId = id;
        },
      });
      return { transactionId: res.transactionId, code: 'VALID' };
    } catch (err) {
      if (!(err instanceof LedgerError)) throw err;
      return { transactionId: err.transactionId ?? transactionId, code: err.code, error: err };
    }
  }

  /** Whether a committed forgery is flagged by every provenance check that applies and by the watch. */
  async function detection(
    txId: string,
    spec: {
      readonly record?: readonly [DocType, string];
      readonly verify?: string;
      readonly binding?: string;
      readonly reason?: RegExp;
    },
  ): Promise<Outcome> {
    const missing: string[] = [];
    const found: string[] = [];
    const tx = await customs.provenance.checkTransaction(txId);
    if (tx.result !== 'INVALID') missing.push(`checkTransaction says ${tx.result} (${tx.reason})`);
    else if (spec.reason !== undefined && !spec.reason.test(tx.reason))
      missing.push(
        `provenance INVALID, but its reason does not match ${spec.reason}: ${tx.reason}`,
      );
    else found.push(`provenance INVALID: ${tx.reason}`);
    if (spec.binding !== undefined) {
      const check = await customs.provenance.checkBinding(spec.binding);
      const listed = check.transactions.find((t) => t.transactionId === txId);
      if (check.result === 'INVALID' && listed?.result === 'INVALID')
        found.push(`binding ${spec.binding} INVALID`);
      else
        missing.push(
          `checkBinding(${spec.binding}) says ${check.result} (${check.reason}), lists the forgery as ${listed?.result ?? 'absent'}`,
        );
    }
    if (spec.record !== undefined) {
      const [type, docId] = spec.record;
      const rec = await customs.provenance.checkRecord(type, docId);
      const listed = rec.transactions.find((t) => t.transactionId === txId);
      if (rec.result === 'INVALID' && listed?.result === 'INVALID')
        found.push(`record ${docId} INVALID`);
      else
        missing.push(
          `checkRecord(${type} ${docId}) says ${rec.result} (${rec.reason}), lists the forgery as ${listed?.result ?? 'absent'}`,
        );
    }
    if (spec.verify !== undefined) {
      const v = await customs.verifier.verify({ sha256: spec.verify });
      const flagged = [v.integrity, v.provenance].find((c) => c.result === 'INVALID');
      if (v.verdict !== 'VALID' && flagged !== undefined)
        found.push(
          `verify ${v.integrity.result === 'INVALID' ? 'integrity' : 'provenance'} INVALID`,
        );
      else
        missing.push(
          `verify says ${v.verdict} (integrity ${v.integrity.result}, provenance ${v.provenance.result}: ${v.provenance.reason})`,
        );
    }
    const alert = await eventually(
      `a watch alert for ${txId}`,
      async () => alerts.some((a) => a.transactionId === txId),
      20_000,
      250,
    ).then(
      () => alerts.find((a) => a.transactionId === txId),
      () => undefined,
    );
    if (alert && spec.reason !== undefined && !spec.reason.test(alert.reason))
      missing.push(`watch alert, but its reason does not match ${spec.reason}: ${alert.reason}`);
    else if (alert) found.push(`watch alert in block ${alert.blockNumber}`);
    else missing.push(`no watch alert within 20 s (watch at block ${watcher?.nextBlock})`);
    return missing.length === 0
      ? { kind: 'DETECTED', reason: found.join('; ') }
      : { kind: 'UNDETECTED', reason: missing.join('; ') };
  }

  function record(
    spec: { readonly name: string; readonly expected: Outcome['kind'] },
    txId: string,
    outcome: Outcome,
  ): Row {
    const row = { attempt: spec.name, expected: spec.expected, txId, outcome };
    rows.push(row);
    log(`${spec.name}: ${txId} ${describeOutcome(outcome)}`);
    return row;
  }

  /**
   * Fails the test unless the forgery was blocked or detected, and then
   * unless it met the outcome the design promises (a forgery detected where
   * a key-level policy should have blocked it means a key lost its policy).
   */
  function expectCaught(row: Row, expected: Outcome['kind']): void {
    expect(row.outcome.kind, `${row.attempt}: ${describeOutcome(row.outcome)}`).to.be.oneOf([
      'BLOCKED',
      'DETECTED',
    ]);
    expect(row.outcome.kind, `${row.attempt}: ${describeOutcome(row.outcome)}`).to.equal(expected);
  }

  it('runs the forged build behind the three dishonest peers, the honest one behind Customs', async () => {
    const answers: Record<string, string> = {};
    for (const msp of DISHONEST_MSPS) {
      let last = '';
      await eventually(
        `the forged chaincode to answer on ${msp}'s peer`,
        async () => {
          answers[msp] = await alpha.connection
            .evaluate('forge', 'ping', [], { peerMsp: msp })
            .catch((err: unknown) => {
              last = firstLine(err);
              throw err;
            });
          return true;
        },
        60_000,
        1000,
      ).catch((err: unknown) => {
        throw new Error(`${firstLine(err)}; last answer: ${last}`);
      });
    }
    const onCustomsPeer = await within(
      alpha.connection.evaluate('forge', 'ping', [], { peerMsp: CUSTOMS }).then(
        () => 'answered',
        (err: unknown) => (err as Error).message,
      ),
      30_000,
      'the Customs peer to answer forge:ping',
    );

    for (const msp of DISHONEST_MSPS) expect(answers[msp]).to.include(`forged chaincode at ${msp}`);
    expect(onCustomsPeer).to.not.equal('answered');
  });

  it('checks every honest record VALID and raises no alert before the attack (the checks can tell)', async () => {
    const checks = await Promise.all(
      [d1, d2, dImport, c1, i1, g1, g2].map(async (v) => ({
        docId: v.docId,
        check: await customs.provenance.checkRecord(v.type, v.docId),
      })),
    );
    const bad = checks.filter((c) => c.check.result !== 'VALID');
    const height = await customs.connection.ledgerHeight(CUSTOMS);
    await eventually(
      'the watch to check every honest block',
      async () => (watcher?.nextBlock ?? 0n) >= height,
      60_000,
      250,
    );

    expect(bad.map((c) => `${c.docId}: ${c.check.result} ${c.check.reason}`)).to.deep.equal([]);
    expect(alerts.map((a) => `${a.transactionId}: ${a.reason}`)).to.deep.equal([]);
  });

  it("1 rewrites a declaration's facts (declaredValue)", async () => {
    const facts = storedFacts(d1);
    const row = await attempt({
      name: '1 rewrite declaration facts (declaredValue)',
      expected: 'BLOCKED',
      as: alpha,
      ops: [
        put(factsKey(DECL, d1.docId), {
          ...facts,
          facts: { ...d1.facts, declaredValue: '12500000.00' },
        }),
      ],
      record: [DECL, d1.docId],
      readBack: () => onCustoms(DECL, d1.docId),
    });
    expectCaught(row, row.expected);
  });

  it('2 repoints the hash index of a REJECTED declaration to an ACCEPTED one', async () => {
    const row = await attempt({
      name: '2 repoint hash index REJECTED -> ACCEPTED',
      expected: 'BLOCKED',
      as: alpha,
      ops: [put(hashKey(d2.sha256), { schemaVersion: 1, type: DECL, docId: d1.docId })],
      record: [DECL, d2.docId],
      verify: d2.sha256,
      readBack: async () => {
        const v = (await customs.documents.getByHash(d2.sha256, CUSTOMS)) as FullView;
        return { docId: v.docId, status: v.status };
      },
    });
    expectCaught(row, row.expected);
  });

  it('3 deletes an owner index entry', async () => {
    const row = await attempt({
      name: '3 delete owner index entry',
      expected: 'BLOCKED',
      as: alpha,
      ops: [del(ownerKey(ALPHA, DECL, d1.docId))],
      record: [DECL, d1.docId],
      readBack: async () =>
        (
          await customs.documents.list(ALPHA, { type: DECL, peerMsp: CUSTOMS, pageSize: 1000 })
        ).records
          .map((r) => r.docId)
          .sort(),
    });
    expectCaught(row, row.expected);
  });

  it('4 creates a declaration born ACCEPTED whose state claims a Customs officer', async () => {
    const docId = uniqueId('DEC-FORGED');
    const sha256 = newFile('forged').sha256;
    const key = { facts: factsKey(DECL, docId), state: stateKey(DECL, docId) };
    const row = await attempt({
      name: '4 declaration born ACCEPTED (updatedBy customs)',
      expected: 'DETECTED',
      as: alpha,
      ops: [
        put(key.facts, { ...storedFacts(d1), docId, sha256, createdAt: TXTIME, txId: TXID }),
        put(key.state, { ...storedState(d1), docId, updatedAt: TXTIME, txId: TXID }),
        put(hashKey(sha256), { schemaVersion: 1, type: DECL, docId }),
        put(ownerKey(ALPHA, DECL, docId), { schemaVersion: 1, type: DECL, docId }),
        // The policies honest chaincode would have set: the forgery looks like any other record.
        policy(key.facts, writeOnceRule()),
        policy(key.state, endorsementRule([CUSTOMS])),
        policy(hashKey(sha256), writeOnceRule()),
        policy(ownerKey(ALPHA, DECL, docId), writeOnceRule()),
      ],
      record: [DECL, docId],
      verify: sha256,
      readBack: () => onCustoms(DECL, docId).catch((err: Error) => err.name),
    });
    expectCaught(row, row.expected);
  });

  it('5 moves a guarantee from APPLIED to ACTIVE without Customs', async () => {
    const row = await attempt({
      name: '5 guarantee APPLIED -> ACTIVE without customs',
      expected: 'BLOCKED',
      as: clerkA,
      ops: [
        put(stateKey(TG, g1.docId), {
          ...storedState(g2),
          docId: g1.docId,
          balance: g1.facts.amount,
          openDraws: 0,
          updatedAt: TXTIME,
          txId: TXID,
        }),
      ],
      record: [TG, g1.docId],
      readBack: () => onCustoms(TG, g1.docId),
    });
    expectCaught(row, row.expected);
  });

  it("6 forges a financing in another bank's name (BankA's clerk, bankMsp BankBMSP)", async () => {
    const honestFinancing = i1.financings?.[0];
    expect(honestFinancing?.bankMsp).to.equal('BankBMSP');
    const row = await attempt({
      name: '6 financing in BankB name by BankA clerk',
      expected: 'DETECTED',
      as: clerkA,
      ops: [
        put(financingKey(i1.docId, 'FX'), {
          ...honestFinancing,
          schemaVersion: 1,
          financingId: 'FX',
          amount: '500.00',
          createdAt: TXTIME,
          updatedAt: TXTIME,
          txId: TXID,
        }),
        put(stateKey(INV, i1.docId), {
          ...storedState(i1),
          financed: '800.00',
          openFinancings: 2,
          updatedBy: honestFinancing?.createdBy,
          updatedAt: TXTIME,
          txId: TXID,
        }),
      ],
      record: [INV, i1.docId],
      readBack: () => onCustoms(INV, i1.docId),
    });
    expectCaught(row, row.expected);
  });

  const forgedDraw = () => {
    const dr1 = g2.draws?.[0];
    return {
      ...dr1,
      schemaVersion: 1,
      drawId: 'DX',
      amount: '1000.00',
      createdAt: TXTIME,
      updatedAt: TXTIME,
      txId: TXID,
    };
  };
  const readG2 = () => onCustoms(TG, g2.docId);

  it('7a forges a draw that lowers the balance', async () => {
    expect(g2.draws?.map((d) => `${d.drawId} ${d.status}`)).to.deep.equal(['DR1 OPEN']);
    const row = await attempt({
      name: '7a draw DX + balance down',
      expected: 'BLOCKED',
      as: clerkA,
      ops: [
        put(drawKey(g2.docId, 'DX'), forgedDraw()),
        put(stateKey(TG, g2.docId), {
          ...storedState(g2),
          balance: '46000.00',
          openDraws: 2,
          updatedAt: TXTIME,
          txId: TXID,
        }),
      ],
      record: [TG, g2.docId],
      readBack: readG2,
    });
    expectCaught(row, row.expected);
  });

  it('7b forges a draw record alone (a new key: no key-level policy guards it)', async () => {
    const row = await attempt({
      name: '7b draw DX record only',
      expected: 'DETECTED',
      as: clerkA,
      ops: [put(drawKey(g2.docId, 'DX'), forgedDraw())],
      record: [TG, g2.docId],
      readBack: readG2,
    });
    expectCaught(row, row.expected);
  });

  it('7c settles the forged draw and restores the balance', async () => {
    const row = await attempt({
      name: '7c settle DX + balance restored',
      expected: 'BLOCKED',
      as: clerkA,
      ops: [
        put(drawKey(g2.docId, 'DX'), { ...forgedDraw(), status: 'SETTLED' }),
        put(stateKey(TG, g2.docId), {
          ...storedState(g2),
          balance: '48000.00',
          updatedAt: TXTIME,
          txId: TXID,
        }),
      ],
      record: [TG, g2.docId],
      readBack: readG2,
    });
    expectCaught(row, row.expected);
  });

  it('7d settles the forged draw record alone', async () => {
    const row = await attempt({
      name: '7d settle DX record only',
      expected: 'DETECTED',
      as: clerkA,
      ops: [put(drawKey(g2.docId, 'DX'), { ...forgedDraw(), status: 'SETTLED' })],
      record: [TG, g2.docId],
      readBack: readG2,
    });
    expectCaught(row, row.expected);
  });

  it("7e settles Customs' honest draw and restores the balance", async () => {
    const dr1 = g2.draws?.[0];
    const row = await attempt({
      name: '7e settle honest DR1 + balance restored',
      expected: 'BLOCKED',
      as: clerkA,
      ops: [
        put(drawKey(g2.docId, 'DR1'), {
          ...dr1,
          schemaVersion: 1,
          status: 'SETTLED',
          updatedAt: TXTIME,
          txId: TXID,
        }),
        put(stateKey(TG, g2.docId), {
          ...storedState(g2),
          balance: g2.facts.amount,
          openDraws: 0,
          updatedAt: TXTIME,
          txId: TXID,
        }),
      ],
      record: [TG, g2.docId],
      readBack: readG2,
    });
    expectCaught(row, row.expected);
  });

  it("7f disguised: BankA's clerk signs guarantee:draw (a customs move), the forged build writes the draw alone", async () => {
    const row = await attempt({
      name: '7f disguised guarantee:draw by a bank clerk',
      expected: 'DETECTED',
      as: clerkA,
      disguised: {
        forger: clerkAForger!,
        fn: 'guarantee:draw',
        args: [g2.docId, 'DZ', dImport.docId, '500.00'],
      },
      ops: [put(drawKey(g2.docId, 'DZ'), { ...forgedDraw(), drawId: 'DZ', amount: '500.00' })],
      record: [TG, g2.docId],
      readBack: readG2,
    });
    expectCaught(row, row.expected);
  });

  it("8 rewrites a contract's parties", async () => {
    const row = await attempt({
      name: '8 rewrite contract parties',
      expected: 'BLOCKED',
      as: alpha,
      ops: [
        put(factsKey(CON, c1.docId), {
          ...storedFacts(c1),
          facts: { ...c1.facts, buyer: c1.facts.seller, seller: c1.facts.buyer },
        }),
      ],
      record: [CON, c1.docId],
      readBack: () => onCustoms(CON, c1.docId),
    });
    expectCaught(row, row.expected);
  });

  it("9 relaxes a write-once key's policy to a plain majority", async () => {
    const row = await attempt({
      name: '9 relax facts policy to MAJORITY',
      expected: 'BLOCKED',
      as: alpha,
      ops: [policy(factsKey(DECL, d1.docId), endorsementRule([]))],
      record: [DECL, d1.docId],
      readBack: () => onCustoms(DECL, d1.docId),
    });
    expectCaught(row, row.expected);
  });

  it("10 deletes a rejected declaration's state", async () => {
    const row = await attempt({
      name: '10 delete REJECTED declaration state',
      expected: 'BLOCKED',
      as: alpha,
      ops: [del(stateKey(DECL, d2.docId))],
      record: [DECL, d2.docId],
      readBack: () => onCustoms(DECL, d2.docId),
    });
    expectCaught(row, row.expected);
  });

  it("11 indexes a never-registered file's fingerprint to an ACCEPTED declaration (a new hash key)", async () => {
    const sha256 = newFile('never-registered').sha256;
    const row = await attempt({
      name: '11 new hash key -> ACCEPTED declaration',
      expected: 'DETECTED',
      as: alpha,
      ops: [
        put(hashKey(sha256), { schemaVersion: 1, type: DECL, docId: d1.docId }),
        policy(hashKey(sha256), writeOnceRule()),
      ],
      verify: sha256,
      readBack: () =>
        customs.documents.getByHash(sha256, CUSTOMS).then(
          (v) => v.docId,
          (err: Error) => err.name,
        ),
    });
    expectCaught(row, row.expected);
  });

  it("12 disguised: BankA's clerk signs invoice:finance, the forged build writes the financing in BankB's name", async () => {
    const now = await onCustoms(INV, i1.docId);
    const bankB = i1.financings?.[0];
    const financed = (Number(now.state.financed ?? '0') + 100).toFixed(2);
    const row = await attempt({
      name: '12 disguised invoice:finance (BankB name)',
      expected: 'DETECTED',
      as: clerkA,
      disguised: { forger: clerkAForger!, fn: 'invoice:finance', args: [i1.docId, 'FY', '100.00'] },
      ops: [
        put(financingKey(i1.docId, 'FY'), {
          ...bankB,
          schemaVersion: 1,
          financingId: 'FY',
          amount: '100.00',
          createdAt: TXTIME,
          updatedAt: TXTIME,
          txId: TXID,
        }),
        put(stateKey(INV, i1.docId), {
          ...storedState(now),
          financed,
          openFinancings: (now.state.openFinancings ?? 0) + 1,
          updatedBy: bankB?.createdBy,
          updatedAt: TXTIME,
          txId: TXID,
        }),
        policy(financingKey(i1.docId, 'FY'), endorsementRule(['BankBMSP'])),
      ],
      record: [INV, i1.docId],
      readBack: () => onCustoms(INV, i1.docId),
    });
    expectCaught(row, row.expected);
  });

  it('13 disguised: the enterprise signs document:register, the forged build writes the declaration born ACCEPTED', async () => {
    const reg = {
      ...declaration(ALPHA, uniqueId('DEC-DISGUISED')),
      sha256: newFile('disguised').sha256,
    };
    const docId = reg.docId;
    const key = { facts: factsKey(DECL, docId), state: stateKey(DECL, docId) };
    const row = await attempt({
      name: '13 disguised document:register born ACCEPTED',
      expected: 'DETECTED',
      as: alpha,
      disguised: {
        forger: alphaForger!,
        fn: 'document:register',
        args: await alphaSigned('document:register', [JSON.stringify(reg)]),
      },
      ops: [
        put(key.facts, {
          ...storedFacts(d1),
          docId,
          sha256: reg.sha256,
          links: [],
          facts: reg.facts,
          createdAt: TXTIME,
          txId: TXID,
        }),
        put(key.state, { ...storedState(d1), docId, updatedAt: TXTIME, txId: TXID }),
        put(hashKey(reg.sha256), { schemaVersion: 1, type: DECL, docId }),
        put(ownerKey(ALPHA, DECL, docId), { schemaVersion: 1, type: DECL, docId }),
        policy(key.facts, writeOnceRule()),
        policy(key.state, endorsementRule([CUSTOMS])),
        policy(hashKey(reg.sha256), writeOnceRule()),
        policy(ownerKey(ALPHA, DECL, docId), writeOnceRule()),
      ],
      record: [DECL, docId],
      verify: reg.sha256,
      readBack: () => onCustoms(DECL, docId).catch((err: Error) => err.name),
    });
    expectCaught(row, row.expected);
  });

  /* ---- enterprise signatures (SPEC §6): a majority that skips the check, or forges a binding ---- */

  /** Alpha's key, as its honest records name it, and the binding its bank confirmed. */
  const alphaKey = () => {
    const signer = c1.signer;
    if (signer === undefined) throw new Error(`contract ${c1.docId} names no signing key`);
    return signer;
  };
  /** A key never bound to anyone: a fresh one each run. */
  const strangerKey = Wallet.createRandom();

  it("14 disguised: the enterprise sends document:register without Alpha's signature, the majority writes it as signed", async () => {
    const reg = {
      ...declaration(ALPHA, uniqueId('DEC-UNSIGNED')),
      sha256: newFile('unsigned').sha256,
    };
    const docId = reg.docId;
    const key = { facts: factsKey(DECL, docId), state: stateKey(DECL, docId) };
    // What honest chaincode writes for a signed registration (d1 before Customs moved it), minus the nonce.
    const row = await attempt({
      name: '14 disguised document:register, no signature',
      expected: 'DETECTED',
      as: alpha,
      disguised: { forger: alphaForger!, fn: 'document:register', args: [JSON.stringify(reg), ''] },
      ops: [
        put(key.facts, {
          ...storedFacts(d1),
          docId,
          sha256: reg.sha256,
          links: [],
          facts: reg.facts,
          signer: alphaKey(),
          createdAt: TXTIME,
          txId: TXID,
        }),
        put(key.state, {
          schemaVersion: 1,
          type: DECL,
          docId,
          status: 'SUBMITTED',
          taxStatus: 'NONE',
          signedBy: alphaKey().address,
          updatedBy: c1.state.updatedBy,
          updatedAt: TXTIME,
          txId: TXID,
        }),
        put(hashKey(reg.sha256), { schemaVersion: 1, type: DECL, docId }),
        put(ownerKey(ALPHA, DECL, docId), { schemaVersion: 1, type: DECL, docId }),
        policy(key.facts, writeOnceRule()),
        policy(key.state, endorsementRule([CUSTOMS])),
        policy(hashKey(reg.sha256), writeOnceRule()),
        policy(ownerKey(ALPHA, DECL, docId), writeOnceRule()),
      ],
      record: [DECL, docId],
      verify: reg.sha256,
      reason: /SIGNATURE_REQUIRED/,
      readBack: () => onCustoms(DECL, docId).catch((err: Error) => err.name),
    });
    expectCaught(row, row.expected);
  });

  it('15 disguised: the enterprise terminates a contract signed by an unbound key, the majority writes the move', async () => {
    const argsJson = '';
    const args = [CON, c1.docId, 'terminate', argsJson];
    const auth = await signWrite(
      strangerKey,
      await signingDomain(),
      'document:transition',
      args,
      ALPHA,
    );
    const now = await onCustoms(CON, c1.docId);
    const row = await attempt({
      name: '15 disguised contract terminate, unbound key',
      expected: 'DETECTED',
      as: alpha,
      disguised: { forger: alphaForger!, fn: 'document:transition', args: [...args, auth] },
      ops: [
        put(stateKey(CON, c1.docId), {
          ...storedState(now),
          status: 'TERMINATED',
          signedBy: alphaKey().address,
          updatedAt: TXTIME,
          txId: TXID,
        }),
      ],
      record: [CON, c1.docId],
      reason: /KEY_NOT_BOUND/,
      readBack: () => onCustoms(CON, c1.docId),
    });
    expectCaught(row, row.expected);
  });

  it("16a disguised: the enterprise requests a binding for a fresh key, the majority writes it CONFIRMED without BankA's clerk", async () => {
    const address = strangerKey.address.toLowerCase();
    const request = JSON.stringify({ address, uscc: ALPHA, bankMsp: 'BankAMSP' });
    const auth = await signWrite(
      strangerKey,
      await signingDomain(),
      'binding:request',
      [request],
      ALPHA,
    );
    // Alpha's honest binding lends the forgery its clerk and its look.
    const honestBinding = await customs.bindings.get(alphaKey().address, CUSTOMS);
    const forgedBinding = {
      ...honestBinding,
      address,
      status: 'CONFIRMED',
      requestedAt: TXTIME,
      confirmedAt: TXTIME,
      updatedBy: honestBinding.confirmedBy,
      updatedAt: TXTIME,
      txId: TXID,
    };
    const row = await attempt({
      name: '16a binding CONFIRMED without the clerk',
      expected: 'DETECTED',
      as: alpha,
      disguised: { forger: alphaForger!, fn: 'binding:request', args: [request, auth] },
      ops: [
        put(bindingKey(address), forgedBinding),
        policy(bindingKey(address), endorsementRule(['BankAMSP'])),
      ],
      binding: address,
      readBack: () =>
        customs.bindings.get(address, CUSTOMS).then(
          (b) => b.status,
          (err: Error) => err.name,
        ),
    });
    expectCaught(row, row.expected);
  });

  it('16b a registration signed by the forged key: the majority runs the honest function on the forged binding', async () => {
    const reg = {
      ...declaration(ALPHA, uniqueId('DEC-FORGEDKEY')),
      sha256: newFile('forged-key').sha256,
    };
    const json = JSON.stringify(reg);
    const auth = await signWrite(
      strangerKey,
      await signingDomain(),
      'document:register',
      [json],
      ALPHA,
    );
    const row = await attempt({
      name: '16b register signed by the forged binding key',
      expected: 'DETECTED',
      as: alpha,
      disguised: { forger: alphaForger!, fn: 'document:register', args: [json, auth] },
      record: [DECL, reg.docId],
      verify: reg.sha256,
      reason: /binding/,
      readBack: () => onCustoms(DECL, reg.docId).catch((err: Error) => err.name),
    });
    expectCaught(row, row.expected);
  });

  it('puts the honest chaincode back: a registration all four organisations endorse commits and checks VALID', async () => {
    await forged!.restore();
    let committed: { transactionId: string } | undefined;
    let endorsers: string[] = [];
    await eventually(
      'an honest registration endorsed by all four organisations after the restore',
      async () => {
        // Named: the Gateway's own plan would ask only a majority.
        const res = await alpha.documents.register(
          declaration(ALPHA, uniqueId('DEC-AFTER')),
          { sha256: newFile('after').sha256 },
          { retries: 0, endorsingOrgs: ['BankAMSP', 'BankBMSP', 'CustomsMSP', 'EnterpriseMSP'] },
        );
        honestTxIds.push(res.transactionId);
        committed = res;
        endorsers = [...new Set(await customs.connection.endorsersOf(res.transactionId))].sort();
        return endorsers.length === 4;
      },
      90_000,
      1000,
    );
    const check = await customs.provenance.checkTransaction(committed!.transactionId);
    const forgeOnBankA = await alpha.connection
      .evaluate('forge', 'ping', [], { peerMsp: 'BankAMSP' })
      .then(
        () => 'answered',
        (err: unknown) => firstLine(err),
      );
    const height = await customs.connection.ledgerHeight(CUSTOMS);
    await eventually(
      'the watch to check the last block',
      async () => (watcher?.nextBlock ?? 0n) >= height,
      30_000,
      250,
    );

    expect(endorsers).to.deep.equal(['BankAMSP', 'BankBMSP', 'CustomsMSP', 'EnterpriseMSP']);
    expect(check.result, check.reason).to.equal('VALID');
    expect(forgeOnBankA).to.not.equal('answered');
  });

  it('raised no alert for an honest transaction, and no attempt went undetected', () => {
    const falseAlarms = alerts.filter((a) => honestTxIds.includes(a.transactionId));
    const uncaught = rows.filter(
      (r) => r.outcome.kind !== 'BLOCKED' && r.outcome.kind !== 'DETECTED',
    );

    expect(rows).to.have.length(22);
    expect(honestTxIds.length).to.be.greaterThan(15);
    expect(falseAlarms.map((a) => `${a.transactionId}: ${a.reason}`)).to.deep.equal([]);
    expect(uncaught.map((r) => `${r.attempt}: ${describeOutcome(r.outcome)}`)).to.deep.equal([]);
  });
});
