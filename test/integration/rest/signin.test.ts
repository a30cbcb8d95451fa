import { expect } from 'chai';
import { Wallet } from 'ethers';
import { clientAs } from '../harness';
import { ALPHA } from '../fixtures';
import { call, startService, type TestService } from './harness';

/** A new key bound to alpha, confirmed by Bank A. */
async function boundKey(): Promise<Wallet> {
  const key = new Wallet(Wallet.createRandom().privateKey);
  await (await clientAs('enterprise:alpha')).bindings.request(key, ALPHA, 'BankAMSP');
  await (await clientAs('banka:clerk1')).bindings.confirm(key.address);
  return key;
}

async function challenge(service: TestService, key: Wallet): Promise<string> {
  const res = await call(`${service.url}/api/v1/signin/challenge`, {
    body: { address: key.address },
  });
  expect(res.status).to.equal(200);
  return res.body.message as string;
}

describe('REST: sign-in with the enterprise key (EIP-4361-style challenge)', function () {
  this.timeout(120_000);
  let customs: TestService;
  let bank: TestService;
  let key: Wallet;

  before(async () => {
    [customs, bank] = await Promise.all([startService('customs'), startService('banka')]);
    key = await boundKey();
  });
  after(async () => {
    await Promise.all([customs.close(), bank.close()]);
  });

  it("gives a session at any organisation's service for a challenge signed with the bound key", async () => {
    const sessions = [];
    for (const service of [customs, bank]) {
      const message = await challenge(service, key);
      const signed = await call(`${service.url}/api/v1/signin/session`, {
        body: { message, signature: await key.signMessage(message) },
      });
      const who = await call(`${service.url}/api/v1/signin/session`, { token: signed.body.token });
      sessions.push({ signed, who });
    }

    for (const { signed, who } of sessions) {
      expect(signed.status).to.equal(200);
      expect(signed.body).to.deep.include({
        address: key.address.toLowerCase(),
        uscc: ALPHA,
        bankMsp: 'BankAMSP',
      });
      expect(who.status).to.equal(200);
      expect(who.body.uscc).to.equal(ALPHA);
    }
  });

  it('refuses a replayed challenge, one for another service, one signed by another key, and an unbound key: 401', async () => {
    const message = await challenge(customs, key);
    const signature = await key.signMessage(message);
    const first = await call(`${customs.url}/api/v1/signin/session`, {
      body: { message, signature },
    });
    const replayed = await call(`${customs.url}/api/v1/signin/session`, {
      body: { message, signature },
    });
    const elsewhere = await challenge(bank, key);
    const wrongService = await call(`${customs.url}/api/v1/signin/session`, {
      body: { message: elsewhere, signature: await key.signMessage(elsewhere) },
    });
    const other = await challenge(customs, key);
    const wrongKey = await call(`${customs.url}/api/v1/signin/session`, {
      body: { message: other, signature: await Wallet.createRandom().signMessage(other) },
    });
    const stranger = new Wallet(Wallet.createRandom().privateKey);
    const unboundMessage = await challenge(customs, stranger);
    const unbound = await call(`${customs.url}/api/v1/signin/session`, {
      body: { message: unboundMessage, signature: await stranger.signMessage(unboundMessage) },
    });
    const badToken = await call(`${customs.url}/api/v1/signin/session`, {
      token: 'swls_not-a-session',
    });

    expect(first.status).to.equal(200);
    for (const res of [replayed, wrongService, wrongKey, unbound, badToken]) {
      expect(res.status).to.equal(401);
      expect(res.body.error.code).to.equal('UNAUTHENTICATED');
    }
  });
});
