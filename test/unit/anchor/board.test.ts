import { expect } from 'chai';
import { BaseWallet, Wallet } from 'ethers';
import {
  AnchorMessage,
  AnchorRefusedError,
  BoardChain,
  BoardEntry,
  Leaf,
  LedgerReader,
  OrgAnchorService,
  OrgSignature,
  SignatureBoard,
  Submission,
  TickResult,
  anchorDomain,
  anchorInterface,
  anchorSigner,
  buildRange,
  decideBoard,
  messageKey,
  signAnchor,
  tallyBoard,
} from '@swledger/anchor';
import { leaf } from './fixtures';

/** A peer's ledger as a list of leaves; `height` can grow. */
class FakeReader implements LedgerReader {
  constructor(
    readonly mspId: string,
    public all: Leaf[],
    public blocks: bigint,
  ) {}
  height(): Promise<bigint> {
    return Promise.resolve(this.blocks);
  }
  leaves(from: bigint, to: bigint): Promise<Leaf[]> {
    return Promise.resolve(
      this.all.filter((l) => BigInt(l.block) >= from && BigInt(l.block) <= to),
    );
  }
}

const CONTRACT = `0x${'a'.repeat(40)}`;
const DOMAIN = anchorDomain(1337n, CONTRACT);

/** The EVM contract's rules, in memory: consecutive ranges, a majority of registered keys. */
class FakeChain implements BoardChain {
  readonly config = { rpcUrl: 'memory', chainId: 1337n, contract: CONTRACT };
  readonly domain = DOMAIN;
  next = 1n;
  readonly accepted: { message: AnchorMessage; signers: string[] }[] = [];
  submissions = 0;
  constructor(private readonly registered: string[]) {}
  nextBlock(): Promise<bigint> {
    return Promise.resolve(this.next);
  }
  keys(): Promise<string[]> {
    return Promise.resolve(this.registered);
  }
  majority(): Promise<number> {
    return Promise.resolve(Math.floor(this.registered.length / 2) + 1);
  }
  submit(message: AnchorMessage, signatures: readonly OrgSignature[]): Promise<Submission> {
    this.submissions += 1;
    if (message.fromBlock !== this.next)
      return Promise.reject(refusal('RangeNotNext', [this.next, message.fromBlock]));
    const signers = signatures.map((s) => anchorSigner(DOMAIN, message, s.signature));
    if (signers.filter((s) => this.registered.includes(s)).length < 3)
      return Promise.reject(refusal('NoMajority', [signers.length, 3]));
    this.accepted.push({ message, signers });
    this.next = message.toBlock + 1n;
    return Promise.resolve({
      transactionHash: `0x${'e'.repeat(64)}`,
      evmBlock: 1n,
      gasUsed: 1n,
      index: this.accepted.length,
    });
  }
  anchorCount(): Promise<number> {
    return Promise.resolve(this.accepted.length);
  }
  anchors(): Promise<never[]> {
    return Promise.resolve([]);
  }
  revokedBy(): Promise<string[]> {
    return Promise.resolve([]);
  }
}

function refusal(name: string, args: readonly unknown[]): AnchorRefusedError {
  const iface = anchorInterface();
  return new AnchorRefusedError('anchor', { data: iface.encodeErrorResult(name, args) });
}

/** The ledger's board in memory, posting as one organisation (as the chaincode: under its MSP). */
class MemoryBoard {
  readonly entries: BoardEntry[] = [];
  as(mspId: string): SignatureBoard {
    return {
      mspId,
      signatures: (_c, _a, from) =>
        Promise.resolve(this.entries.filter((e) => e.message.fromBlock === from)),
      post: (_c, _a, message, signed) => {
        const same = this.entries.find(
          (e) => e.mspId === mspId && messageKey(e.message) === messageKey(message),
        );
        if (same === undefined)
          this.entries.push({
            mspId,
            message,
            address: signed.address,
            signature: signed.signature,
          });
        return Promise.resolve();
      },
    };
  }
}

const ORGS = ['CustomsMSP', 'BankAMSP', 'BankBMSP', 'EnterpriseMSP'] as const;
const LEDGER = [leaf(2), leaf(3), leaf(4, { status: 'REJECTED' })];

interface Org {
  readonly mspId: string;
  readonly key: BaseWallet;
  readonly reader: FakeReader;
  readonly service: OrgAnchorService;
}

function network(ledgers: Partial<Record<string, Leaf[]>> = {}, blocks = 5n) {
  const keys = ORGS.map(() => Wallet.createRandom());
  const chain = new FakeChain(keys.map((k) => k.address));
  const board = new MemoryBoard();
  const orgs: Org[] = ORGS.map((mspId, i) => {
    const reader = new FakeReader(mspId, [...(ledgers[mspId] ?? LEDGER)], blocks);
    const service = new OrgAnchorService(chain, reader, keys[i]!, board.as(mspId), {
      blocks: 1,
      seconds: 30,
    });
    return { mspId, key: keys[i]!, reader, service };
  });
  return { chain, board, orgs };
}

async function entry(key: BaseWallet, mspId: string, message: AnchorMessage): Promise<BoardEntry> {
  return {
    mspId,
    message,
    address: key.address,
    signature: await signAnchor(key, DOMAIN, message),
  };
}

describe('anchor/board: the board rule and each organisation’s co-sign decision', () => {
  it('counts only signatures that recover to the address posted and to a registered key, each key once', async () => {
    const [a, b, c, stranger] = [0, 1, 2, 3].map(() => Wallet.createRandom());
    const message = (await buildRange(new FakeReader('x', LEDGER, 5n), 1n, 4n))!.message;
    const other = { ...message, root: `0x${'9'.repeat(64)}` };
    const entries = [
      await entry(a!, 'CustomsMSP', message),
      await entry(a!, 'BankAMSP', message), // the same key again
      { ...(await entry(b!, 'BankBMSP', other)), message }, // signed another root
      await entry(stranger!, 'EnterpriseMSP', message), // not registered
      await entry(c!, 'BankBMSP', other),
    ];

    const groups = tallyBoard(DOMAIN, entries, [a!.address, b!.address, c!.address]);

    expect(groups.map((g) => g.valid.length)).to.deep.equal([1, 1]);
    expect(groups[0]!.postedBy).to.deep.equal([
      'CustomsMSP',
      'BankAMSP',
      'BankBMSP',
      'EnterpriseMSP',
    ]);
    expect(groups[0]!.ignored.join(' | ')).to.match(/is by .* not .*\|.*not a registered key/);
  });

  it('decides: submit a majority, else co-sign what it has not judged, else wait for its own, else propose', () => {
    const m = (root: string): AnchorMessage => ({
      fromBlock: 1n,
      toBlock: 4n,
      root,
      leaves: 3,
      revoked: [],
    });
    const sig = (mspId: string): OrgSignature => ({ mspId, address: mspId, signature: '0x' });
    const group = (root: string, postedBy: string[], valid = postedBy) => ({
      message: m(root),
      valid: valid.map(sig),
      postedBy,
      ignored: [],
    });
    const refused = new Set([messageKey(m('0xbad'))]);

    const decide = (groups: ReturnType<typeof group>[], height = 9n) =>
      decideBoard('CustomsMSP', groups, 3, refused, height).kind;

    const decisions = [
      decide([group('0x1', ['BankAMSP', 'BankBMSP', 'EnterpriseMSP'])]),
      decide([group('0x1', ['BankAMSP'])]),
      decide([group('0x1', ['BankAMSP'])], 4n), // its peer lacks block 4: not judged yet
      decide([group('0xbad', ['BankAMSP'])]),
      decide([group('0xbad', ['BankAMSP']), group('0x2', ['CustomsMSP'])]),
      decide([group('0x1', ['BankAMSP', 'BankBMSP', 'CustomsMSP'], ['BankAMSP'])]),
    ];

    expect(decisions).to.deep.equal(['submit', 'cosign', 'propose', 'propose', 'wait', 'wait']);
  });

  it('four organisations, each with only its own key and peer, anchor through the board: one posts, the others co-sign, one submits', async () => {
    const { chain, board, orgs } = network();

    const results: TickResult[] = [];
    for (let round = 0; round < 2; round++)
      for (const o of orgs) results.push(await o.service.tick());

    expect(chain.accepted).to.have.length(1);
    expect(chain.accepted[0]!.message.fromBlock).to.equal(1n);
    expect(chain.accepted[0]!.message.toBlock).to.equal(4n);
    expect(board.entries.map((e) => e.mspId)).to.deep.equal(['CustomsMSP', 'BankAMSP', 'BankBMSP']);
    expect(results.map((r) => r.kind)).to.deep.equal([
      'signed',
      'signed',
      'signed',
      'anchored',
      'waiting',
      'waiting',
      'waiting',
      'waiting',
    ]);
  });

  it('a second submitter whose range the contract refuses as RangeNotNext counts it as done', async () => {
    const { chain, board, orgs } = network();
    for (const o of orgs) await o.service.tick(); // the fourth submits
    // The fourth's twin read nextBlock just before that anchor landed: it submits the same range.
    const stale: BoardChain = {
      config: chain.config,
      domain: DOMAIN,
      nextBlock: () => Promise.resolve(1n),
      keys: () => chain.keys(),
      majority: () => chain.majority(),
      submit: (m, s) => chain.submit(m, s),
      anchorCount: () => chain.anchorCount(),
      anchors: () => chain.anchors(),
      revokedBy: () => chain.revokedBy(),
    };
    const twin = new OrgAnchorService(
      stale,
      orgs[3]!.reader,
      orgs[3]!.key,
      board.as('EnterpriseMSP'),
    );

    const r = await twin.tick();

    expect(chain.submissions).to.equal(2);
    expect(chain.accepted).to.have.length(1);
    expect(r.kind).to.equal('waiting');
    expect('reason' in r && r.reason).to.match(/anchored by another organisation \(RangeNotNext\)/);
  });

  it('an honest organisation refuses (once) a posted root its own peer does not rebuild, and never co-signs it; the honest ones anchor the real root', async () => {
    const forged = [leaf(2), leaf(3), leaf(4, { status: 'ACCEPTED' })];
    const { chain, board, orgs } = network({ BankAMSP: forged });
    const [customs, bankA, bankB, enterprise] = orgs;

    const first = await bankA!.service.tick(); // the dishonest peer's range goes on the board first
    const refusals = [await customs!.service.tick(), await bankB!.service.tick()];
    const again = await customs!.service.tick(); // not judged twice: proposes its own
    for (let i = 0; i < 3; i++)
      for (const o of [bankB!, enterprise!, customs!]) await o.service.tick();

    const fakeRoot = board.entries.find((e) => e.mspId === 'BankAMSP')!.message.root;
    const real = (await buildRange(customs!.reader, 1n, 4n))!.message.root;
    expect(first.kind).to.equal('signed');
    expect(refusals.map((r) => r.kind)).to.deep.equal(['refused', 'refused']);
    expect(refusals.map((r) => ('reason' in r ? r.reason : '')).join()).to.match(/rebuilt root/);
    expect(again.kind).to.equal('signed');
    expect(
      board.entries.filter((e) => e.message.root === fakeRoot).map((e) => e.mspId),
    ).to.deep.equal(['BankAMSP']);
    expect(chain.accepted.map((a) => a.message.root)).to.deep.equal([real]);
  });

  it('with two of four organisations running nothing is anchored; a third co-signs and it is', async () => {
    const { chain, orgs } = network();
    const [customs, bankA, bankB] = orgs;

    for (let i = 0; i < 3; i++) for (const o of [customs!, bankA!]) await o.service.tick();
    const before = chain.accepted.length;
    for (let i = 0; i < 2; i++) for (const o of [customs!, bankA!, bankB!]) await o.service.tick();

    expect(before).to.equal(0);
    expect(chain.accepted).to.have.length(1);
  });

  it('a range posted beyond its own peer does not hold it up: it posts its own, and co-signs the other once its peer has it', async () => {
    const { board, orgs } = network();
    const [customs, bankA] = orgs;
    bankA!.reader.blocks = 4n;

    await customs!.service.tick(); // 1..4
    const behind = await bankA!.service.tick();
    const waiting = await bankA!.service.tick();
    bankA!.reader.blocks = 5n;
    const caughtUp = await bankA!.service.tick();

    expect(behind.kind).to.equal('signed');
    expect('reason' in behind && behind.reason).to.match(/posted blocks 1\.\.3/);
    expect(waiting.kind).to.equal('waiting');
    expect(caughtUp.kind).to.equal('signed');
    expect('reason' in caughtUp && caughtUp.reason).to.match(/co-signed blocks 1\.\.4/);
    expect(board.entries.map((e) => `${e.mspId} ${e.message.toBlock}`)).to.deep.equal([
      'CustomsMSP 4',
      'BankAMSP 3',
      'BankAMSP 4',
    ]);
  });

  it('a range posted far ahead of every peer (a dishonest toBlock) does not stall the others', async () => {
    const { chain, board, orgs } = network();
    const far = {
      fromBlock: 1n,
      toBlock: 1_000_000n,
      root: `0x${'7'.repeat(64)}`,
      leaves: 1,
      revoked: [],
    };
    board.entries.push(await entry(orgs[1]!.key, 'BankAMSP', far));

    for (let i = 0; i < 2; i++)
      for (const o of [orgs[0]!, orgs[2]!, orgs[3]!]) await o.service.tick();

    expect(chain.accepted.map((a) => a.message.toBlock)).to.deep.equal([4n]);
  });
});
