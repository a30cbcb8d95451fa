import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { hexlify, keccak256, Signature, toUtf8Bytes, TypedDataEncoder, Wallet } from 'ethers';
import { BindingContract } from '@swledger/chaincode/contract/binding';
import { DocumentContract } from '@swledger/chaincode/contract/document';
import { type Binding } from '@swledger/protocol/binding';
import { ErrorCode } from '@swledger/protocol/errors';
import { argsPreimage, signingDomain, WRITE_TYPES } from '@swledger/protocol/signing';
import { type FullView } from '@swledger/protocol/view';
import { signWrite, type WriteSigner } from '@swledger/sdk/signer';
import { actors, hashOf, inputFor, OTHER, OWNER } from '../fixtures';
import { policyFor, refused, snapshot, submit } from './harness';
import { MemoryStub, TEST_CHAIN_ID } from './memory-stub';
import { highSSignature, N, withS, withV } from './signatures';

const bindings = new BindingContract();
const documents = new DocumentContract();
const DOMAIN = signingDomain(TEST_CHAIN_ID, 'tradechannel', 'swledger');
const strangerActor = actors.stranger;

/** A test key: an ethers wallet, seen as the SDK sees any signer. */
type Key = WriteSigner & { readonly address: string };

/** Signs `fn(args)` for `owner` with `key` as the SDK does; `now` is the stub's clock. */
function auth(
  key: Key,
  fn: string,
  args: readonly string[],
  owner = OWNER,
  domain = DOMAIN,
  now = Date.now(),
  ttl = 300,
): Promise<string> {
  return signWrite(key, domain, fn, args, owner, ttl, now);
}

async function bound(
  stub: MemoryStub,
  key: Key,
  uscc = OWNER,
  bank = 'BankAMSP',
): Promise<Binding> {
  const request = JSON.stringify({ address: key.address.toLowerCase(), uscc, bankMsp: bank });
  const actor = uscc === OWNER ? actors.owner : strangerActor;
  await submit(stub, bindings, actor, async (ctx) =>
    bindings.request(ctx, request, await auth(key, 'binding:request', [request], uscc)),
  );
  const clerk = bank === 'BankAMSP' ? actors.clerkA : actors.clerkB;
  return submit<Binding>(stub, bindings, clerk, (ctx) =>
    bindings.confirm(ctx, key.address.toLowerCase()),
  );
}

function registration(char: string, owner = OWNER): string {
  return JSON.stringify({ ...inputFor('CONTRACT', `CON-${char}`, hashOf(char)), owner });
}

describe('contract/binding and signed enterprise writes', () => {
  let stub: MemoryStub;
  const alphaKey: Key = Wallet.createRandom();
  const otherKey: Key = Wallet.createRandom();

  beforeEach(() => {
    stub = new MemoryStub(Date.now(), 'required');
  });

  it('binds a key confirmed by the named bank, with a policy that needs that bank', async () => {
    const binding = await bound(stub, alphaKey);

    expect(binding).to.deep.include({
      address: alphaKey.address.toLowerCase(),
      uscc: OWNER,
      bankMsp: 'BankAMSP',
      status: 'CONFIRMED',
    });
    expect(binding.confirmedBy?.msp).to.equal('BankAMSP');
    const key = stub.createCompositeKey('binding', [alphaKey.address.toLowerCase()]);
    expect(Buffer.from(stub.params.get(key) ?? [])).to.deep.equal(policyFor(['BankAMSP']));
  });

  it('registers a signed document naming the key and the confirming bank', async () => {
    await bound(stub, alphaKey);
    const json = registration('1');

    const view = await submit(stub, documents, actors.owner, async (ctx) =>
      documents.register(ctx, json, await auth(alphaKey, 'document:register', [json])),
    );

    expect(view.signer).to.deep.equal({
      address: alphaKey.address.toLowerCase(),
      bankMsp: 'BankAMSP',
    });
    expect(view.state.signedBy).to.equal(alphaKey.address.toLowerCase());
  });

  it('refuses an unsigned enterprise write on a signing network: SIGNATURE_REQUIRED, nothing written', async () => {
    await bound(stub, alphaKey);
    const before = snapshot(stub);

    await refused(
      stub,
      documents,
      actors.owner,
      (ctx) => documents.register(ctx, registration('1'), ''),
      ErrorCode.SIGNATURE_REQUIRED,
    );

    expect(snapshot(stub)).to.equal(before);
  });

  const refusals: [string, (stub: MemoryStub) => Promise<string>, ErrorCode][] = [
    [
      'a signature over other arguments',
      () => auth(alphaKey, 'document:register', [registration('2')]),
      ErrorCode.BAD_SIGNATURE,
    ],
    [
      'a signature for another function',
      () => auth(alphaKey, 'document:registerBatch', [registration('1')]),
      ErrorCode.BAD_SIGNATURE,
    ],
    [
      'a signature for another chain',
      () =>
        auth(alphaKey, 'document:register', [registration('1')], OWNER, {
          ...DOMAIN,
          chainId: TEST_CHAIN_ID + 1,
        }),
      ErrorCode.BAD_SIGNATURE,
    ],
    [
      'a signature naming another signer',
      async () => {
        const real = JSON.parse(await auth(alphaKey, 'document:register', [registration('1')])) as {
          signer: string;
        };
        return JSON.stringify({ ...real, signer: otherKey.address.toLowerCase() });
      },
      ErrorCode.BAD_SIGNATURE,
    ],
    ...(
      [
        ['parity flipped', (sig) => withV(sig, sig.v === 27 ? 28 : 27)],
        [
          'its high-S twin (n - s, top bit set)',
          (sig) => withS(sig, N - BigInt(sig.s), sig.v === 27 ? 28 : 27),
        ],
        ['v = 5', (sig) => sig.serialized.slice(0, -2) + '05'],
        ['r = 0', (sig) => '0x' + '00'.repeat(32) + sig.serialized.slice(66)],
        ['s = n', (sig) => withS(sig, N)],
      ] as [string, (sig: Signature) => string][]
    ).map(([what, mangle]): [string, (stub: MemoryStub) => Promise<string>, ErrorCode] => [
      `a signature with ${what}`,
      async () => {
        const real = JSON.parse(await auth(alphaKey, 'document:register', [registration('1')])) as {
          signature: string;
        };
        return JSON.stringify({ ...real, signature: mangle(Signature.from(real.signature)) });
      },
      ErrorCode.BAD_SIGNATURE,
    ]),
    [
      'a malformed authorisation',
      () => Promise.resolve('{"signer":"0x12"}'),
      ErrorCode.BAD_SIGNATURE,
    ],
    [
      'a key bound to no one',
      () => auth(Wallet.createRandom(), 'document:register', [registration('1')]),
      ErrorCode.KEY_NOT_BOUND,
    ],
    [
      "another enterprise's key",
      async (s) => {
        await bound(s, otherKey, OTHER, 'BankBMSP');
        return auth(otherKey, 'document:register', [registration('1')]);
      },
      ErrorCode.KEY_NOT_BOUND,
    ],
    [
      'a signature past its deadline',
      () =>
        auth(
          alphaKey,
          'document:register',
          [registration('1')],
          OWNER,
          DOMAIN,
          Date.now() - 600_000,
        ),
      ErrorCode.EXPIRED,
    ],
  ];
  for (const [what, make, code] of refusals) {
    it(`refuses ${what}: ${code}, ledger unchanged`, async () => {
      await bound(stub, alphaKey);
      const signature = await make(stub);
      const before = snapshot(stub);

      await refused(
        stub,
        documents,
        actors.owner,
        (ctx) => documents.register(ctx, registration('1'), signature),
        code,
      );

      expect(snapshot(stub)).to.equal(before);
    });
  }

  it('accepts a high-S signature whose s keeps the top bit clear, as before (ethers refuses only that bit)', async () => {
    const json = registration('9');
    const nonce = hexlify(randomBytes(32));
    const deadline = Math.floor(Date.now() / 1000) + 300;
    const message = {
      fn: 'document:register',
      owner: OWNER,
      args: keccak256(toUtf8Bytes(argsPreimage([json]))),
      nonce,
      deadline,
    };
    const types = { EnterpriseWrite: [...WRITE_TYPES.EnterpriseWrite] };
    const crafted = highSSignature(TypedDataEncoder.hash(DOMAIN, types, message));
    await bound(stub, new Wallet(crafted.privateKey));
    const signature = JSON.stringify({
      signer: crafted.address,
      nonce,
      deadline,
      signature: crafted.signature,
    });

    const view = await submit(stub, documents, actors.owner, (ctx) =>
      documents.register(ctx, json, signature),
    );

    expect(crafted.s > N / 2n).to.equal(true, 'the crafted s is high');
    expect(view.state.signedBy).to.equal(crafted.address);
  });

  it('refuses a replayed signature: REPLAYED, ledger unchanged', async () => {
    await bound(stub, alphaKey);
    const json = registration('1');
    const signature = await auth(alphaKey, 'document:register', [json]);
    await submit(stub, documents, actors.owner, (ctx) => documents.register(ctx, json, signature));
    const before = snapshot(stub);

    await refused(
      stub,
      documents,
      actors.owner,
      (ctx) => documents.register(ctx, json, signature),
      ErrorCode.REPLAYED,
    );

    expect(snapshot(stub)).to.equal(before);
  });

  it('refuses a confirmation by a non-bank or another bank: FORBIDDEN, ledger unchanged', async () => {
    const request = JSON.stringify({
      address: alphaKey.address.toLowerCase(),
      uscc: OWNER,
      bankMsp: 'BankAMSP',
    });
    await submit(stub, bindings, actors.owner, async (ctx) =>
      bindings.request(ctx, request, await auth(alphaKey, 'binding:request', [request])),
    );
    const before = snapshot(stub);

    for (const actor of [actors.officer, actors.owner, actors.clerkB, actors.bankAuditor]) {
      await refused(
        stub,
        bindings,
        actor,
        (ctx) => bindings.confirm(ctx, alphaKey.address),
        ErrorCode.FORBIDDEN,
      );
    }

    expect(snapshot(stub)).to.equal(before);
  });

  it('refuses a binding request not signed by the key it binds: BAD_SIGNATURE', async () => {
    const request = JSON.stringify({
      address: alphaKey.address.toLowerCase(),
      uscc: OWNER,
      bankMsp: 'BankAMSP',
    });

    await refused(
      stub,
      bindings,
      actors.owner,
      async (ctx) =>
        bindings.request(ctx, request, await auth(otherKey, 'binding:request', [request])),
      ErrorCode.BAD_SIGNATURE,
    );
  });

  it('refuses a key revoked by its bank or by the enterprise: KEY_NOT_BOUND', async () => {
    await bound(stub, alphaKey);
    const second = Wallet.createRandom();
    await bound(stub, second);
    await submit(stub, bindings, actors.clerkA, (ctx) =>
      bindings.revoke(ctx, alphaKey.address.toLowerCase(), ''),
    );
    const target = second.address.toLowerCase();
    await submit(stub, bindings, actors.owner, async (ctx) =>
      bindings.revoke(ctx, target, await auth(second, 'binding:revoke', [target])),
    );

    for (const key of [alphaKey, second]) {
      await refused(
        stub,
        documents,
        actors.owner,
        async (ctx) =>
          documents.register(
            ctx,
            registration('1'),
            await auth(key, 'document:register', [registration('1')]),
          ),
        ErrorCode.KEY_NOT_BOUND,
      );
    }
  });

  it('rotates without a gap: the new key signs at once, the old one is refused, old records keep their signer', async () => {
    await bound(stub, alphaKey);
    const json = registration('1');
    await submit(stub, documents, actors.owner, async (ctx) =>
      documents.register(ctx, json, await auth(alphaKey, 'document:register', [json])),
    );
    const next = Wallet.createRandom();
    const rotation = JSON.stringify({
      oldAddress: alphaKey.address.toLowerCase(),
      newAddress: next.address.toLowerCase(),
    });

    const rotated = await submit<{ retired: Binding; created: Binding }>(
      stub,
      bindings,
      actors.owner,
      async (ctx) =>
        bindings.rotate(
          ctx,
          rotation,
          await auth(alphaKey, 'binding:rotate', [rotation]),
          await auth(next, 'binding:rotate', [rotation]),
        ),
    );

    expect(rotated.retired.status).to.equal('RETIRED');
    expect(rotated.created).to.deep.include({ status: 'CONFIRMED', bankMsp: 'BankAMSP' });
    await refused(
      stub,
      documents,
      actors.owner,
      async (ctx) =>
        documents.register(
          ctx,
          registration('2'),
          await auth(alphaKey, 'document:register', [registration('2')]),
        ),
      ErrorCode.KEY_NOT_BOUND,
    );
    const view = await submit<FullView>(stub, documents, actors.owner, async (ctx) =>
      documents.register(
        ctx,
        registration('2'),
        await auth(next, 'document:register', [registration('2')]),
      ),
    );
    expect(view.signer?.address).to.equal(next.address.toLowerCase());
    const old = await submit<FullView>(stub, documents, actors.officer, (ctx) =>
      documents.get(ctx, 'CONTRACT', 'CON-1'),
    );
    expect(old.signer?.address).to.equal(alphaKey.address.toLowerCase());
  });

  it('signs an enterprise move too, and refuses an unsigned one', async () => {
    await bound(stub, alphaKey);
    const json = registration('1');
    await submit(stub, documents, actors.owner, async (ctx) =>
      documents.register(ctx, json, await auth(alphaKey, 'document:register', [json])),
    );
    const args = ['CONTRACT', 'CON-1', 'terminate', ''];

    await refused(
      stub,
      documents,
      actors.owner,
      (ctx) => documents.transition(ctx, 'CONTRACT', 'CON-1', 'terminate', '', ''),
      ErrorCode.SIGNATURE_REQUIRED,
    );
    const moved = await submit(stub, documents, actors.owner, async (ctx) =>
      documents.transition(
        ctx,
        'CONTRACT',
        'CON-1',
        'terminate',
        '',
        await auth(alphaKey, 'document:transition', args),
      ),
    );

    expect(moved.state).to.deep.include({
      status: 'TERMINATED',
      signedBy: alphaKey.address.toLowerCase(),
    });
  });

  it('refuses every enterprise write before the ledger has signing settings: SIGNING_NOT_CONFIGURED', async () => {
    const fresh = new MemoryStub(Date.now(), null);

    await refused(
      fresh,
      documents,
      actors.owner,
      (ctx) => documents.register(ctx, registration('1'), ''),
      ErrorCode.SIGNING_NOT_CONFIGURED,
    );
  });
});
