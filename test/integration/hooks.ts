import { Watcher, type WatchAlert } from '@swledger/sdk/watch';
import { clientAs, closeClients, startTestNetwork, stopTestNetwork } from './harness';

/**
 * Every transaction the integration suites made is honest: the provenance
 * watch, run over the whole ledger from block 0, must raise no alert.
 */
async function checkWholeLedger(): Promise<void> {
  const verifier = await clientAs('customs:verifier');
  const height = await verifier.connection.ledgerHeight();
  const alerts: WatchAlert[] = [];
  let checked = 0;
  let failure: unknown;
  let errors = 0;
  const started = Date.now();
  const watcher = new Watcher(verifier.connection, {
    startBlock: 0n,
    onAlert: (alert) => {
      alerts.push(alert);
    },
    onChecked: () => {
      checked++;
    },
    onError: (err) => {
      if (++errors >= 5) failure = err;
    },
    retryMillis: 500,
  });
  await watcher.start();
  while ((watcher.nextBlock ?? 0n) < height && failure === undefined)
    await new Promise((r) => setTimeout(r, 200));
  await watcher.stop();
  if (failure !== undefined) {
    throw new Error(
      `the provenance watch could not check block ${watcher.nextBlock ?? '?'}: ${failure instanceof Error ? failure.message : String(failure)}`,
    );
  }
  process.stdout.write(
    `      [provenance] ${checked} transactions in ${height} blocks checked in ${((Date.now() - started) / 1000).toFixed(1)} s, ${alerts.length} alerts\n`,
  );
  if (alerts.length > 0) {
    throw new Error(
      `the provenance watch found ${alerts.length} honest transaction(s) INVALID: ${alerts
        .slice(0, 3)
        .map((a) => `${a.transactionId} ${a.fn ?? ''}: ${a.reason}`)
        .join(' | ')}`,
    );
  }
}

/**
 * Root hooks: one test network for every integration suite. Fault tests
 * start their own networks.
 */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(15 * 60 * 1000);
    await startTestNetwork();
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(10 * 60 * 1000);
    try {
      await checkWholeLedger();
    } finally {
      closeClients();
      await stopTestNetwork();
    }
  },
};
