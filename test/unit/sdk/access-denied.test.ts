import { expect } from 'chai';
import {
  AccessDeniedError,
  accessDenied,
  EndorsementError,
  PeerUnreachableError,
} from '@swledger/sdk/errors';

describe('sdk/errors accessDenied', () => {
  it('turns a discovery refused with "access denied" into ACCESS_DENIED, keeping the cause', () => {
    const refused = new PeerUnreachableError(
      'no peer answered service discovery: DiscoveryService: tradechannel error: access denied',
    );

    const err = accessDenied(refused);

    expect(err).to.be.instanceOf(AccessDeniedError);
    expect(err?.code).to.equal('ACCESS_DENIED');
    expect(err?.cause).to.equal(refused);
  });

  it('leaves unreachable peers and other errors alone', () => {
    expect(accessDenied(new PeerUnreachableError('connect ECONNREFUSED 127.0.0.1:7151'))).to.equal(
      undefined,
    );
    expect(accessDenied(new EndorsementError('access denied'))).to.equal(undefined);
    expect(accessDenied(new Error('access denied'))).to.equal(undefined);
  });
});
