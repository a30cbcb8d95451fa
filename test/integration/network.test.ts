import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { caCertFile, clientTls } from '@swledger/devnet/crypto';
import { down, status, up } from '@swledger/devnet/network';
import { allPeerFlags, ordererFlags, peerCli } from '@swledger/devnet/peercli';
import { Layout } from '@swledger/devnet/layout';
import { clientAs, closeClients, TEST_NETWORK, testLayout } from './harness';

function userMsp(layout: Layout, org: string, user: string): string {
  return join(layout.orgDir(org), 'users', user, 'msp');
}

async function cliQuery(layout: Layout, org: string, user: string, fn: string): Promise<string> {
  const res = await peerCli(
    layout,
    layout.peerOrg(org),
    [
      'chaincode',
      'query',
      '-C',
      layout.channel,
      '-n',
      'swledger',
      '-c',
      JSON.stringify({ Args: [fn] }),
    ],
    userMsp(layout, org, user),
  );
  return res.stdout.trim();
}

async function cliInvoke(
  layout: Layout,
  org: string,
  user: string,
  fn: string,
  args: string[],
): Promise<string> {
  const res = await peerCli(
    layout,
    layout.peerOrg(org),
    [
      'chaincode',
      'invoke',
      ...ordererFlags(layout),
      '-C',
      layout.channel,
      '-n',
      'swledger',
      '-c',
      JSON.stringify({ Args: [fn, ...args] }),
      ...allPeerFlags(layout),
      '--waitForEvent',
    ],
    userMsp(layout, org, user),
  );
  return res.stderr + res.stdout;
}

/** The C and O of a certificate's subject, and whether it still says Hyperledger or North Carolina. */
function subjectOf(pem: string | Buffer): { C?: string; O?: string; template: boolean } {
  const subject = new X509Certificate(pem).subject;
  const fields = new Map(subject.split('\n').map((l) => l.split('=', 2) as [string, string]));
  return {
    C: fields.get('C'),
    O: fields.get('O'),
    template: /Hyperledger|North Carolina/.test(subject),
  };
}

/** The TLS certificate a running peer presents (mutual TLS: as the organisation's client). */
function servedCertificate(layout: Layout, org: string): Promise<Buffer> {
  const tls = clientTls(layout, org);
  if (!tls) throw new Error(`${org} has no client TLS pair`);
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port: layout.peerPorts(layout.peerOrg(org)).peer,
      ca: readFileSync(layout.orgCaCert(org)),
      cert: readFileSync(tls.cert),
      key: readFileSync(tls.key),
      servername: 'localhost',
      ALPNProtocols: ['h2'],
    });
    socket.once('secureConnect', () => {
      const raw = socket.getPeerCertificate().raw;
      socket.destroy();
      resolve(raw);
    });
    socket.once('error', reject);
  });
}

describe('network: a real Fabric network without Docker', function () {
  this.timeout(180_000);

  it('names each organisation and its country in its certificates, as the topology gives them', async () => {
    const layout = testLayout();
    const bankb = layout.peerOrg('bankb');
    const enterprise = layout.peerOrg('enterprise');
    const orderer = layout.topology.ordererOrg;

    const served = subjectOf(await servedCertificate(layout, 'bankb'));
    const peer = subjectOf(
      readFileSync(join(layout.nodeDir('bankb', 'peer0'), 'msp', 'signcerts', 'cert.pem')),
    );
    const user = subjectOf(
      readFileSync(join(userMsp(layout, 'enterprise', 'alpha'), 'signcerts', 'cert.pem')),
    );
    const ca = subjectOf(readFileSync(caCertFile(layout, 'enterprise')));
    const caTls = subjectOf(readFileSync(join(layout.path('ca', 'enterprise'), 'tls-cert.pem')));
    const ordererNode = subjectOf(
      readFileSync(join(layout.nodeDir(orderer.key, 'orderer0'), 'tls', 'server.crt')),
    );

    expect(bankb.country).to.not.equal(enterprise.country);
    expect(served).to.deep.equal({ C: bankb.country, O: bankb.organization, template: false });
    expect(peer).to.deep.equal({ C: bankb.country, O: bankb.organization, template: false });
    for (const cert of [user, ca, caTls])
      expect(cert).to.deep.equal({
        C: enterprise.country,
        O: enterprise.organization,
        template: false,
      });
    expect(ordererNode).to.deep.equal({
      C: orderer.country,
      O: orderer.organization,
      template: false,
    });
  });

  it('answers ping and commits noop through the peer CLI as a customs officer', async () => {
    const layout = testLayout();

    const ping = JSON.parse(await cliQuery(layout, 'customs', 'officer1', 'system:ping')) as {
      txTime: string;
    };
    await cliInvoke(layout, 'customs', 'officer1', 'system:noop', ['cli-customs']);
    const last = JSON.parse(await cliQuery(layout, 'banka', 'clerk1', 'system:lastNoop')) as {
      tag: string;
      txId: string;
    };
    const auditor = await clientAs('customs:auditor1');

    expect(Math.abs(Date.parse(ping.txTime) - Date.now())).to.be.lessThan(60_000);
    expect(last.tag).to.equal('cli-customs');
    expect(await auditor.connection.validationCode(last.txId)).to.equal('VALID');
  });

  it('answers ping and commits noop through the Node SDK as a Bank A clerk', async () => {
    const clerk = await clientAs('banka:clerk1');
    const officer = await clientAs('customs:officer1');

    const ping = await clerk.system.ping();
    const written = await clerk.system.noop('sdk-banka');
    const seenByCustoms = await officer.system.lastNoop();
    const block = await officer.connection.blockNumberOf(written.transactionId);

    expect(clerk.mspId).to.equal('BankAMSP');
    expect(ping.txId).to.match(/^[0-9a-f]{64}$/);
    expect(written.tag).to.equal('sdk-banka');
    expect(seenByCustoms?.txId).to.equal(written.transactionId);
    expect(block > 0n).to.equal(true);
  });

  it('is idempotent: up on a running network reports it and changes nothing', async () => {
    const before = (await status({ name: TEST_NETWORK }))!.rows.map(
      (r) => `${r.name}:${r.pid ?? '-'}`,
    );

    const res = await up({ name: TEST_NETWORK });
    const after = (await status({ name: TEST_NETWORK }))!.rows.map(
      (r) => `${r.name}:${r.pid ?? '-'}`,
    );

    expect(res.alreadyRunning).to.equal(true);
    expect(after).to.deep.equal(before);
  });

  it('shows every process healthy in status', async () => {
    const res = await status({ name: TEST_NETWORK });

    const unhealthy = res!.rows.filter((r) => r.health !== 'OK' && r.health !== 'LISTENING');
    const names = res!.rows.map((r) => r.name);

    expect(unhealthy, JSON.stringify(unhealthy)).to.deep.equal([]);
    expect(names).to.include.members([
      'ca-customs',
      'orderer0',
      'peer0-enterprise',
      'cc-bankb',
      'supervisor',
    ]);
  });

  it('keeps every committed write across down and up without purge', async () => {
    const clerk = await clientAs('bankb:clerk1');
    const written = await clerk.system.noop(`before-restart-${Date.now()}`);
    const heightBefore = await clerk.connection.ledgerHeight();
    closeClients();

    await down({ name: TEST_NETWORK });
    const stopped = await status({ name: TEST_NETWORK });
    await up({ name: TEST_NETWORK });
    const auditor = await clientAs('customs:auditor1');
    const last = await auditor.system.lastNoop();
    const heightAfter = await auditor.connection.ledgerHeight();

    expect(stopped!.rows.every((r) => r.health === 'DOWN')).to.equal(true);
    expect(last?.txId).to.equal(written.transactionId);
    expect(heightAfter >= heightBefore).to.equal(true);
    expect(await auditor.connection.validationCode(written.transactionId)).to.equal('VALID');
  });
});
