import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

/** SHA-256 of a buffer, 64 lowercase hex. */
export function sha256OfBuffer(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 of a stream, computed chunk by chunk (the stream is never held in memory). */
export async function sha256OfStream(
  stream: Readable | AsyncIterable<Uint8Array | string>,
): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}

/** SHA-256 of a file, streamed in 1 MiB chunks: a 1 GB file costs about 1 MiB of memory. */
export function sha256OfFile(path: string): Promise<string> {
  return sha256OfStream(createReadStream(path, { highWaterMark: 1024 * 1024 }));
}

/** Whether a string is a SHA-256 as the ledger stores it. */
export function isSha256(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s);
}
