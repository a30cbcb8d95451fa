import { expect } from 'chai';
import { changeEvent, changeOf, EVENT_NAME } from '@swledger/protocol/events';
import { canonicalJson } from '@swledger/protocol/serialize';
import { LATER, recordOf } from '../chaincode/fixtures';

describe('domain/events', () => {
  it('has a stable name', () => {
    expect(EVENT_NAME).to.equal('swl.changes');
  });

  it('describes a creation with a null old status', () => {
    const record = recordOf('CONTRACT');

    const change = changeOf(record.facts, undefined, record.state, 'register');

    expect(change).to.deep.equal({
      type: 'CONTRACT',
      docId: 'CON-001',
      sha256: record.facts.sha256,
      owner: record.facts.owner,
      oldStatus: null,
      newStatus: 'REGISTERED',
      action: 'register',
    });
  });

  it('lists changed state fields and extras as detail', () => {
    const record = recordOf('CUSTOMS_DECLARATION', { status: 'ACCEPTED' });
    const after = { ...record.state, taxStatus: 'ASSESSED', dutyAmount: '5.00', txId: LATER.id };

    const change = changeOf(record.facts, record.state, after, 'assessDuty', { note: 'x' });

    expect(change.detail).to.deep.equal({ taxStatus: 'ASSESSED', dutyAmount: '5.00', note: 'x' });
    expect(change.oldStatus).to.equal('ACCEPTED');
  });

  it('serialises the payload with sorted keys', () => {
    const record = recordOf('CONTRACT');

    const payload = canonicalJson(
      changeEvent([changeOf(record.facts, undefined, record.state, 'register')], 'tx-9'),
    );

    expect(payload).to.equal(
      `{"changes":[{"action":"register","docId":"CON-001","newStatus":"REGISTERED","oldStatus":null,` +
        `"owner":"${record.facts.owner}","sha256":"${record.facts.sha256}","type":"CONTRACT"}],"txId":"tx-9"}`,
    );
  });
});
