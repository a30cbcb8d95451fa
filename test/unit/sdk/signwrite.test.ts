import { expect } from 'chai';
import { BaseWallet, keccak256, toUtf8Bytes, verifyTypedData, Wallet } from 'ethers';
import { argsPreimage, signingDomain, WRITE_TYPES } from '@swledger/protocol/signing';
import { signWrite, type WriteSigner } from '@swledger/sdk/signer';

/** The same key, reachable only through the WriteSigner interface (as a KMS or hardware key is). */
function remoteOnly(wallet: BaseWallet): WriteSigner {
  return {
    getAddress: () => wallet.getAddress(),
    signTypedData: (domain, types, value) => wallet.signTypedData(domain, types, value),
  };
}

const types = { EnterpriseWrite: WRITE_TYPES.EnterpriseWrite.map((f) => ({ ...f })) };

describe('sdk/signer: signWrite', () => {
  const wallet = Wallet.createRandom();
  const cases = Array.from({ length: 40 }, (_, i) => ({
    domain: signingDomain(7300 + i, `channel-${i}`, i % 2 ? 'swledger' : 'swl-ü'),
    fn: i % 3 ? 'document:register' : 'document:transition',
    args: [JSON.stringify({ docId: `DEC-${i}`, note: 'ä'.repeat(i) }), String(i)],
    owner: `91310000MA1K4A7B${i}X`,
  }));

  it('signs with a local wallet exactly what its signTypedData signs (same digest, same RFC 6979 signature)', async () => {
    for (const c of cases) {
      const auth = JSON.parse(await signWrite(wallet, c.domain, c.fn, c.args, c.owner)) as {
        signer: string;
        nonce: string;
        deadline: number;
        signature: string;
      };
      const message = {
        fn: c.fn,
        owner: c.owner,
        args: keccak256(toUtf8Bytes(argsPreimage(c.args))),
        nonce: auth.nonce,
        deadline: auth.deadline,
      };

      expect(auth.signature).to.equal(await wallet.signTypedData(c.domain, types, message));
      expect(verifyTypedData(c.domain, types, message, auth.signature)).to.equal(wallet.address);
      expect(auth.signer).to.equal(wallet.address.toLowerCase());
    }
  });

  it('gives any other signer the typed data, and its signature is the same', async () => {
    const c = cases[5]!;
    const auth = JSON.parse(
      await signWrite(remoteOnly(wallet), c.domain, c.fn, c.args, c.owner),
    ) as { nonce: string; deadline: number; signature: string };
    const message = {
      fn: c.fn,
      owner: c.owner,
      args: keccak256(toUtf8Bytes(argsPreimage(c.args))),
      nonce: auth.nonce,
      deadline: auth.deadline,
    };

    expect(verifyTypedData(c.domain, types, message, auth.signature)).to.equal(wallet.address);
  });
});
