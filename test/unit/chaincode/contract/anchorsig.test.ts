import { expect } from 'chai';
import { BaseWallet, Wallet } from 'ethers';
import { AnchorContract } from '@swledger/chaincode/contract/anchor';
import { anchorDomain, signAnchor, type AnchorMessage } from '@swledger/anchor';
import {
  ANCHOR_SIGNATURE_EVENT_NAME,
  type AnchorSignatureEntry,
} from '@swledger/protocol/anchorsig';
import { type Actor } from '@swledger/protocol/actor';
import { ErrorCode } from '@swledger/protocol/errors';
import { actors } from '../fixtures';
import { evaluate, refused, snapshot, submit, writeOncePolicy } from './harness';
import { MemoryStub } from './memory-stub';

const anchor = new AnchorContract();
const CHAIN_ID = 1337n;
const CONTRACT = `0x${'ab'.repeat(20)}`;
const DOMAIN = anchorDomain(CHAIN_ID, CONTRACT);
const MESSAGE: AnchorMessage = {
  fromBlock: 7n,
  toBlock: 12n,
  root: `0x${'1'.repeat(64)}`,
  leaves: 3,
  revoked: [`0x${'2'.repeat(64)}`],
};
const bankAAnchorer: Actor = {
  msp: 'BankAMSP',
  role: 'anchorer',
  id: 'x509::/CN=anchorer::/CN=ca.banka',
};
const customsAnchorer: Actor = {
  msp: 'CustomsMSP',
  role: 'anchorer',
  id: 'x509::/CN=anchorer::/CN=ca.customs',
};
const bankAVerifier: Actor = {
  msp: 'BankAMSP',
  role: 'verifier',
  id: 'x509::/CN=verifier::/CN=ca.banka',
};

/** The JSON a service posts: `message` signed by `key` for `mspId`. */
async function post(
  key: BaseWallet,
  mspId: string,
  message: AnchorMessage = MESSAGE,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const signature = await signAnchor(key, DOMAIN, message);
  return JSON.stringify({
    chainId: CHAIN_ID.toString(),
    contract: CONTRACT,
    fromBlock: message.fromBlock.toString(),
    toBlock: message.toBlock.toString(),
    root: message.root,
    leaves: message.leaves,
    revoked: [...message.revoked],
    mspId,
    signer: key.address.toLowerCase(),
    signature,
    ...overrides,
  });
}

function board(stub: MemoryStub, fromBlock = '7'): Promise<AnchorSignatureEntry[]> {
  return evaluate<AnchorSignatureEntry[]>(stub, anchor, customsAnchorer, (ctx) =>
    anchor.signatures(ctx, CHAIN_ID.toString(), CONTRACT, fromBlock),
  );
}

describe('contract/anchor: the signature board', () => {
  let stub: MemoryStub;
  const customsKey = Wallet.createRandom();
  const bankKey = Wallet.createRandom();

  beforeEach(() => {
    stub = new MemoryStub();
  });

  it("stores an anchorer's post under its own MSP, write-once for every organisation, with one event", async () => {
    const json = await post(customsKey, 'CustomsMSP');

    const ctx = stub.contextFor(customsAnchorer);
    await anchor.beforeTransaction(ctx);
    const stored = JSON.parse(await anchor.sign(ctx, json)) as AnchorSignatureEntry;
    const event = stub.event();
    const [key] = [...stub.writes.keys()];
    const policy = Buffer.from(stub.paramWrites.get(key!)!);
    stub.commit();

    expect(stored.mspId).to.equal('CustomsMSP');
    expect(stored.postedBy.msp).to.equal('CustomsMSP');
    expect(stored.signer).to.equal(customsKey.address.toLowerCase());
    expect(key).to.contain('CustomsMSP');
    expect(policy.equals(writeOncePolicy())).to.equal(true, 'the key is write-once');
    expect(event.name).to.equal(ANCHOR_SIGNATURE_EVENT_NAME);
    expect((event.payload as AnchorSignatureEntry).signature).to.equal(stored.signature);
    expect((await board(stub)).map((e) => e.mspId)).to.deep.equal(['CustomsMSP']);
  });

  it('lists the posts of ranges starting at one block only, each organisation once per message', async () => {
    await submit(stub, anchor, customsAnchorer, async (ctx) =>
      anchor.sign(ctx, await post(customsKey, 'CustomsMSP')),
    );
    await submit(stub, anchor, bankAAnchorer, async (ctx) =>
      anchor.sign(ctx, await post(bankKey, 'BankAMSP')),
    );
    const later = { ...MESSAGE, fromBlock: 13n, toBlock: 14n };
    await submit(stub, anchor, bankAAnchorer, async (ctx) =>
      anchor.sign(ctx, await post(bankKey, 'BankAMSP', later)),
    );

    const at7 = await board(stub, '7');
    const at13 = await board(stub, '13');

    expect(at7.map((e) => e.mspId)).to.deep.equal(['BankAMSP', 'CustomsMSP']);
    expect(at13.map((e) => `${e.mspId} ${e.fromBlock}..${e.toBlock}`)).to.deep.equal([
      'BankAMSP 13..14',
    ]);
    expect(await board(stub, '70')).to.deep.equal([]);
  });

  it('takes the identical post again as done: same entry, nothing written, no event', async () => {
    const json = await post(customsKey, 'CustomsMSP');
    const first = await submit<AnchorSignatureEntry>(stub, anchor, customsAnchorer, (ctx) =>
      anchor.sign(ctx, json),
    );
    const before = snapshot(stub);

    const ctx = stub.contextFor(customsAnchorer);
    await anchor.beforeTransaction(ctx);
    const again = JSON.parse(await anchor.sign(ctx, json)) as AnchorSignatureEntry;

    expect(stub.wroteNothing()).to.equal(true, 'the repeated post wrote');
    stub.abort();
    expect(again).to.deep.equal(first);
    expect(snapshot(stub)).to.equal(before);
  });

  it('refuses another signature of the same organisation for the same range and root: ALREADY_EXISTS, ledger unchanged', async () => {
    await submit(stub, anchor, customsAnchorer, async (ctx) =>
      anchor.sign(ctx, await post(customsKey, 'CustomsMSP')),
    );
    const before = snapshot(stub);
    const otherKey = Wallet.createRandom();

    await refused(
      stub,
      anchor,
      customsAnchorer,
      async (ctx) => anchor.sign(ctx, await post(otherKey, 'CustomsMSP')),
      ErrorCode.ALREADY_EXISTS,
    );

    expect(snapshot(stub)).to.equal(before);
  });

  it('takes at most one post per peer organisation from each organisation for ranges starting at one block: one more is ALREADY_EXISTS, ledger unchanged', async () => {
    const roots = [1, 2, 3, 4].map((n) => `0x${String(n).repeat(64)}`);
    for (const root of roots)
      await submit(stub, anchor, bankAAnchorer, async (ctx) =>
        anchor.sign(ctx, await post(bankKey, 'BankAMSP', { ...MESSAGE, root })),
      );
    const before = snapshot(stub);

    const error = await refused(
      stub,
      anchor,
      bankAAnchorer,
      async (ctx) =>
        anchor.sign(
          ctx,
          await post(bankKey, 'BankAMSP', { ...MESSAGE, root: `0x${'5'.repeat(64)}` }),
        ),
      ErrorCode.ALREADY_EXISTS,
    );
    const again = await submit<AnchorSignatureEntry>(stub, anchor, bankAAnchorer, async (ctx) =>
      anchor.sign(ctx, await post(bankKey, 'BankAMSP', { ...MESSAGE, root: roots[0]! })),
    );
    await submit(stub, anchor, customsAnchorer, async (ctx) =>
      anchor.sign(ctx, await post(customsKey, 'CustomsMSP')),
    );
    await submit(stub, anchor, bankAAnchorer, async (ctx) =>
      anchor.sign(ctx, await post(bankKey, 'BankAMSP', { ...MESSAGE, fromBlock: 8n })),
    );

    expect(error.detail).to.match(/already posted 4 signatures for ranges starting at block 7/);
    expect(again.root).to.equal(roots[0]);
    expect((await board(stub)).map((e) => e.mspId)).to.deep.equal([
      'BankAMSP',
      'BankAMSP',
      'BankAMSP',
      'BankAMSP',
      'CustomsMSP',
    ]);
    expect(before).to.not.equal(snapshot(stub));
  });

  it('refuses a post naming another organisation (BankA claiming Customs): FORBIDDEN, ledger unchanged', async () => {
    const before = snapshot(stub);

    const error = await refused(
      stub,
      anchor,
      bankAAnchorer,
      async (ctx) => anchor.sign(ctx, await post(bankKey, 'CustomsMSP')),
      ErrorCode.FORBIDDEN,
    );

    expect(error.detail).to.match(/BankAMSP cannot post a signature for CustomsMSP/);
    expect(snapshot(stub)).to.equal(before);
  });

  it("refuses identities other than a peer organisation's anchorer (a verifier never writes): FORBIDDEN, ledger unchanged", async () => {
    const before = snapshot(stub);
    const callers: Actor[] = [
      actors.officer,
      actors.clerkA,
      actors.owner,
      actors.noRole,
      bankAVerifier,
      actors.customsVerifier,
    ];

    for (const caller of callers)
      await refused(
        stub,
        anchor,
        caller,
        async (ctx) => anchor.sign(ctx, await post(customsKey, caller.msp)),
        ErrorCode.FORBIDDEN,
      );

    expect(snapshot(stub)).to.equal(before);
  });

  it('refuses a signature that is not by the signer it names, or not over the posted message or contract: BAD_SIGNATURE', async () => {
    const before = snapshot(stub);
    const forged = await signAnchor(customsKey, DOMAIN, {
      ...MESSAGE,
      root: `0x${'3'.repeat(64)}`,
    });
    const otherContract = await signAnchor(
      customsKey,
      anchorDomain(CHAIN_ID, `0x${'cd'.repeat(20)}`),
      MESSAGE,
    );
    const posts = [
      await post(customsKey, 'CustomsMSP', MESSAGE, { signer: bankKey.address.toLowerCase() }),
      await post(customsKey, 'CustomsMSP', MESSAGE, { signature: forged }),
      await post(customsKey, 'CustomsMSP', MESSAGE, { signature: otherContract }),
      await post(customsKey, 'CustomsMSP', MESSAGE, { signature: `0x${'00'.repeat(65)}` }),
    ];

    for (const json of posts)
      await refused(
        stub,
        anchor,
        customsAnchorer,
        (ctx) => anchor.sign(ctx, json),
        ErrorCode.BAD_SIGNATURE,
      );

    expect(snapshot(stub)).to.equal(before);
  });

  it('refuses malformed posts: INVALID_ARGUMENT, ledger unchanged', async () => {
    const before = snapshot(stub);
    const bad: Record<string, unknown>[] = [
      { toBlock: '6' },
      { root: '0x1234' },
      { leaves: 0 },
      { revoked: ['0xnothex'] },
      { revoked: [MESSAGE.revoked[0], MESSAGE.revoked[0]] },
      { signature: '0x12' },
      { contract: 'customs' },
      { chainId: '-1' },
      { extra: 1 },
      { mspId: 'Bank A' },
    ];

    for (const overrides of bad)
      await refused(
        stub,
        anchor,
        customsAnchorer,
        async (ctx) => anchor.sign(ctx, await post(customsKey, 'CustomsMSP', MESSAGE, overrides)),
        ErrorCode.INVALID_ARGUMENT,
      );
    await refused(
      stub,
      anchor,
      customsAnchorer,
      (ctx) => anchor.sign(ctx, '{not json'),
      ErrorCode.INVALID_ARGUMENT,
    );
    await refused(
      stub,
      anchor,
      customsAnchorer,
      (ctx) => anchor.signatures(ctx, '1337', 'nope', '7'),
      ErrorCode.INVALID_ARGUMENT,
    );

    expect(snapshot(stub)).to.equal(before);
  });
});
