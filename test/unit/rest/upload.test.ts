import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { Request } from 'express';
import { DRAIN_AFTER_REFUSAL_BYTES, hashUpload } from '@swledger/rest/upload';

const BOUNDARY = 'swlboundary';

/** A request stream with the headers hashUpload reads. */
function multipartRequest(): PassThrough & Request {
  const req = new PassThrough() as PassThrough & Request;
  Object.assign(req, {
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    is: (type: string) => type === 'multipart/form-data',
  });
  return req;
}

describe('rest/upload: hashing while streaming', () => {
  it('hashes the file part without keeping it', async () => {
    const req = multipartRequest();
    const upload = hashUpload(req, { maxFileBytes: 1024, fileField: 'file' });

    req.end(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nabc\r\n--${BOUNDARY}--\r\n`,
    );

    expect(await upload).to.deep.include({
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      bytes: 3,
      filename: 'a.txt',
    });
  });

  it('refuses a file over the limit with 413 and cuts off a client that keeps sending', async () => {
    const req = multipartRequest();
    const upload = hashUpload(req, { maxFileBytes: 4096, fileField: 'file' }).then(
      () => undefined,
      (e: unknown) => e as { status: number; code: string },
    );
    req.write(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n`,
    );
    const chunk = Buffer.alloc(64 * 1024, 7);
    let sent = 0;
    while (!req.destroyed && sent < 8 * DRAIN_AFTER_REFUSAL_BYTES) {
      req.write(chunk);
      sent += chunk.length;
      await new Promise((r) => setImmediate(r));
    }

    const err = await upload;

    expect([err?.status, err?.code]).to.deep.equal([413, 'PAYLOAD_TOO_LARGE']);
    expect(req.destroyed).to.equal(true);
    expect(sent).to.be.below(3 * DRAIN_AFTER_REFUSAL_BYTES);
  });
});
