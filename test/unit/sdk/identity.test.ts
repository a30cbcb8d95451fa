import { expect } from 'chai';
import { ClientIdentity } from 'fabric-shim';
import { CertificateIdentity } from '@swledger/sdk/identity';
import { makeIdentity } from './provenance-fixtures';

/** fabric-shim's identity for a creator, as a peer's chaincode gets it. */
function shimIdentity(mspId: string, certificate: string): ClientIdentity {
  const stub = {
    getChannelID: () => 'swl',
    getTxID: () => 'tx',
    getCreator: () => ({ mspid: mspId, idBytes: new TextEncoder().encode(certificate) }),
  };
  return new ClientIdentity(stub as unknown as ConstructorParameters<typeof ClientIdentity>[0]);
}

describe('sdk/identity', () => {
  const cases: { name: string; msp: string; cn: string; attrs: Record<string, string> }[] = [
    {
      name: 'an enterprise user with attributes',
      msp: 'EnterpriseMSP',
      cn: 'alpha',
      attrs: { 'swl.role': 'enterprise', 'swl.entity': '91310000MA1FL0001X' },
    },
    {
      name: 'a peer (OU=peer) without attributes',
      msp: 'CustomsMSP',
      cn: 'peer0.customs',
      attrs: {},
    },
    {
      name: 'a name holding slashes',
      msp: 'BankAMSP',
      cn: 'clerk\\/one',
      attrs: { 'swl.role': 'bank_clerk' },
    },
  ];

  for (const c of cases) {
    it(`gives what fabric-shim gives for ${c.name}`, () => {
      const { certificate } = makeIdentity(c.msp, c.cn, c.attrs);

      const ours = new CertificateIdentity(c.msp, certificate);
      const shim = shimIdentity(c.msp, certificate);

      expect(ours.getID()).to.equal(shim.getID());
      expect(ours.getMSPID()).to.equal(shim.getMSPID());
      for (const name of ['swl.role', 'swl.entity', 'absent']) {
        expect(ours.getAttributeValue(name)).to.equal(shim.getAttributeValue(name));
      }
      expect(Buffer.from(ours.getIDBytes()).equals(Buffer.from(shim.getIDBytes()))).to.equal(
        true,
        'same ID bytes',
      );
    });
  }

  it('refuses what is not a certificate', () => {
    expect(() => new CertificateIdentity('EnterpriseMSP', 'not a certificate')).to.throw();
  });
});
