import { expect } from 'chai';
import { ErrorCode } from '@swledger/protocol/errors';
import {
  assertFreshTimestamp,
  MAX_CLOCK_SKEW_MS,
  timestampIso,
  timestampMillis,
} from '@swledger/protocol/time';
import { expectCode } from '../chaincode/fixtures';

describe('domain/time', () => {
  const now = Date.parse('2026-03-01T10:00:00.000Z');

  it('accepts a timestamp up to 5 minutes either side of the peer clock', () => {
    const edges = [now, now - MAX_CLOCK_SKEW_MS, now + MAX_CLOCK_SKEW_MS];

    for (const txMillis of edges) {
      expect(() => assertFreshTimestamp(txMillis, now)).not.to.throw();
    }
  });

  it('refuses a timestamp an hour in the past', () => {
    expectCode(() => assertFreshTimestamp(now - 3_600_000, now), ErrorCode.INVALID_ARGUMENT);
  });

  it('refuses a timestamp just over 5 minutes either side', () => {
    expectCode(
      () => assertFreshTimestamp(now - MAX_CLOCK_SKEW_MS - 1, now),
      ErrorCode.INVALID_ARGUMENT,
    );
    expectCode(
      () => assertFreshTimestamp(now + MAX_CLOCK_SKEW_MS + 1, now),
      ErrorCode.INVALID_ARGUMENT,
    );
  });

  it('refuses a timestamp that is not a time', () => {
    expectCode(() => assertFreshTimestamp(Number.NaN, now), ErrorCode.INVALID_ARGUMENT);
  });

  it('reads protobuf timestamps whose seconds are numbers, strings or Longs', () => {
    const long = { toString: () => '1772359200' };

    const millis = [
      timestampMillis({ seconds: 1772359200, nanos: 123_456_789 }),
      timestampMillis({ seconds: '1772359200', nanos: 0 }),
      timestampMillis({ seconds: long, nanos: 0 }),
    ];

    expect(millis).to.deep.equal([now + 123, now, now]);
    expect(timestampIso({ seconds: 1772359200, nanos: 5_000_000 })).to.equal(
      '2026-03-01T10:00:00.005Z',
    );
  });
});
