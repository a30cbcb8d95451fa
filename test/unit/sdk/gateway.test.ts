import { expect } from 'chai';
import type { ConnectionProfile } from '@swledger/devnet/profile';
import { PeerUnreachableError } from '@swledger/sdk/errors';
import { EventOrder, gatewayEndpoints } from '@swledger/sdk/gateway';
import { peerAddress } from '@swledger/sdk/grpc';

function profile(): ConnectionProfile {
  const peer = (port: number) => ({
    url: `grpcs://localhost:${port}`,
    tlsCACerts: { pem: `CA ${port}` },
    grpcOptions: { 'ssl-target-name-override': 'localhost' },
  });
  return {
    name: 'p',
    version: '1.0.0',
    client: { organization: 'BankAMSP' },
    organizations: {
      CustomsMSP: { mspid: 'CustomsMSP', peers: ['peer0.customs'], certificateAuthorities: [] },
      BankAMSP: { mspid: 'BankAMSP', peers: ['peer0.banka'], certificateAuthorities: [] },
      EmptyMSP: { mspid: 'EmptyMSP', peers: [], certificateAuthorities: [] },
    },
    peers: { 'peer0.customs': peer(7051), 'peer0.banka': peer(7151) },
    orderers: {},
    certificateAuthorities: {},
  };
}

describe('sdk/gateway: the Gateway peers of a connection profile', () => {
  it("prefers the own organisation's peer, then the others', with each CA, the name override and the client TLS pair", () => {
    const endpoints = gatewayEndpoints(profile(), 'BankAMSP', { cert: 'CERT', key: 'KEY' });

    expect(endpoints).to.deep.equal([
      {
        mspId: 'BankAMSP',
        address: 'localhost:7151',
        tlsRootCert: 'CA 7151',
        serverName: 'localhost',
        clientCert: 'CERT',
        clientKey: 'KEY',
      },
      {
        mspId: 'CustomsMSP',
        address: 'localhost:7051',
        tlsRootCert: 'CA 7051',
        serverName: 'localhost',
        clientCert: 'CERT',
        clientKey: 'KEY',
      },
    ]);
  });

  it('goes without a client pair when the profile names no TLS identity', () => {
    const endpoints = gatewayEndpoints(profile(), 'CustomsMSP', undefined);

    expect(endpoints[0]).to.deep.equal({
      mspId: 'CustomsMSP',
      address: 'localhost:7051',
      tlsRootCert: 'CA 7051',
      serverName: 'localhost',
    });
  });

  it('refuses an organisation without a peer in the profile: PEER_UNREACHABLE', () => {
    const attempts = ['EmptyMSP', 'GhostMSP'].map((msp) => {
      try {
        return gatewayEndpoints(profile(), msp, undefined);
      } catch (err) {
        return err;
      }
    });

    for (const err of attempts) {
      expect(err).to.be.instanceOf(PeerUnreachableError);
      expect((err as PeerUnreachableError).code).to.equal('PEER_UNREACHABLE');
    }
  });

  it('reads host:port from grpcs://, grpc:// and bare addresses', () => {
    const addresses = ['grpcs://peer0.org:7051', 'grpc://localhost:7', 'host:1'].map(peerAddress);

    expect(addresses).to.deep.equal(['peer0.org:7051', 'localhost:7', 'host:1']);
  });
});

describe('sdk/gateway: EventOrder', () => {
  it('numbers the transactions of each block in arrival order, from 0 in every block', () => {
    const order = new EventOrder();

    const positions = [
      order.next(5n, 'a'),
      order.next(5n, 'b'),
      order.next(7n, 'c'),
      order.next(7n, 'd'),
      order.next(8n, 'e'),
    ];

    expect(positions).to.deep.equal([0, 1, 0, 1, 0]);
  });

  it('skips what a resumed stream repeats, and goes on numbering after it', () => {
    const order = new EventOrder();
    order.next(4n, 'old');
    order.next(5n, 'a');
    order.next(5n, 'b');

    const repeated = [order.next(4n, 'old'), order.next(5n, 'a'), order.next(5n, 'b')];
    const fresh = [order.next(5n, 'c'), order.next(6n, 'd')];

    expect(repeated).to.deep.equal([undefined, undefined, undefined]);
    expect(fresh).to.deep.equal([2, 0]);
  });
});
