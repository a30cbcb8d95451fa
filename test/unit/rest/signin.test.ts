import { expect } from 'chai';
import { Wallet } from 'ethers';
import { HttpError } from '@swledger/rest/errors';
import { SignIn } from '@swledger/rest/signin';
import { CHALLENGE_SECONDS, SESSION_SECONDS } from '@swledger/protocol/signin';

const key = new Wallet(Wallet.createRandom().privateKey);
const T0 = Date.parse('2026-12-01T10:00:00.000Z');

function service(status = 'CONFIRMED'): SignIn {
  return new SignIn('swledger CustomsMSP', 7300, async () => ({
    uscc: '91310000MA1K4A7B2X',
    bankMsp: 'BankAMSP',
    status,
  }));
}

async function refusal(p: Promise<unknown>): Promise<HttpError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(HttpError);
    return err as HttpError;
  }
  throw new Error('expected a refusal');
}

describe('rest/signin: challenges and sessions', () => {
  it('refuses an expired challenge with 401, and ends a session after its time', async () => {
    const s = service();
    const late = await s.challenge(key.address, 'host:1', 'http://host:1/api/v1', T0);
    const fresh = await s.challenge(key.address, 'host:1', 'http://host:1/api/v1', T0);

    const expired = await refusal(
      s.session(
        late.message,
        await key.signMessage(late.message),
        'host:1',
        T0 + (CHALLENGE_SECONDS + 1) * 1000,
      ),
    );
    const { token } = await s.session(
      fresh.message,
      await key.signMessage(fresh.message),
      'host:1',
      T0,
    );

    expect(expired.status).to.equal(401);
    expect(expired.message).to.include('expired');
    expect(s.authenticate(token, T0 + 1000)?.uscc).to.equal('91310000MA1K4A7B2X');
    expect(s.authenticate(token, T0 + (SESSION_SECONDS + 1) * 1000)).to.equal(undefined);
  });

  it('refuses a challenge presented on another host, and a key whose binding is not CONFIRMED', async () => {
    const s = service();
    const revoked = service('REVOKED');
    const c = await s.challenge(key.address, 'host:1', 'http://host:1/api/v1', T0);
    const r = await revoked.challenge(key.address, 'host:1', 'http://host:1/api/v1', T0);

    const otherHost = await refusal(
      s.session(c.message, await key.signMessage(c.message), 'host:2', T0),
    );
    const notBound = await refusal(
      revoked.session(r.message, await key.signMessage(r.message), 'host:1', T0),
    );

    expect(otherHost.status).to.equal(401);
    expect(notBound.status).to.equal(401);
  });
});
