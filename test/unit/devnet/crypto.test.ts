import { expect } from 'chai';
import { parse } from 'yaml';
import { csrNames, withCsrNames } from '@swledger/devnet/crypto';

/** The csr section of the configuration fabric-ca-server 1.5 writes on its first start. */
const TEMPLATE = `# fabric-ca-server configuration
port: 7054
csr:
   cn: fabric-ca-server
   keyrequest:
     algo: ecdsa
     size: 256
   names:
      - C: US
        ST: "North Carolina"
        L:
        O: Hyperledger
        OU: Fabric
   hosts:
     - myhost
     - localhost
   ca:
      expiry: 131400h
      pathlength: 1
`;

describe('network/crypto: certificate subjects from the topology', () => {
  const customs = { organization: 'Customs Authority', country: 'CN' };

  it('asks fabric-ca-client for C and O of the organisation', () => {
    const names = csrNames(customs);

    expect(names).to.equal('C=CN,O=Customs Authority');
  });

  it("sets the CA server's subject to the organisation and leaves the rest of its configuration", () => {
    const out = parse(withCsrNames(TEMPLATE, customs)) as {
      port: number;
      csr: { cn: string; names: unknown; hosts: string[]; ca: { pathlength: number } };
    };

    expect(out.csr.names).to.deep.equal([{ C: 'CN', O: 'Customs Authority' }]);
    expect(out.csr.cn).to.equal('fabric-ca-server');
    expect(out.csr.hosts).to.deep.equal(['myhost', 'localhost']);
    expect(out.csr.ca.pathlength).to.equal(1);
    expect(out.port).to.equal(7054);
    expect(withCsrNames(TEMPLATE, customs)).not.to.match(/Hyperledger|North Carolina/);
  });

  it('refuses a configuration without a csr section', () => {
    const patch = () => withCsrNames('port: 7054\n', customs);

    expect(patch).to.throw(/no csr section/);
  });
});
