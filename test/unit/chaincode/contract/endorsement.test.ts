import { common, msp } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { encodeRule } from '@swledger/chaincode/contract/endorsement';
import { endorsementRule, type EndorsementRule } from '@swledger/protocol/policy';

interface Decoded {
  readonly identities: readonly string[];
  readonly rule: unknown;
}

function decodeRule(bytes: Uint8Array): Decoded {
  const envelope = common.SignaturePolicyEnvelope.deserializeBinary(bytes);
  const identities = envelope.getIdentitiesList().map((principal) => {
    expect(principal.getPrincipalClassification()).to.equal(msp.MSPPrincipal.Classification.ROLE);
    const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
    expect(role.getRole()).to.equal(msp.MSPRole.MSPRoleType.PEER);
    return role.getMspIdentifier();
  });
  expect(envelope.getVersion()).to.equal(0);
  return { identities, rule: structureOf(envelope.getRule()!, identities) };
}

function structureOf(policy: common.SignaturePolicy, identities: readonly string[]): unknown {
  if (policy.hasNOutOf()) {
    const outOf = policy.getNOutOf()!;
    return {
      n: outOf.getN(),
      of: outOf.getRulesList().map((rule) => structureOf(rule, identities)),
    };
  }
  return identities[policy.getSignedBy()];
}

function decodeOf(rule: EndorsementRule | undefined): Decoded {
  if (rule === undefined) {
    return expect.fail('expected a rule');
  }
  return decodeRule(encodeRule(rule));
}

describe('contract/endorsement', () => {
  it('encodes AND(Customs, OutOf(2, the other three)) over peer roles', () => {
    const decoded = decodeOf(endorsementRule(['CustomsMSP']));

    expect(decoded.identities).to.deep.equal([
      'CustomsMSP',
      'BankAMSP',
      'BankBMSP',
      'EnterpriseMSP',
    ]);
    expect(decoded.rule).to.deep.equal({
      n: 2,
      of: ['CustomsMSP', { n: 2, of: ['BankAMSP', 'BankBMSP', 'EnterpriseMSP'] }],
    });
  });

  it('encodes AND(bank, Customs, OutOf(1, the other two)) for an active guarantee', () => {
    const decoded = decodeOf(endorsementRule(['BankAMSP', 'CustomsMSP']));

    expect(decoded.rule).to.deep.equal({
      n: 3,
      of: ['CustomsMSP', 'BankAMSP', { n: 1, of: ['BankBMSP', 'EnterpriseMSP'] }],
    });
  });

  it('omits the OutOf clause when the required organisations are a majority alone', () => {
    const decoded = decodeOf(endorsementRule(['A', 'B'], ['A', 'B', 'C']));

    expect(decoded.rule).to.deep.equal({ n: 2, of: ['A', 'B'] });
  });

  it('gives equal bytes for equal rules', () => {
    const first = Buffer.from(encodeRule(endorsementRule(['EnterpriseMSP'])!));
    const second = Buffer.from(encodeRule(endorsementRule(['EnterpriseMSP'])!));

    expect(first.equals(second)).to.equal(true);
  });
});
