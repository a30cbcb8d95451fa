/**
 * Decodes a committed transaction envelope into what its signatures prove:
 * the signed creator, the signed request (function and arguments), the
 * endorsers and what they endorsed (the write set, the key policies and
 * the event). Pure: bytes in, facts out.
 */
import { createVerify, X509Certificate } from 'node:crypto';
import { common, kvrwset, msp, protos, rwset } from 'fabric-protos';

/** An identity as a transaction carries it: MSP ID and PEM certificate. */
export interface SignedIdentity {
  readonly mspId: string;
  readonly certificate: string;
}

/** One write of a transaction to a key of the chaincode's namespace. */
export interface KeyWrite {
  readonly key: string;
  readonly isDelete: boolean;
  readonly value: Uint8Array;
}

/** One read of a key: `block`/`tx` of the version read, absent when the key did not exist. */
export interface KeyRead {
  readonly key: string;
  readonly version?: { readonly block: bigint; readonly tx: bigint };
}

/** A transaction of the chaincode, decoded from its envelope. */
export interface SignedTransaction {
  readonly transactionId: string;
  /** ISO 8601 timestamp of the channel header (what the chaincode saw as the tx time). */
  readonly time: string;
  /** Channel of the channel header (part of an enterprise signature's domain). */
  readonly channel: string;
  readonly creator: SignedIdentity;
  /** True when the creator's signature over the payload verifies with its certificate. */
  readonly creatorSignatureValid: boolean;
  /** Chaincode the request named. */
  readonly chaincode: string;
  /** `namespace:function` as the creator signed it (e.g. `document:register`). */
  readonly fn: string;
  readonly args: readonly string[];
  readonly endorsers: readonly (SignedIdentity & { readonly signatureValid: boolean })[];
  /** The chaincode's writes, in the namespace of `chaincode` only. */
  readonly writes: readonly KeyWrite[];
  readonly reads: readonly KeyRead[];
  /** Keys read by range queries, with the versions read; undefined when a range was summarised by a Merkle hash. */
  readonly rangeReads: readonly KeyRead[] | undefined;
  /** Start keys of the range queries (a partial composite key query starts at its prefix). */
  readonly rangeStarts: readonly string[];
  /** Key-level policies written (`VALIDATION_PARAMETER` metadata), by key. */
  readonly policies: ReadonlyMap<string, Uint8Array>;
  /** Namespaces other than the chaincode's (and its lifecycle bookkeeping) that the transaction wrote. */
  readonly otherNamespaces: readonly string[];
  readonly event?: { readonly name: string; readonly payload: Uint8Array };
}

/** Metadata entry name of a key-level endorsement policy. */
const VALIDATION_PARAMETER = 'VALIDATION_PARAMETER';

/**
 * Decodes an endorser transaction envelope.
 *
 * @throws Error when the envelope is not an endorser transaction of one chaincode action
 */
export function decodeTransaction(envelopeBytes: Uint8Array): SignedTransaction {
  const envelope = common.Envelope.decode(envelopeBytes);
  const payloadBytes = envelope.payload;
  const payload = common.Payload.decode(payloadBytes);
  const channelHeader = common.ChannelHeader.decode(payload.header?.channel_header ?? empty());
  if (channelHeader.type !== common.HeaderType.ENDORSER_TRANSACTION) {
    throw new Error(`not an endorser transaction (header type ${String(channelHeader.type)})`);
  }
  const signatureHeader = common.SignatureHeader.decode(
    payload.header?.signature_header ?? empty(),
  );
  const creator = identityOf(signatureHeader.creator);
  const transaction = protos.Transaction.decode(payload.data);
  if (transaction.actions.length !== 1) {
    throw new Error(`a transaction with ${transaction.actions.length} actions`);
  }
  const actionPayload = protos.ChaincodeActionPayload.decode(
    transaction.actions[0]?.payload ?? empty(),
  );
  const proposal = protos.ChaincodeProposalPayload.decode(actionPayload.chaincode_proposal_payload);
  const spec = protos.ChaincodeInvocationSpec.decode(proposal.input).chaincode_spec;
  const chaincode = spec?.chaincode_id?.name ?? '';
  const [fnBytes, ...argBytes] = spec?.input?.args ?? [];
  const endorsed = actionPayload.action;
  const responseBytes = endorsed?.proposal_response_payload ?? empty();
  const response = protos.ProposalResponsePayload.decode(responseBytes);
  const action = protos.ChaincodeAction.decode(response.extension);
  const sets = rwset.TxReadWriteSet.decode(action.results);
  const kv = ownSet(sets.ns_rwset, chaincode);
  const event = action.events.length > 0 ? protos.ChaincodeEvent.decode(action.events) : undefined;
  return {
    transactionId: channelHeader.tx_id,
    time: isoOf(channelHeader.timestamp),
    channel: channelHeader.channel_id,
    creator,
    creatorSignatureValid: verifies(creator.certificate, payloadBytes, envelope.signature),
    chaincode,
    fn: text(fnBytes),
    args: argBytes.map(text),
    endorsers: (endorsed?.endorsements ?? []).map((endorsement) => {
      const endorser = identityOf(endorsement.endorser ?? empty());
      const signed = Buffer.concat([responseBytes, endorsement.endorser ?? empty()]);
      return {
        ...endorser,
        signatureValid: verifies(endorser.certificate, signed, endorsement.signature ?? empty()),
      };
    }),
    writes: kv.writes.map((w) => ({
      key: w.key ?? '',
      isDelete: w.is_delete === true,
      value: w.value ?? empty(),
    })),
    reads: kv.reads.map(readOf),
    rangeReads: rangeReadsOf(kv.range_queries_info),
    rangeStarts: kv.range_queries_info.map((range) => range.start_key ?? ''),
    policies: new Map(
      kv.metadata_writes.flatMap((m) =>
        (m.entries ?? [])
          .filter((entry) => entry.name === VALIDATION_PARAMETER)
          .map((entry) => [m.key ?? '', entry.value ?? empty()] as const),
      ),
    ),
    otherNamespaces: sets.ns_rwset
      .filter((ns) => ns.namespace !== chaincode && ns.namespace !== '_lifecycle')
      .filter((ns) => {
        const set = kvrwset.KVRWSet.decode(ns.rwset ?? empty());
        return set.writes.length > 0 || set.metadata_writes.length > 0;
      })
      .map((ns) => ns.namespace ?? ''),
    ...(event === undefined ? {} : { event: { name: event.event_name, payload: event.payload } }),
  };
}

/**
 * Fabric CA puts enrolment attributes in a certificate extension
 * (OID 1.2.3.4.5.6.7.8.1) holding `{"attrs":{...}}`. Node does not decode
 * unknown extensions, so the JSON is read from the DER bytes.
 */
export function certificateAttributes(pem: string): Record<string, string> {
  const der = new X509Certificate(pem).raw;
  const start = der.indexOf('{"attrs":');
  if (start < 0) return {};
  let depth = 0;
  for (let i = start; i < der.length; i++) {
    const c = der[i];
    if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) {
      try {
        const parsed = JSON.parse(der.subarray(start, i + 1).toString('utf8')) as {
          attrs?: Record<string, string>;
        };
        return parsed.attrs ?? {};
      } catch {
        return {};
      }
    }
  }
  return {};
}

/**
 * True when `certificate` was issued (and signed) by one of `cas`, the CA
 * certificates an organisation's MSP lists in the channel configuration.
 */
export function issuedByOneOf(certificate: string, cas: readonly string[]): boolean {
  try {
    const cert = new X509Certificate(certificate);
    return cas.some((pem) => {
      const ca = new X509Certificate(pem);
      return cert.checkIssued(ca) && cert.verify(ca.publicKey);
    });
  } catch {
    return false;
  }
}

/** True when the certificate's subject carries the NodeOU `ou` (e.g. `peer`). */
export function hasOrganizationalUnit(certificate: string, ou: string): boolean {
  try {
    return new X509Certificate(certificate).subject.split('\n').includes(`OU=${ou}`);
  } catch {
    return false;
  }
}

/** The certificate's subject common name, for messages. */
export function commonName(certificate: string): string {
  try {
    return /CN=([^\n,]+)/.exec(new X509Certificate(certificate).subject)?.[1] ?? '?';
  } catch {
    return '?';
  }
}

/**
 * The chaincode's read-write set: every entry of its namespace merged, so
 * a second entry for the same namespace cannot carry writes past the check.
 */
function ownSet(sets: readonly rwset.INsReadWriteSet[], chaincode: string): kvrwset.KVRWSet {
  const merged = kvrwset.KVRWSet.create();
  for (const ns of sets.filter((entry) => entry.namespace === chaincode)) {
    const set = kvrwset.KVRWSet.decode(ns.rwset ?? empty());
    merged.reads.push(...set.reads);
    merged.range_queries_info.push(...set.range_queries_info);
    merged.writes.push(...set.writes);
    merged.metadata_writes.push(...set.metadata_writes);
  }
  return merged;
}

function identityOf(bytes: Uint8Array): SignedIdentity {
  const identity = msp.SerializedIdentity.decode(bytes);
  return { mspId: identity.mspid, certificate: text(identity.id_bytes) };
}

function verifies(certificate: string, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return createVerify('SHA256').update(data).verify(certificate, signature);
  } catch {
    return false;
  }
}

function readOf(read: kvrwset.IKVRead): KeyRead {
  const version = read.version;
  return {
    key: read.key ?? '',
    ...(version === null || version === undefined
      ? {}
      : { version: { block: bigOf(version.block_num), tx: bigOf(version.tx_num) } }),
  };
}

function rangeReadsOf(ranges: kvrwset.IRangeQueryInfo[]): KeyRead[] | undefined {
  const reads: KeyRead[] = [];
  for (const range of ranges) {
    if (range.raw_reads === null || range.raw_reads === undefined) {
      // A range summarised by Merkle hashes cannot be replayed; one with neither read nothing
      // (an empty range is encoded without raw reads).
      if (range.reads_merkle_hashes !== null && range.reads_merkle_hashes !== undefined)
        return undefined;
      continue;
    }
    reads.push(...(range.raw_reads.kv_reads ?? []).map(readOf));
  }
  return reads;
}

function bigOf(value: number | { toString(): string } | null | undefined): bigint {
  return BigInt(value === null || value === undefined ? 0 : value.toString());
}

function isoOf(timestamp: common.ChannelHeader['timestamp']): string {
  const seconds = Number(timestamp?.seconds?.toString() ?? '0');
  return new Date(seconds * 1000 + Math.floor((timestamp?.nanos ?? 0) / 1_000_000)).toISOString();
}

function text(bytes: Uint8Array | undefined): string {
  return Buffer.from(bytes ?? empty()).toString('utf8');
}

function empty(): Uint8Array {
  return new Uint8Array();
}
