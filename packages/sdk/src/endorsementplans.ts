import { CHAINCODE_POLICY_FUNCTIONS } from '@swledger/protocol/policy';

/**
 * Endorsing organisations remembered per function, for the Gateway
 * transport.
 *
 * Left to plan alone, the peer Gateway endorses on its own organisation's
 * peer first and only then, from that simulation's ChaincodeInterest, on
 * the others: two chaincode runs one after the other. Organisations named
 * in the proposal are asked at once. For the functions of
 * {@link CHAINCODE_POLICY_FUNCTIONS} the organisations the Gateway chose for
 * one call fit every call, so they are learned from the first endorsed
 * transaction and named from then on. When named organisations fail to
 * endorse (a peer down, a chaincode server gone) or the commit finds their
 * endorsements short of the policy, the plan is forgotten and the call goes
 * again unnamed: a plan never fails a transaction that planning would have
 * endorsed.
 */
export class EndorsementPlans {
  private readonly plans = new Map<string, readonly string[]>();

  /** The organisations to name for `namespace:fn`; undefined lets the Gateway plan. */
  planFor(namespace: string, fn: string): readonly string[] | undefined {
    return this.plans.get(keyOf(namespace, fn));
  }

  /** True when the endorsers of a call of `namespace:fn` should be learned: it has a fixed plan and none is known. */
  wants(namespace: string, fn: string): boolean {
    const key = keyOf(namespace, fn);
    return CHAINCODE_POLICY_FUNCTIONS.has(key) && !this.plans.has(key);
  }

  /** Remembers the organisations (MSP IDs) that endorsed a call of `namespace:fn`. */
  learn(namespace: string, fn: string, endorsers: readonly string[]): void {
    const key = keyOf(namespace, fn);
    if (!CHAINCODE_POLICY_FUNCTIONS.has(key) || endorsers.length === 0) return;
    this.plans.set(key, [...new Set(endorsers)].sort());
  }

  /** Drops the plan of `namespace:fn`; the next call lets the Gateway plan. */
  forget(namespace: string, fn: string): void {
    this.plans.delete(keyOf(namespace, fn));
  }
}

/** `namespace:function`, as {@link CHAINCODE_POLICY_FUNCTIONS} names a function. */
function keyOf(namespace: string, fn: string): string {
  return `${namespace}:${fn}`;
}
