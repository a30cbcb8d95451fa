import { createHash } from 'node:crypto';
import { Request } from 'express';
import busboy from 'busboy';
import { HttpError } from './errors';

/** A multipart upload after streaming: its text fields and the file's SHA-256 and size. */
export interface HashedUpload {
  readonly fields: Readonly<Record<string, string>>;
  readonly sha256: string;
  readonly bytes: number;
  readonly filename: string;
}

/** How much of a refused upload's remaining body is read before the connection is cut. */
export const DRAIN_AFTER_REFUSAL_BYTES = 1024 * 1024;

/**
 * Reads a multipart/form-data request, hashing the one file part while it
 * streams; the file is never stored or held in memory.
 * @throws HttpError 400 (not multipart, no file, several files), 413 (file or fields too large)
 */
export function hashUpload(
  req: Request,
  opts: { maxFileBytes: number; fileField: string },
): Promise<HashedUpload> {
  return new Promise((resolve, reject) => {
    if (!req.is('multipart/form-data')) {
      reject(new HttpError(400, 'INVALID_ARGUMENT', 'the body must be multipart/form-data'));
      return;
    }
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: {
          fileSize: opts.maxFileBytes,
          files: 1,
          fields: 8,
          fieldSize: 64 * 1024,
          parts: 10,
        },
      });
    } catch {
      reject(new HttpError(400, 'INVALID_ARGUMENT', 'malformed multipart/form-data request'));
      return;
    }
    const fields: Record<string, string> = {};
    let file: { sha256: string; bytes: number; filename: string } | undefined;
    let failure: HttpError | undefined;
    const fail = (e: HttpError) => {
      failure ??= e;
    };
    let pending = 0;
    let finished = false;
    const settle = () => {
      if (!finished || pending > 0) return;
      req.unpipe(bb);
      if (failure) {
        // Drain a little so the client can read the answer; a client that keeps sending
        // after that is cut off rather than read to the end.
        let drained = 0;
        req.on('data', (chunk: Buffer) => {
          drained += chunk.length;
          if (drained > DRAIN_AFTER_REFUSAL_BYTES) req.destroy();
        });
        req.resume();
        reject(failure);
      } else if (!file)
        reject(
          new HttpError(
            400,
            'INVALID_ARGUMENT',
            `a file part named '${opts.fileField}' is required`,
          ),
        );
      else resolve({ fields, ...file });
    };
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated)
        fail(new HttpError(413, 'PAYLOAD_TOO_LARGE', `field ${name} is too large`));
      else fields[name] = value;
    });
    bb.on('file', (name, stream, info) => {
      if (name !== opts.fileField || file) {
        fail(
          new HttpError(
            400,
            'INVALID_ARGUMENT',
            `only one file part, named '${opts.fileField}', is accepted`,
          ),
        );
        stream.resume();
        return;
      }
      pending++;
      const hash = createHash('sha256');
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        hash.update(chunk);
      });
      stream.on('limit', () => {
        // Answer at once; the rest of the body is drained, never hashed.
        fail(
          new HttpError(413, 'PAYLOAD_TOO_LARGE', `the file exceeds ${opts.maxFileBytes} bytes`),
        );
        stream.removeAllListeners('data');
        stream.resume();
        finished = true;
        pending = 0;
        settle();
      });
      stream.on('end', () => {
        file = { sha256: hash.digest('hex'), bytes, filename: info.filename ?? '' };
        pending--;
        settle();
      });
    });
    bb.on('partsLimit', () => fail(new HttpError(413, 'PAYLOAD_TOO_LARGE', 'too many parts')));
    bb.on('filesLimit', () =>
      fail(
        new HttpError(
          400,
          'INVALID_ARGUMENT',
          `only one file part, named '${opts.fileField}', is accepted`,
        ),
      ),
    );
    bb.on('fieldsLimit', () => fail(new HttpError(413, 'PAYLOAD_TOO_LARGE', 'too many fields')));
    bb.on('error', () => {
      fail(new HttpError(400, 'INVALID_ARGUMENT', 'malformed multipart/form-data request'));
      finished = true;
      pending = 0;
      settle();
    });
    bb.on('close', () => {
      finished = true;
      settle();
    });
    req.pipe(bb);
  });
}
