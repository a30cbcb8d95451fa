import { closeClients, startTestNetwork, stopTestNetwork } from './harness';

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
    this.timeout(120 * 1000);
    closeClients();
    await stopTestNetwork();
  },
};
