#!/usr/bin/env node
/**
 * What enterprise signatures add to a registration, measured in one run:
 * the chaincode's `document:register` run in this process on an in-memory
 * ledger, N times unsigned (signing optional) and N times signed (signing
 * required, a bound key), and the client's EIP-712 signing; then, when a
 * network is named, signed registrations through the network as they are
 * submitted (its signing mode decides whether unsigned ones can be
 * compared there too). Prints figures, asserts nothing.
 *
 * Usage: node tools/bench/dist/enterprisesig.js [--count 300] [--network idn --network-count 40]
 */
import '@swledger/sdk/quiet';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { type Context } from 'fabric-contract-api';
import { BindingContract } from '@swledger/chaincode/contract/binding';
import { DocumentContract } from '@swledger/chaincode/contract/document';
import { encode, SCHEMA_VERSION } from '@swledger/protocol/serialize';
import { SIGNING_CONFIG_KEY, signingDomain, type SigningMode } from '@swledger/protocol/signing';
import { newSigningKey } from '@swledger/sdk/keystore';
import { signWrite } from '@swledger/sdk/signer';

const OWNER = '91310000MA1K4A7B2X';
const CHAIN_ID = 7300;

/** The stub calls the contracts make, on a map; every write commits at once (one transaction at a time). */
class BenchStub {
  readonly state = new Map<string, Uint8Array>();
  private tx = 0;
  constructor(mode: SigningMode) {
    this.state.set(
      SIGNING_CONFIG_KEY,
      encode({ schemaVersion: SCHEMA_VERSION, mode, chainId: CHAIN_ID, chaincode: 'swledger' }),
    );
  }
  next(): void {
    this.tx += 1;
  }
  getTxID(): string {
    return `tx-${String(this.tx)}`;
  }
  getChannelID(): string {
    return 'tradechannel';
  }
  getTxTimestamp(): { seconds: number; nanos: number } {
    return { seconds: Math.floor(Date.now() / 1000), nanos: 0 };
  }
  getState(key: string): Promise<Uint8Array> {
    return Promise.resolve(this.state.get(key) ?? new Uint8Array());
  }
  putState(key: string, value: Uint8Array): Promise<void> {
    this.state.set(key, value);
    return Promise.resolve();
  }
  setStateValidationParameter(): Promise<void> {
    return Promise.resolve();
  }
  getStateValidationParameter(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array());
  }
  setEvent(): void {
    /* one event per transaction; not kept */
  }
  createCompositeKey(type: string, attributes: string[]): string {
    return `\u0000${type}\u0000${attributes.map((a) => `${a}\u0000`).join('')}`;
  }
}

function ctxOf(stub: BenchStub, msp: string, role: string, entity?: string): Context {
  const attrs: Record<string, string> = {
    'swl.role': role,
    ...(entity ? { 'swl.entity': entity } : {}),
  };
  return {
    stub,
    clientIdentity: {
      getMSPID: () => msp,
      getID: () => `x509::/CN=${role}::/CN=ca`,
      getAttributeValue: (name: string) => attrs[name] ?? null,
    },
  } as unknown as Context;
}

function registration(): string {
  return JSON.stringify({
    type: 'CONTRACT',
    docId: `CON-${randomBytes(6).toString('hex')}`,
    sha256: randomBytes(32).toString('hex'),
    owner: OWNER,
    facts: { seller: OWNER, buyer: '91440300MA5F8C6D3Y', amount: '100.00', currency: 'USD' },
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function inProcess(count: number): Promise<void> {
  const documents = new DocumentContract();
  const bindings = new BindingContract();
  const key = newSigningKey();
  const domain = signingDomain(CHAIN_ID, 'tradechannel', 'swledger');
  const signedStub = new BenchStub('required');
  const request = JSON.stringify({
    address: key.address.toLowerCase(),
    uscc: OWNER,
    bankMsp: 'BankAMSP',
  });
  await bindings.request(
    ctxOf(signedStub, 'EnterpriseMSP', 'enterprise', OWNER),
    request,
    await signWrite(key, domain, 'binding:request', [request], OWNER),
  );
  signedStub.next();
  await bindings.confirm(ctxOf(signedStub, 'BankAMSP', 'clerk'), key.address);
  const unsignedStub = new BenchStub('optional');

  const unsigned: number[] = [];
  const signed: number[] = [];
  const signing: number[] = [];
  for (let i = 0; i < count; i++) {
    const a = registration();
    unsignedStub.next();
    let t0 = performance.now();
    await documents.register(ctxOf(unsignedStub, 'EnterpriseMSP', 'enterprise', OWNER), a, '');
    unsigned.push(performance.now() - t0);

    const b = registration();
    t0 = performance.now();
    const auth = await signWrite(key, domain, 'document:register', [b], OWNER);
    signing.push(performance.now() - t0);
    signedStub.next();
    t0 = performance.now();
    await documents.register(ctxOf(signedStub, 'EnterpriseMSP', 'enterprise', OWNER), b, auth);
    signed.push(performance.now() - t0);
  }
  const row = (what: string, ms: number) =>
    process.stdout.write(`${what.padEnd(58)} ${ms.toFixed(3)} ms\n`);
  process.stdout.write(`chaincode register, in process, ${String(count)} each (median):\n`);
  row('  unsigned (signing optional)', median(unsigned));
  row('  signed (EIP-712 check, binding read, nonce write)', median(signed));
  row('  added by the signature check', median(signed) - median(unsigned));
  row('client: EIP-712 signature per write', median(signing));
}

async function onNetwork(network: string, count: number): Promise<void> {
  // Loaded when needed: the Fabric client libraries read argv when loaded.
  const { connectLocal } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@swledger/devnet/client') as typeof import('@swledger/devnet/client');
  const alpha = await connectLocal({ as: 'enterprise:alpha', network });
  const unsignedClient = await connectLocal({
    as: 'enterprise:alpha',
    network,
    enterpriseSigning: null,
  });
  try {
    const settings = await alpha.connection.signingSettings();
    const optional = settings?.mode === 'optional';
    // Interleaved, so both see the same network load.
    const signed: number[] = [];
    const unsigned: number[] = [];
    const timed = async (client: typeof alpha, into: number[]): Promise<void> => {
      const t0 = performance.now();
      await client.connection.submit('document', 'register', [registration()]);
      into.push(performance.now() - t0);
    };
    for (let i = 0; i < count; i++) {
      await timed(alpha, signed);
      if (optional) await timed(unsignedClient, unsigned);
    }
    const line = (what: string, ms: number) =>
      process.stdout.write(`  ${what.padEnd(56)} ${ms.toFixed(1)} ms\n`);
    process.stdout.write(
      `network '${network}' (signing ${settings?.mode ?? 'not configured'}), ${String(count)} sequential registrations each, interleaved (median):\n`,
    );
    line('signed', median(signed));
    if (optional) {
      line('unsigned', median(unsigned));
      line('added by signing and its check', median(signed) - median(unsigned));
    } else {
      process.stdout.write(
        '  unsigned: refused on a signing network (SIGNATURE_REQUIRED); use an optional network to compare here\n',
      );
    }
  } finally {
    alpha.close();
    unsignedClient.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      'usage: node tools/bench/dist/enterprisesig.js [--count N] [--network NAME [--network-count N]]\n  What enterprise signatures add to a registration: in process (chaincode) and, with --network, on a running network.\n',
    );
    return;
  }
  const opt = (name: string, fallback: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
  };
  await inProcess(Number(opt('--count', '300')));
  const network = opt('--network', '');
  if (network !== '') await onNetwork(network, Number(opt('--network-count', '40')));
}

main().catch((err: unknown) => {
  process.stderr.write(`enterprisesig: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
