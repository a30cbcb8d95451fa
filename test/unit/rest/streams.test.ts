import { expect } from 'chai';
import { HttpError } from '@swledger/rest/errors';
import { StreamSlots } from '@swledger/rest/streams';

describe('rest/streams: event streams per token', () => {
  it('gives a token its limit of streams, then 429 RATE_LIMITED; a released slot can be taken again', () => {
    const slots = new StreamSlots(2);
    const first = slots.acquire('tok');
    slots.acquire('tok');

    const refused = (() => {
      try {
        slots.acquire('tok');
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    const other = slots.acquire('other');
    first();
    first();
    const again = slots.acquire('tok');

    expect(refused).to.be.instanceOf(HttpError);
    expect(refused).to.deep.include({ status: 429, code: 'RATE_LIMITED' });
    expect(typeof other).to.equal('function');
    expect(typeof again).to.equal('function');
    expect(slots.held('tok')).to.equal(2);
    expect(slots.held('other')).to.equal(1);
  });
});
