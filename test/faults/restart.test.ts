import { expect } from 'chai';
import { down, up } from '@swledger/devnet/network';
import { Layout } from '@swledger/devnet/layout';
import { SwlClient } from '@swledger/sdk';
import { ALPHA, declaration, invoice, newFile } from '../integration/fixtures';
import { eventually, freshNetwork, heights, log, purgeNetwork } from './support';
import { connectLocal } from '@swledger/devnet/client';

const NAME = 'faults-restart';

/** Every record on every peer (full view with history), and each peer's ledger height. */
async function snapshot(
  client: SwlClient,
  msps: readonly string[],
  hashes: readonly string[],
): Promise<{ heights: string[]; records: string[]; noop: string[] }> {
  const records: string[] = [];
  for (const msp of msps)
    for (const h of hashes)
      records.push(`${msp} ${JSON.stringify(await client.documents.getByHash(h, msp))}`);
  const noop = await Promise.all(
    msps.map(async (m) => JSON.stringify(await client.system.lastNoop(m))),
  );
  return { heights: (await heights(client, msps)).map(String), records, noop };
}

describe('fault: full network stop and start without purge', function () {
  this.timeout(10 * 60_000);
  let layout: Layout;

  before(async () => {
    layout = await freshNetwork({ name: NAME, portBase: 23400 });
  });
  after(async () => {
    await purgeNetwork(NAME);
  });

  it('finds the same ledger height and every record identical on every peer', async () => {
    const msps = layout.topology.peerOrgs.map((o) => o.mspId);
    // Customs accepts each declaration right after it is registered: its peer must have it.
    let alpha = await connectLocal({
      as: 'enterprise:alpha',
      network: NAME,
      commitScope: 'network',
    });
    const officer = await connectLocal({ as: 'customs:officer1', network: NAME });
    const hashes: string[] = [];
    const batch = Array.from({ length: 20 }, () => ({
      ...invoice(ALPHA),
      sha256: newFile().sha256,
    }));
    await alpha.documents.registerBatch(batch);
    hashes.push(...batch.map((b) => b.sha256));
    for (let i = 0; i < 5; i++) {
      const d = declaration(ALPHA);
      const file = newFile();
      await alpha.documents.register(d, { sha256: file.sha256 });
      await officer.documents.transition('CUSTOMS_DECLARATION', d.docId, 'accept');
      hashes.push(file.sha256);
    }
    await alpha.system.noop('before-restart');
    await eventually(
      'every peer at the same height',
      async () => new Set((await heights(alpha, msps)).map(String)).size === 1,
      30_000,
    );
    const before = await snapshot(alpha, msps, hashes);
    alpha.close();
    officer.close();

    await down({ name: NAME });
    const restarted = await up({ name: NAME });
    alpha = await connectLocal({ as: 'enterprise:alpha', network: NAME });
    const after = await snapshot(alpha, msps, hashes);
    const d = declaration(ALPHA);
    const fresh = await alpha.documents.register(d, { sha256: newFile().sha256 });
    alpha.close();
    log(
      `heights ${before.heights.join(',')} before, ${after.heights.join(',')} after a restart of ${restarted.seconds.toFixed(1)} s; ${before.records.length} record views compared`,
    );

    expect(restarted.alreadyRunning).to.equal(false);
    expect(after.heights).to.deep.equal(before.heights);
    expect(after.records).to.deep.equal(before.records);
    expect(after.noop).to.deep.equal(before.noop);
    expect(before.records).to.have.length(msps.length * 25);
    expect(fresh.value.status).to.equal('SUBMITTED');
  });
});
