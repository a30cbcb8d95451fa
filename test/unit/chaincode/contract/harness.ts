import { expect } from 'chai';
import { type Context } from 'fabric-contract-api';
import { type SwlContract } from '@swledger/chaincode/contract/base';
import { encodeRule } from '@swledger/chaincode/contract/endorsement';
import { type Actor } from '@swledger/protocol/actor';
import { type ErrorCode, type SwlError } from '@swledger/protocol/errors';
import { endorsementRule, writeOnceRule } from '@swledger/protocol/policy';
import { type FullView } from '@swledger/protocol/view';
import { expectCodeAsync } from '../fixtures';
import { type MemoryStub } from './memory-stub';

/** A transaction function of a contract, bound to its arguments. */
export type Call = (ctx: Context) => Promise<string>;

/**
 * Runs one transaction as the contract API would (the timestamp guard, then
 * the function), commits it and returns the parsed result.
 */
export async function submit<T = FullView>(
  stub: MemoryStub,
  contract: SwlContract,
  actor: Actor,
  call: Call,
): Promise<T> {
  const ctx = stub.contextFor(actor);
  await contract.beforeTransaction(ctx);
  const result = await call(ctx);
  stub.commit();
  return JSON.parse(result) as T;
}

/** Runs a read: like {@link submit}, but asserts it wrote nothing and emitted no event. */
export async function evaluate<T = FullView>(
  stub: MemoryStub,
  contract: SwlContract,
  actor: Actor,
  call: Call,
): Promise<T> {
  const ctx = stub.contextFor(actor);
  await contract.beforeTransaction(ctx);
  const result = await call(ctx);
  expect(stub.wroteNothing()).to.equal(true, 'a read wrote to the ledger');
  stub.abort();
  return JSON.parse(result) as T;
}

/** Runs a transaction that must fail with `code` and asserts it wrote nothing. */
export async function refused(
  stub: MemoryStub,
  contract: SwlContract,
  actor: Actor,
  call: Call,
  code: ErrorCode,
): Promise<SwlError> {
  const ctx = stub.contextFor(actor);
  const error = await expectCodeAsync(async () => {
    await contract.beforeTransaction(ctx);
    await call(ctx);
  }, code);
  expect(stub.wroteNothing()).to.equal(true, 'a refused transaction wrote to the ledger');
  stub.abort();
  return error;
}

/** The policy bytes the chaincode should set for `accountable`. */
export function policyFor(accountable: readonly string[]): Buffer {
  return Buffer.from(encodeRule(endorsementRule(accountable)));
}

/** The policy bytes of a write-once key: every peer organisation. */
export function writeOncePolicy(): Buffer {
  return Buffer.from(encodeRule(writeOnceRule()));
}

/** A snapshot of committed state, to prove a refusal changed nothing. */
export function snapshot(stub: MemoryStub): string {
  const entries = [
    ...stub.state.entries(),
    ...[...stub.params.entries()].map(([k, v]) => [`param:${k}`, v] as const),
  ];
  return JSON.stringify(
    entries.map(([key, value]) => [key, Buffer.from(value).toString('base64')]).sort(),
  );
}
