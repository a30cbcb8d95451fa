import { common, msp } from '@hyperledger/fabric-protos';
import { type EndorsementRule } from '@swledger/protocol/policy';

/**
 * Encodes a key-level endorsement rule as the `SignaturePolicyEnvelope`
 * Fabric validates a key's writes against:
 * `AND(required..., OutOf(outOf, others...))` over the peers (MSP role PEER)
 * of each organisation. Identities are listed required first, then the
 * others, each in peer-organisation order, so equal rules give equal bytes.
 */
export function encodeRule(rule: EndorsementRule): Uint8Array {
  const orgs = [...rule.required, ...rule.others];
  const clauses = rule.required.map((_, index) => signedBy(index));
  if (rule.outOf > 0) {
    clauses.push(
      nOutOf(
        rule.outOf,
        rule.others.map((_, index) => signedBy(rule.required.length + index)),
      ),
    );
  }
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setRule(nOutOf(clauses.length, clauses));
  envelope.setIdentitiesList(orgs.map(peerOf));
  return envelope.serializeBinary();
}

function peerOf(mspId: string): msp.MSPPrincipal {
  const role = new msp.MSPRole();
  role.setMspIdentifier(mspId);
  role.setRole(msp.MSPRole.MSPRoleType.PEER);
  const principal = new msp.MSPPrincipal();
  principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
  principal.setPrincipal(role.serializeBinary());
  return principal;
}

function signedBy(index: number): common.SignaturePolicy {
  const policy = new common.SignaturePolicy();
  policy.setSignedBy(index);
  return policy;
}

function nOutOf(n: number, rules: common.SignaturePolicy[]): common.SignaturePolicy {
  const outOf = new common.SignaturePolicy.NOutOf();
  outOf.setN(n);
  outOf.setRulesList(rules);
  const policy = new common.SignaturePolicy();
  policy.setNOutOf(outOf);
  return policy;
}
