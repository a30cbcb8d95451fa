/**
 * The one patch of a dependency, used by the fabric-network transport only.
 *
 * fabric-common 2.2 builds the transaction from the first proposal response
 * even when that response carries no endorsement: when a peer whose
 * chaincode is down answers first (status 500), the transaction is
 * invalidated as INVALID_ENDORSER_TRANSACTION although the other peers
 * endorsed it. The patch moves endorsed responses to the front before the
 * build.
 *
 * Remove it with the fabric-network transport. fabric-sdk-node is archived
 * (2.2.20 is its last release), so no fix will come upstream; the Gateway
 * transport assembles transactions in the peer and needs nothing of this.
 */
import { Commit, IdentityContext } from 'fabric-common';

/** A proposal response as fabric-common keeps it: endorsed when `endorsement` is set. */
export interface ProposalResponseLike {
  readonly endorsement?: unknown;
}

/** Sorts responses in place, endorsed ones first, keeping the order within each group. */
export function endorsedFirst<T extends ProposalResponseLike | undefined>(responses: T[]): T[] {
  return responses.sort(
    (a, b) => Number(Boolean(b?.endorsement)) - Number(Boolean(a?.endorsement)),
  );
}

type Built = { _endorsement?: { _proposalResponses?: ProposalResponseLike[] } };

interface PatchableCommit {
  build(
    this: Built,
    ctx: IdentityContext,
    request?: Built & { endorsement?: Built['_endorsement'] },
  ): Buffer;
  swlEndorsedFirst?: boolean;
}

/**
 * Patches `Commit.prototype.build` (once) to put endorsed responses first.
 * @returns whether this call installed it (false when it already was)
 */
export function installEndorsedResponsesFirst(
  proto: PatchableCommit = Commit.prototype as unknown as PatchableCommit,
): boolean {
  if (proto.swlEndorsedFirst) return false;
  const build = proto.build;
  proto.build = function (ctx, request = {}) {
    const responses = (request.endorsement ?? this._endorsement)?._proposalResponses;
    if (responses) endorsedFirst(responses);
    return build.call(this, ctx, request);
  };
  proto.swlEndorsedFirst = true;
  return true;
}
