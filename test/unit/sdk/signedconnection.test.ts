import { expect } from 'chai';
import { Wallet } from 'ethers';
import type { LedgerConnection, SubmitOptions, Submitted } from '@swledger/sdk/connection';
import { DocumentsApi, registrationArgs, transitionArgs } from '@swledger/sdk/documents';
import { SignedConnection } from '@swledger/sdk/signedconnection';

const SETTINGS = { schemaVersion: 1, mode: 'required', chainId: 7300, chaincode: 'swledger' };
const ALPHA = '91310000MA1K4A7B2X';

interface Sent {
  readonly fn: string;
  readonly args: readonly string[];
  readonly options: SubmitOptions | undefined;
}

/** A connection that records what it is asked to submit. */
function recording(sent: Sent[]): LedgerConnection {
  const fake: Partial<LedgerConnection> = {
    mspId: 'EnterpriseMSP',
    evaluate: (namespace: string, fn: string) =>
      Promise.resolve(namespace === 'system' && fn === 'signing' ? JSON.stringify(SETTINGS) : ''),
    submit: (
      namespace: string,
      fn: string,
      args: readonly string[],
      options?: SubmitOptions,
    ): Promise<Submitted> => {
      sent.push({ fn: `${namespace}:${fn}`, args, options });
      return Promise.resolve({ payload: '{}', transactionId: 'tx1' });
    },
  };
  return fake as LedgerConnection;
}

describe("sdk/signedconnection: the client's signer, or the caller's own authorisation", () => {
  const wallet = new Wallet('0x' + '11'.repeat(32));
  const input = {
    type: 'CUSTOMS_DECLARATION' as const,
    docId: 'D-1',
    owner: ALPHA,
    links: [],
    facts: { direction: 'EXPORT' },
  };
  const sha256 = 'ab'.repeat(32);

  it('sends a caller-made authorisation unchanged as the last argument, signs nothing, keeps it out of the transport options', async () => {
    const sent: Sent[] = [];
    let signed = 0;
    const signer = {
      getAddress: () => wallet.getAddress(),
      signTypedData: (...a: Parameters<Wallet['signTypedData']>) => {
        signed++;
        return wallet.signTypedData(...a);
      },
    };
    const c = new SignedConnection(recording(sent), 'tradechannel', { signer, entity: ALPHA });

    await new DocumentsApi(c).register(input, { sha256 }, { enterpriseAuth: 'AUTH', retries: 1 });

    expect(signed).to.equal(0);
    expect(sent).to.have.length(1);
    expect(sent[0]?.args).to.deep.equal([...registrationArgs(input, sha256), 'AUTH']);
    expect(sent[0]?.options).to.deep.equal({ retries: 1 });
  });

  it('without one, signs exactly the arguments registrationArgs and transitionArgs give (what …/prepare answers)', async () => {
    const sent: Sent[] = [];
    const c = new SignedConnection(recording(sent), 'tradechannel', {
      signer: wallet,
      entity: ALPHA,
    });
    const docs = new DocumentsApi(c);

    await docs.register(input, { sha256 });
    await docs.transition('CONTRACT', 'C-1', 'terminate');

    expect(sent.map((s) => s.args.slice(0, -1))).to.deep.equal([
      registrationArgs(input, sha256),
      transitionArgs('CONTRACT', 'C-1', 'terminate'),
    ]);
    const auth = JSON.parse(sent[0]?.args.at(-1) ?? '') as { signer: string; signature: string };
    expect(auth.signer).to.equal(wallet.address.toLowerCase());
    expect(auth.signature).to.match(/^0x[0-9a-f]{130}$/);
  });

  it('a function that takes no authorisation gets none, even when the caller passes one', async () => {
    const sent: Sent[] = [];
    const c = new SignedConnection(recording(sent), 'tradechannel', undefined);

    await c.submit('invoice', 'finance', ['x'], { enterpriseAuth: 'AUTH' });

    expect(sent).to.deep.equal([{ fn: 'invoice:finance', args: ['x'], options: {} }]);
  });
});
