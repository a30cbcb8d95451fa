import { ErrorCode, fail } from './errors';

/** How far a proposal's timestamp may be from the endorsing peer's clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** A protobuf timestamp as the shim hands it over (seconds may be a Long). */
export interface TxTimestamp {
  readonly seconds: number | string | { toString(): string };
  readonly nanos: number;
}

/** Milliseconds since the epoch of a transaction timestamp. */
export function timestampMillis(timestamp: TxTimestamp): number {
  const seconds =
    typeof timestamp.seconds === 'number'
      ? timestamp.seconds
      : Number(timestamp.seconds.toString());
  return seconds * 1000 + Math.floor(timestamp.nanos / 1_000_000);
}

/** ISO 8601 form of a transaction timestamp: the only time written to the ledger. */
export function timestampIso(timestamp: TxTimestamp): string {
  return new Date(timestampMillis(timestamp)).toISOString();
}

/**
 * Refuses to endorse a proposal whose timestamp is more than
 * {@link MAX_CLOCK_SKEW_MS} from the peer's clock. Decides only whether to
 * endorse; the peer clock is never written anywhere.
 *
 * @throws SwlError INVALID_ARGUMENT when the skew is too large
 */
export function assertFreshTimestamp(txMillis: number, peerNowMillis: number): void {
  if (!Number.isFinite(txMillis)) {
    fail(ErrorCode.INVALID_ARGUMENT, 'transaction timestamp is not a valid time');
  }
  if (Math.abs(txMillis - peerNowMillis) > MAX_CLOCK_SKEW_MS) {
    fail(
      ErrorCode.INVALID_ARGUMENT,
      `transaction timestamp ${new Date(txMillis).toISOString()} is more than 5 minutes from the peer clock`,
    );
  }
}
