import { HttpError } from './errors';

/**
 * The event streams each API token holds open, up to a limit: a stream
 * holds a ledger listener and a socket for as long as it lasts, so one token
 * must not open them without bound.
 */
export class StreamSlots {
  private readonly open = new Map<string, number>();

  constructor(private readonly perToken: number) {}

  /**
   * Takes a slot for `tokenId`.
   *
   * @returns a function that gives the slot back (calling it again does nothing)
   * @throws HttpError 429 RATE_LIMITED when the token already holds `perToken` streams
   */
  acquire(tokenId: string): () => void {
    const held = this.open.get(tokenId) ?? 0;
    if (held >= this.perToken)
      throw new HttpError(
        429,
        'RATE_LIMITED',
        `this API token already has ${this.perToken} event streams open; close one first`,
        { 'Retry-After': '5' },
      );
    this.open.set(tokenId, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = (this.open.get(tokenId) ?? 1) - 1;
      if (now > 0) this.open.set(tokenId, now);
      else this.open.delete(tokenId);
    };
  }

  /** Streams `tokenId` holds open. */
  held(tokenId: string): number {
    return this.open.get(tokenId) ?? 0;
  }
}
