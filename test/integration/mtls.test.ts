import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { clientTls } from '@swledger/devnet/crypto';
import { Layout } from '@swledger/devnet/layout';
import { testLayout } from './harness';

/** What a TLS endpoint did with one connection. */
interface Probe {
  /** The server sent HTTP/2 frames back: the connection was accepted. */
  readonly answered: boolean;
  /** Why it was not: the error code (a TLS alert from the server), or `closed`/`timeout`. */
  readonly refusal?: string;
}

interface ClientTls {
  readonly ca: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

/** HTTP/2 client preface and an empty SETTINGS frame: a gRPC server answers with its SETTINGS. */
const H2_PREFACE = Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
  Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]),
]);

/**
 * Opens a TLS connection to a gRPC endpoint (TLS 1.3: the server checks the
 * client certificate after the client's handshake completes, so the verdict
 * is the server's first bytes or its alert) and reports which came.
 */
function probe(port: number, tls: ClientTls): Promise<Probe> {
  return new Promise((resolve) => {
    const socket = connect({
      host: 'localhost',
      port,
      servername: 'localhost',
      ALPNProtocols: ['h2'],
      ...tls,
    });
    const done = (p: Probe) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(p);
    };
    const timer = setTimeout(() => done({ answered: false, refusal: 'timeout' }), 5000);
    socket.on('secureConnect', () => socket.write(H2_PREFACE));
    socket.on('data', () => done({ answered: true }));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      done({ answered: false, refusal: err.code ?? err.message }),
    );
    socket.on('close', () => done({ answered: false, refusal: 'closed' }));
  });
}

function healthz(port: number, ca: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: 'localhost', port, path: '/healthz', ca, timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

function pairOf(cert: string, key: string, ca: Buffer): ClientTls {
  return { ca, cert: readFileSync(cert), key: readFileSync(key) };
}

/** The organisation's client TLS pair (orgs/<org>/client/tls), trusting `caOrg`'s root. */
function orgClient(layout: Layout, org: string, caOrg: string): ClientTls {
  const tls = clientTls(layout, org);
  if (!tls) throw new Error(`${org} has no client TLS pair`);
  return pairOf(tls.cert, tls.key, readFileSync(layout.orgCaCert(caOrg)));
}

/** A refusal is the server's TLS alert (e.g. certificate required, bad certificate, unknown CA). */
const TLS_ALERT = /ALERT/;
/**
 * A Node TLS server (the chaincode server, grpc-js) checks a presented
 * certificate's chain after the handshake, in JavaScript, and closes the
 * connection without an alert: closed before any byte is a refusal too.
 */
const TLS_ALERT_OR_CLOSED = /ALERT|^closed$/;

describe('mutual TLS: peers, orderers and chaincode servers require a client certificate', function () {
  this.timeout(60_000);
  let layout: Layout;

  before(() => {
    layout = testLayout();
  });

  it('a peer refuses a TLS connection without a client certificate and accepts one from a member CA', async () => {
    const customs = layout.peerOrg('customs');
    const port = layout.peerPorts(customs).peer;
    const ca = readFileSync(layout.orgCaCert('customs'));

    const bare = await probe(port, { ca });
    const ownOrg = await probe(port, orgClient(layout, 'customs', 'customs'));
    const otherOrg = await probe(port, orgClient(layout, 'banka', 'customs'));

    expect(bare.answered, 'answered without a client certificate').to.equal(false);
    expect(bare.refusal).to.match(TLS_ALERT);
    expect(ownOrg).to.deep.equal({ answered: true });
    expect(otherOrg).to.deep.equal({ answered: true });
  });

  it('the orderer refuses a TLS connection without a client certificate and accepts a member org', async () => {
    const port = layout.ordererPorts(0).listen;
    const ca = readFileSync(layout.orgCaCert(layout.topology.ordererOrg.key));

    const bare = await probe(port, { ca });
    const peerOrgClient = await probe(
      port,
      orgClient(layout, 'enterprise', layout.topology.ordererOrg.key),
    );

    expect(bare.answered, 'answered without a client certificate').to.equal(false);
    expect(bare.refusal).to.match(TLS_ALERT);
    expect(peerOrgClient).to.deep.equal({ answered: true });
  });

  it("a chaincode server refuses connections without a certificate of its own org's CA and accepts its peer", async () => {
    const customs = layout.peerOrg('customs');
    const port = layout.peerPorts(customs).chaincodeServer;
    const ca = readFileSync(layout.orgCaCert('customs'));
    const peerTls = join(layout.nodeDir('customs', 'peer0'), 'tls');

    const bare = await probe(port, { ca });
    const otherOrg = await probe(port, orgClient(layout, 'banka', 'customs'));
    const peer = await probe(
      port,
      pairOf(join(peerTls, 'server.crt'), join(peerTls, 'server.key'), ca),
    );

    expect(bare.answered, 'answered without a client certificate').to.equal(false);
    expect(bare.refusal).to.match(TLS_ALERT);
    expect(otherOrg.answered, "answered another organisation's certificate").to.equal(false);
    expect(otherOrg.refusal).to.match(TLS_ALERT_OR_CLOSED);
    expect(peer).to.deep.equal({ answered: true });
  });

  it('operations endpoints (/healthz) stay open to probes without a client certificate', async () => {
    const customs = layout.peerOrg('customs');
    const orderer = layout.topology.ordererOrg.key;

    const peerStatus = await healthz(
      layout.peerPorts(customs).operations,
      readFileSync(layout.orgCaCert('customs')),
    );
    const ordererStatus = await healthz(
      layout.ordererPorts(0).operations,
      readFileSync(layout.orgCaCert(orderer)),
    );

    expect([peerStatus, ordererStatus]).to.deep.equal([200, 200]);
  });
});
