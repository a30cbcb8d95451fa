import { expect } from 'chai';
import { Layout } from '@swledger/devnet/layout';
import { runningPid } from '@swledger/devnet/proc';
import { LedgerError, SwlClient } from '@swledger/sdk';
import { ALPHA, declaration, newFile } from '../integration/fixtures';
import { eventually, freshNetwork, kill9, log, purgeNetwork, closeQuietly } from './support';
import { connectLocal } from '@swledger/devnet/client';

const NAME = 'faults-cc';

describe("fault: kill one organisation's chaincode server", function () {
  this.timeout(10 * 60_000);
  let layout: Layout;
  let alpha: SwlClient;
  let officer: SwlClient;
  let auditor: SwlClient;

  before(async () => {
    layout = await freshNetwork({ name: NAME, portBase: 22800 });
    alpha = await connectLocal({ as: 'enterprise:alpha', network: NAME });
    officer = await connectLocal({ as: 'customs:officer1', network: NAME });
    auditor = await connectLocal({ as: 'banka:auditor1', network: NAME });
  });
  after(async () => {
    closeQuietly(alpha, officer, auditor);
    const supervisor = layout && runningPid(layout, 'supervisor');
    if (supervisor) process.kill(supervisor, 'SIGCONT');
    await purgeNetwork(NAME);
  });

  it('keeps committing what three organisations can endorse, refuses customs moves within seconds with a typed error, and recovers once the supervisor restarts the server', async () => {
    const dec = declaration(ALPHA);
    await alpha.documents.register(dec, { sha256: newFile().sha256 });
    const supervisor = runningPid(layout, 'supervisor')!;
    // The supervisor restarts a dead server within a second: hold it so the outage lasts.
    process.kill(supervisor, 'SIGSTOP');
    const deadPid = await kill9(layout, 'cc-customs');

    const registered: string[] = [];
    for (let i = 0; i < 3; i++) {
      const d = declaration(ALPHA);
      await alpha.documents.register(d, { sha256: newFile().sha256 });
      registered.push(d.docId);
    }
    // fabric-network: asked of all four, the dead organisation answering first with an error,
    // the other three endorse (sdk/endorsedfirst.ts). The Gateway requires every organisation
    // it is asked for: there, the three live ones are named.
    const live = ['BankAMSP', 'BankBMSP', 'EnterpriseMSP'];
    const asked = alpha.connection.transport === 'fabric-network' ? ['CustomsMSP', ...live] : live;
    const d = declaration(ALPHA);
    await alpha.documents.register(
      d,
      { sha256: newFile().sha256 },
      { endorsingOrgs: asked, retries: 0 },
    );
    registered.push(d.docId);
    const t0 = Date.now();
    let refusal: unknown;
    try {
      await officer.documents.transition('CUSTOMS_DECLARATION', dec.docId, 'accept');
    } catch (err) {
      refusal = err;
    }
    const refusedInMs = Date.now() - t0;
    const whileDown = await auditor.documents.get('CUSTOMS_DECLARATION', dec.docId);
    const historyWhileDown = await alpha.documents.history('CUSTOMS_DECLARATION', dec.docId);

    process.kill(supervisor, 'SIGCONT');
    await eventually(
      'the supervisor to restart cc-customs',
      async () => {
        const pid = runningPid(layout, 'cc-customs');
        return pid !== undefined && pid !== deadPid;
      },
      30_000,
    );
    let accepted: string | undefined;
    const recoveredInMs = await eventually(
      'a customs move to commit again',
      async () => {
        accepted = (
          await officer.documents.transition(
            'CUSTOMS_DECLARATION',
            dec.docId,
            'accept',
            {},
            {
              retries: 0,
            },
          )
        ).value.status;
        return true;
      },
      60_000,
      1000,
    );
    log(
      `customs move refused in ${refusedInMs} ms with ${(refusal as LedgerError)?.name} ${(refusal as LedgerError)?.code}; recovered ${recoveredInMs} ms after the restart`,
    );

    expect(registered).to.have.length(4);
    expect(refusal).to.be.instanceOf(LedgerError);
    expect((refusal as LedgerError).code).to.be.oneOf([
      'ENDORSEMENT_POLICY_FAILURE',
      'ENDORSEMENT_FAILED',
      'PEER_UNREACHABLE',
    ]);
    expect(refusedInMs).to.be.lessThan(20_000);
    expect(whileDown.status).to.equal('SUBMITTED');
    expect(historyWhileDown).to.have.length(1);
    expect(accepted).to.equal('ACCEPTED');
  });
});
