import { expect } from 'chai';
import { isAmbiguousCommitFailure } from '@swledger/sdk/fabric';

const endorsed = [{ endorsement: { signature: Buffer.from('s') } }];

describe('SDK: which submit failures leave the outcome unknown', () => {
  it('calls a lost commit-event stream after endorsement unknown', () => {
    const err = Object.assign(new Error('No successful events received'), { responses: endorsed });

    expect(isAmbiguousCommitFailure(err)).to.equal(true);
  });

  it('calls a broadcast that broke without an orderer status unknown', () => {
    for (const message of ['REQUEST TIMEOUT', 'SERVICE UNAVAILABLE', 'SYSTEM ERROR']) {
      const err = Object.assign(new Error(message), { responses: endorsed });

      expect(isAmbiguousCommitFailure(err), message).to.equal(true);
    }
  });

  it('keeps an explicit orderer status, a validation code and an endorsement refusal definitive', () => {
    const refusedByOrderer = Object.assign(
      new Error('Failed to send transaction successfully to the committer. status:BAD_REQUEST'),
      { responses: endorsed },
    );
    const invalidated = Object.assign(new Error('commit failed'), {
      name: 'TransactionError',
      transactionCode: 'MVCC_READ_CONFLICT',
      responses: endorsed,
    });
    const notEndorsed = Object.assign(new Error('No valid responses from any peers'), {
      responses: [{ response: { status: 500 } }],
    });

    expect(isAmbiguousCommitFailure(refusedByOrderer)).to.equal(false);
    expect(isAmbiguousCommitFailure(invalidated)).to.equal(false);
    expect(isAmbiguousCommitFailure(notEndorsed)).to.equal(false);
    expect(isAmbiguousCommitFailure(new Error('UNAVAILABLE'))).to.equal(false);
  });
});
