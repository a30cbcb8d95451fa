import { expect } from 'chai';
import { toHttpError } from '@swledger/rest/errors';
import { AccessDeniedError } from '@swledger/sdk/errors';

describe('rest/errors for ACCESS_DENIED', () => {
  it('answers 403 ACCESS_DENIED without Retry-After (retrying cannot help)', () => {
    const http = toHttpError(new AccessDeniedError('access denied'));

    expect(http.status).to.equal(403);
    expect(http.code).to.equal('ACCESS_DENIED');
    expect(http.headers).to.deep.equal({});
  });
});
