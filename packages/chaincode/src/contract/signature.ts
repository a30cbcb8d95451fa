import { type Context } from 'fabric-contract-api';
import { keccak256, toUtf8Bytes } from 'ethers';
import { requireSigningBinding } from '@swledger/protocol/binding';
import { ErrorCode, fail } from '@swledger/protocol/errors';
import { type SignerRef, type Tx } from '@swledger/protocol/record';
import {
  argsPreimage,
  checkDeadline,
  parseAuth,
  signingDomain,
  type SigningConfig,
  type WriteAuth,
} from '@swledger/protocol/signing';
import { writeDigest } from './eip712';
import { SIGNER_KEYS } from './signer';
import { type Store } from './store';

/** One signed write, as the contract sees it. */
export interface SignedCall {
  /** `contract:function`. */
  readonly fn: string;
  /** The function's arguments before the authorisation, exactly as received. */
  readonly args: readonly string[];
  /** USCC of the enterprise the write is for. */
  readonly owner: string;
  /** The authorisation argument: `''` or `{signer, nonce, deadline, signature}`. */
  readonly auth: string;
}

/**
 * Checks an enterprise write's EIP-712 signature: well formed, by the key it
 * names, over this function, these arguments and this network's domain,
 * before its deadline, by a key with a CONFIRMED binding to `owner`, with a
 * nonce never used before (spent here). Pure computation and ledger reads:
 * the provenance replay runs the same check.
 *
 * @returns the signer, or undefined for an unsigned write on an `optional` network
 * @throws SwlError SIGNING_NOT_CONFIGURED, SIGNATURE_REQUIRED, BAD_SIGNATURE, EXPIRED, KEY_NOT_BOUND, REPLAYED
 */
export async function requireEnterpriseSignature(
  ctx: Context,
  store: Store,
  tx: Tx,
  call: SignedCall,
): Promise<SignerRef | undefined> {
  const config =
    (await store.findSigningConfig()) ??
    fail(ErrorCode.SIGNING_NOT_CONFIGURED, 'the ledger has no enterprise-signature settings');
  if (call.auth === '') {
    if (config.mode === 'required') {
      fail(
        ErrorCode.SIGNATURE_REQUIRED,
        `${call.fn} for ${call.owner} needs the enterprise's EIP-712 signature`,
      );
    }
    return undefined;
  }
  const auth = verifiedAuth(ctx, config, call);
  checkDeadline(auth, tx.time);
  const binding = requireSigningBinding(
    await store.findBinding(auth.signer),
    auth.signer,
    call.owner,
  );
  await store.spendNonce(auth.signer, auth.nonce, tx.id);
  return { address: binding.address, bankMsp: binding.bankMsp };
}

/**
 * Checks a signature without a binding: for the key being bound, which
 * proves it holds the key; spends the nonce.
 *
 * @throws SwlError BAD_SIGNATURE, EXPIRED, REPLAYED, SIGNING_NOT_CONFIGURED
 */
export async function requireKeySignature(
  ctx: Context,
  store: Store,
  tx: Tx,
  call: SignedCall,
  address: string,
): Promise<void> {
  const config =
    (await store.findSigningConfig()) ??
    fail(ErrorCode.SIGNING_NOT_CONFIGURED, 'the ledger has no enterprise-signature settings');
  const auth = verifiedAuth(ctx, config, call);
  if (auth.signer !== address) {
    fail(
      ErrorCode.BAD_SIGNATURE,
      `the request must be signed by key ${address}, not ${auth.signer}`,
    );
  }
  checkDeadline(auth, tx.time);
  await store.spendNonce(auth.signer, auth.nonce, tx.id);
}

function verifiedAuth(ctx: Context, config: SigningConfig, call: SignedCall): WriteAuth {
  const auth = parseAuth(call.auth);
  const domain = signingDomain(config.chainId, ctx.stub.getChannelID(), config.chaincode);
  const message = {
    fn: call.fn,
    owner: call.owner,
    args: keccak256(toUtf8Bytes(argsPreimage(call.args))),
    nonce: auth.nonce,
    deadline: auth.deadline,
  };
  let signed: boolean;
  try {
    signed = SIGNER_KEYS.isSignedBy(writeDigest(domain, message), auth.signature, auth.signer);
  } catch {
    return fail(ErrorCode.BAD_SIGNATURE, 'the signature cannot be recovered');
  }
  if (!signed) {
    fail(
      ErrorCode.BAD_SIGNATURE,
      `the signature is not by ${auth.signer} over this ${call.fn} request on this network`,
    );
  }
  return auth;
}

/**
 * Refuses an authorisation on a write that is not an enterprise's.
 *
 * @throws SwlError INVALID_ARGUMENT
 */
export function requireNoAuth(auth: string): undefined {
  if (auth !== '') {
    fail(ErrorCode.INVALID_ARGUMENT, 'only an enterprise write carries an enterprise signature');
  }
  return undefined;
}
