import { expect } from 'chai';
import {
  endorsedFirst,
  installEndorsedResponsesFirst,
  type ProposalResponseLike,
} from '@swledger/sdk/endorsedfirst';

type Response = ProposalResponseLike & { readonly peer: string };

describe('sdk/endorsedfirst: the fabric-common patch of the fabric-network transport', () => {
  it('puts endorsed responses first and keeps the order within each group', () => {
    const responses: (Response | undefined)[] = [
      { peer: 'a' },
      { peer: 'b', endorsement: {} },
      undefined,
      { peer: 'c', endorsement: {} },
    ];

    endorsedFirst(responses);

    expect(responses.map((r) => r?.peer)).to.deep.equal(['b', 'c', 'a', undefined]);
  });

  it('makes build see the endorsed responses first, once however often it is installed', () => {
    const seen: string[][] = [];
    type Request = { endorsement?: { _proposalResponses?: Response[] } };
    const proto = {
      build(this: { _endorsement?: Request['endorsement'] }, _ctx: unknown, request: Request = {}) {
        const responses = (request.endorsement ?? this._endorsement)?._proposalResponses ?? [];
        seen.push(responses.map((r) => r.peer));
        return Buffer.alloc(0);
      },
    };
    const commit = {
      _endorsement: { _proposalResponses: [{ peer: 'down' }, { peer: 'up', endorsement: {} }] },
    };

    const installs = [installEndorsedResponsesFirst(proto), installEndorsedResponsesFirst(proto)];
    proto.build.call(commit, {});
    proto.build.call(commit, {}, { endorsement: { _proposalResponses: [{ peer: 'x' }] } });

    expect(installs).to.deep.equal([true, false]);
    expect(seen).to.deep.equal([['up', 'down'], ['x']]);
  });
});
