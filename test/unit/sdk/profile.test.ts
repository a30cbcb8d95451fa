import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as orgs from '@swledger/protocol/orgs';
import { pemConnectionOptions } from '@swledger/sdk/profile';
import { makeIdentity } from './provenance-fixtures';

/** The smallest profile naming one organisation and its peer. */
function profileFor(mspId: string): object {
  return {
    name: 'other',
    version: '1.0.0',
    client: { organization: mspId },
    organizations: { [mspId]: { mspid: mspId, peers: ['peer0.org1'], certificateAuthorities: [] } },
    peers: {
      'peer0.org1': {
        url: 'grpcs://peer0.org1.example:7051',
        tlsCACerts: { pem: 'x' },
        grpcOptions: {},
      },
    },
    orderers: {},
    certificateAuthorities: {},
  };
}

describe('sdk/profile: the peer organisations of another topology', () => {
  let dir: string;
  const saved = orgs.PEER_ORGS;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'swl-profile-unit-'));
  });

  afterEach(() => {
    orgs.usePeerOrgs(saved);
    rmSync(dir, { recursive: true, force: true });
  });

  it('replays with the organisations the caller names', async () => {
    const id = makeIdentity('ImporterMSP', 'alpha');
    const path = join(dir, 'profile.json');
    writeFileSync(path, JSON.stringify(profileFor('ImporterMSP')));
    const five: orgs.PeerOrg[] = [
      { msp: 'CustomsMSP', kind: 'customs' },
      { msp: 'BankAMSP', kind: 'bank' },
      { msp: 'BankBMSP', kind: 'bank' },
      { msp: 'BankCMSP', kind: 'bank' },
      { msp: 'ImporterMSP', kind: 'enterprise' },
    ];

    const opts = await pemConnectionOptions({
      profile: path,
      identity: {
        certificate: id.certificate,
        privateKey: id.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
      organizations: five,
    });

    expect(opts.channel ?? 'tradechannel').to.equal('tradechannel');
    expect(orgs.PEER_MSPS).to.deep.equal(five.map((o) => o.msp));
    expect(orgs.ENTERPRISE_MSP).to.equal('ImporterMSP');
  });

  it('keeps the standard four when none are named', async () => {
    const id = makeIdentity('EnterpriseMSP', 'alpha');
    const path = join(dir, 'profile.json');
    writeFileSync(path, JSON.stringify(profileFor('EnterpriseMSP')));

    await pemConnectionOptions({
      profile: path,
      identity: {
        certificate: id.certificate,
        privateKey: id.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
    });

    expect(orgs.PEER_MSPS).to.deep.equal(orgs.DEFAULT_PEER_ORGS.map((o) => o.msp));
  });
});
