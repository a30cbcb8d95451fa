import { expect } from 'chai';
import { LedgerError } from '@swledger/sdk/errors';
import { resolveTransport, TRANSPORT_ENV } from '@swledger/sdk/connection';

describe('sdk/connection: resolveTransport', () => {
  it('takes the option first, then SWL_TRANSPORT, then the peer Gateway', () => {
    const env = { [TRANSPORT_ENV]: 'fabric-network' };

    const chosen = [
      resolveTransport('gateway', env),
      resolveTransport(undefined, env),
      resolveTransport(undefined, {}),
      resolveTransport(undefined, { [TRANSPORT_ENV]: '' }),
    ];

    expect(chosen).to.deep.equal(['gateway', 'fabric-network', 'gateway', 'gateway']);
  });

  it('refuses an SWL_TRANSPORT that names no transport (INVALID_TRANSPORT), listing the choices', () => {
    let err: unknown;
    try {
      resolveTransport(undefined, { [TRANSPORT_ENV]: 'grpc' });
    } catch (e) {
      err = e;
    }

    expect(err).to.be.instanceOf(LedgerError);
    expect((err as LedgerError).code).to.equal('INVALID_TRANSPORT');
    expect((err as LedgerError).message).to.include('gateway or fabric-network');
  });
});
