import { expect } from 'chai';
import { ErrorCode } from '@swledger/protocol/errors';
import { SCHEMA_VERSION } from '@swledger/protocol/serialize';
import {
  checkDeadline,
  MAX_DEADLINE_SECONDS,
  nextSigningConfig,
  parseAuth,
  type SigningConfig,
} from '@swledger/protocol/signing';
import { expectCode } from '../chaincode/fixtures';

const config = (mode: 'required' | 'optional', chainId = 7300): SigningConfig => ({
  schemaVersion: SCHEMA_VERSION,
  mode,
  chainId,
  chaincode: 'swledger',
});
const auth = {
  signer: `0x${'AB'.repeat(20)}`,
  nonce: `0x${'0'.repeat(64)}`,
  deadline: 1_800_000_000,
  signature: `0x${'1'.repeat(130)}`,
};

describe('protocol/signing', () => {
  it('moves a network from optional to required once, never back, never to another domain', () => {
    expect(nextSigningConfig(undefined, config('optional'))).to.deep.equal(config('optional'));
    expect(nextSigningConfig(config('optional'), config('required'))).to.deep.equal(
      config('required'),
    );
    expect(nextSigningConfig(config('required'), config('required'))).to.deep.equal(
      config('required'),
    );
    expectCode(
      () => nextSigningConfig(config('required'), config('optional')),
      ErrorCode.INVALID_TRANSITION,
    );
    expectCode(
      () => nextSigningConfig(config('optional'), config('required', 1)),
      ErrorCode.INVALID_TRANSITION,
    );
  });

  it('parses an authorisation, lower-casing the signer; refuses a malformed one with BAD_SIGNATURE', () => {
    expect(parseAuth(JSON.stringify(auth)).signer).to.equal(`0x${'ab'.repeat(20)}`);
    for (const bad of [
      '',
      '{}',
      JSON.stringify({ ...auth, signer: '0x12' }),
      JSON.stringify({ ...auth, nonce: 'x' }),
      JSON.stringify({ ...auth, deadline: '1' }),
      JSON.stringify({ ...auth, extra: 1 }),
    ]) {
      expectCode(() => parseAuth(bad), ErrorCode.BAD_SIGNATURE);
    }
  });

  it('refuses a deadline before the transaction (EXPIRED) or more than a day after it', () => {
    const time = new Date(auth.deadline * 1000).toISOString();

    checkDeadline(auth, time);
    expectCode(
      () => checkDeadline(auth, new Date((auth.deadline + 1) * 1000).toISOString()),
      ErrorCode.EXPIRED,
    );
    expectCode(
      () => checkDeadline({ ...auth, deadline: auth.deadline + MAX_DEADLINE_SECONDS + 1 }, time),
      ErrorCode.INVALID_ARGUMENT,
    );
  });
});
