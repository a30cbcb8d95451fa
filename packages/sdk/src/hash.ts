import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
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

/**
 * SHA-256 of a file, read through one reused 1 MiB buffer: memory stays
 * flat whatever the file size (a 1 GB file costs the same 1 MiB).
 */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  const file = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

/** Whether a string is a SHA-256 as the ledger stores it. */
export function isSha256(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s);
}
