import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { restPaths } from '@swledger/rest/config';
import { SwlClient } from '@swledger/sdk';
import { CliRun, TEST_NETWORK, clientAs, runSwl } from './harness';
import { ALPHA, declaration, newFile, rejectsWithCode } from './fixtures';
import { call, startService, TestService } from './rest/harness';
import { connectLocal } from '@swledger/devnet/client';

/** The built CLI as a subprocess on the test network. */
function swl(...args: string[]): Promise<CliRun> {
  return runSwl(args);
}

/** What `swl user revoke --json` prints. */
interface RevokeSummary {
  identity: string;
  revokedSerials: string[];
  tokensRevoked: number;
  configBlock: number;
  channelUpdated: boolean;
  signers: string[];
}

describe('revocation bites: a revoked customs officer can no longer act anywhere', function () {
  this.timeout(300_000);
  // A fresh officer, so officer1 (used by every other suite) is never revoked.
  const name = `rev-${randomBytes(4).toString('hex')}`;
  const label = `customs:${name}`;
  let customs: TestService | undefined;
  let token: string;
  let officer: SwlClient | undefined;

  before(async () => {
    const created = await swl('user', 'create', 'customs', name, '--role', 'officer', '--json');
    expect(created.code, created.stderr).to.equal(0);
    token = (JSON.parse(created.stdout) as { token: string }).token;
    // The service reads the organisation's own token store, the one `swl user revoke` updates.
    customs = await startService('customs', { dbFile: restPaths(TEST_NETWORK, 'customs').dbFile });
    officer = await connectLocal({ as: label, network: TEST_NETWORK, commitScope: 'network' });
  });
  after(async () => {
    officer?.close();
    await customs?.close();
  });

  it('the officer acts through the SDK, REST and the CLI; once revoked, all three refuse and the declaration stays SUBMITTED; officer1 still accepts it', async () => {
    if (!officer || !customs) throw new Error('set-up failed');
    const [rest, revoked] = [customs, officer];
    const alpha = await clientAs('enterprise:alpha');
    const officer1 = await clientAs('customs:officer1');
    const [early, viaCli, target] = [declaration(ALPHA), declaration(ALPHA), declaration(ALPHA)];
    for (const dec of [early, viaCli, target])
      await alpha.documents.register(dec, { sha256: newFile('rev').sha256 });
    const transitions = (docId: string) =>
      `${rest.url}/api/v1/documents/CUSTOMS_DECLARATION/${docId}/transitions`;

    const sdkBefore = await revoked.documents.transition(
      'CUSTOMS_DECLARATION',
      early.docId,
      'accept',
    );
    const restBefore = await call(transitions(early.docId), {
      token,
      body: { action: 'release' },
    });
    const cliBefore = await swl(
      'doc',
      'status',
      'CUSTOMS_DECLARATION',
      viaCli.docId,
      'accept',
      '--as',
      label,
      '--json',
    );
    const revoke = await swl(
      'user',
      'revoke',
      'customs',
      name,
      '--reason',
      'keycompromise',
      '--json',
    );
    const sdkAfter = await rejectsWithCode(
      revoked.documents.transition('CUSTOMS_DECLARATION', target.docId, 'accept'),
      'ACCESS_DENIED',
    );
    const freshSdk = await rejectsWithCode(
      connectLocal({ as: label, network: TEST_NETWORK }),
      'ACCESS_DENIED',
    );
    const cliAfter = await swl(
      'doc',
      'status',
      'CUSTOMS_DECLARATION',
      target.docId,
      'accept',
      '--as',
      label,
    );
    const restAfter = await call(transitions(target.docId), { token, body: { action: 'accept' } });
    const meAfter = await call(`${rest.url}/api/v1/me`, { token });
    const newToken = await swl('user', 'token', 'create', label, '--json');
    const cliAccepted = await officer1.documents.get('CUSTOMS_DECLARATION', viaCli.docId);
    const unchanged = await officer1.documents.get('CUSTOMS_DECLARATION', target.docId);
    const byOther = await officer1.documents.transition(
      'CUSTOMS_DECLARATION',
      target.docId,
      'accept',
    );

    expect(sdkBefore.value.status).to.equal('ACCEPTED');
    expect(restBefore.status, JSON.stringify(restBefore.body)).to.equal(200);
    expect(restBefore.body.record.status).to.equal('RELEASED');
    expect(cliBefore.code, cliBefore.stderr).to.equal(0);
    expect(cliAccepted.status).to.equal('ACCEPTED');
    expect(revoke.code, revoke.stderr).to.equal(0);
    const summary = JSON.parse(revoke.stdout) as RevokeSummary;
    expect(summary).to.include({ identity: label, tokensRevoked: 1, channelUpdated: true });
    expect(summary.revokedSerials).to.have.length(1);
    expect(summary.signers).to.have.length(3);
    expect(summary.signers[0]).to.equal('CustomsMSP');
    expect(revoke.stderr).to.include('peer channel update');
    expect(sdkAfter.message).to.include('access denied');
    expect(freshSdk.message).to.include('access denied');
    expect(cliAfter.code).to.equal(2);
    expect(cliAfter.stderr).to.match(/^swl: ACCESS_DENIED: /m);
    expect(restAfter.status).to.equal(401);
    expect(restAfter.body.error.code).to.equal('UNAUTHENTICATED');
    expect(meAfter.status).to.equal(401);
    expect(newToken.code).to.equal(2);
    expect(newToken.stderr).to.include('IDENTITY_REVOKED');
    expect(unchanged.status).to.equal('SUBMITTED');
    expect(byOther.value.status).to.equal('ACCEPTED');
  });

  it('repeating the revocation is safe: the CA step and the channel are left as they are', async () => {
    const again = await swl('user', 'revoke', 'customs', name, '--json');

    expect(again.code, again.stderr).to.equal(0);
    const summary = JSON.parse(again.stdout) as RevokeSummary & { alreadyRevoked: boolean };
    expect(summary).to.include({ alreadyRevoked: true, channelUpdated: false, tokensRevoked: 0 });
  });
});
