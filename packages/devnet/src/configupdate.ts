/**
 * Pure edits of a channel configuration in configtxlator's JSON form
 * (`common.Block` / `common.Config` / `common.ConfigUpdate` decoded by
 * `configtxlator proto_decode`). No file or process is touched here.
 */
import type { CrlInfo } from './crl';

/** A JSON object as configtxlator prints it. */
export type JsonObject = { [key: string]: JsonValue };
/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object at `path` below `root`. @throws Error naming the first missing step */
function objectAt(root: unknown, path: readonly (string | number)[]): JsonObject {
  let at: unknown = root;
  for (const [i, step] of path.entries()) {
    const next: unknown =
      typeof step === 'number'
        ? Array.isArray(at)
          ? (at as unknown[])[step]
          : undefined
        : isObject(at)
          ? at[step]
          : undefined;
    if (next === undefined || next === null)
      throw new Error(`the channel configuration has no ${path.slice(0, i + 1).join('.')}`);
    at = next;
  }
  if (!isObject(at))
    throw new Error(`${path.join('.')} in the channel configuration is not an object`);
  return at;
}

function clone<T extends JsonValue>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/**
 * The channel configuration (`common.Config`) inside a decoded config block.
 * @throws Error when the block is not a config block
 */
export function configFromBlock(block: unknown): JsonObject {
  return clone(objectAt(block, ['data', 'data', 0, 'payload', 'data', 'config']));
}

/**
 * The number of a decoded block (`header.number`, a decimal string in configtxlator's JSON).
 * @throws Error when the block has no number
 */
export function blockNumber(block: unknown): number {
  const n = objectAt(block, ['header']).number;
  const value = typeof n === 'string' && /^\d+$/.test(n) ? Number(n) : n;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new Error(`the block's header.number ${JSON.stringify(n)} is not a block number`);
  return value;
}

/** MSP IDs of the application (peer) organisations in a configuration, sorted. */
export function applicationOrgs(config: unknown): string[] {
  return Object.keys(objectAt(config, ['channel_group', 'groups', 'Application', 'groups'])).sort();
}

/** The revocation list (base64 PEM CRLs) of an application organisation's MSP; empty when none. */
export function revocationList(config: unknown, mspId: string): string[] {
  const msp = mspConfig(config, mspId);
  const list = msp.revocation_list;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list) || !list.every((e): e is string => typeof e === 'string'))
    throw new Error(`the revocation_list of ${mspId} is not a list of base64 strings`);
  return list;
}

function mspConfig(config: unknown, mspId: string): JsonObject {
  const groups = objectAt(config, ['channel_group', 'groups', 'Application', 'groups']);
  if (!isObject(groups[mspId]))
    throw new Error(
      `organisation ${mspId} is not in the channel's Application group (it has ${Object.keys(groups).sort().join(', ')})`,
    );
  return objectAt(groups, [mspId, 'values', 'MSP', 'value', 'config']);
}

/**
 * A copy of the configuration whose organisation MSP lists `crlPem` as its
 * CRL: entries of the same issuer (an older CRL of the same CA) are
 * replaced, CRLs of other issuers kept. `read` tells a CRL's issuer and
 * revoked serials from its PEM text. `changed` is false, and the
 * configuration is returned as it was, when the MSP already holds a CRL of
 * the same issuer revoking the same serials (a CA issues a new CRL, with a
 * new date, each time it is asked; the peers would see no difference).
 * @throws Error when the organisation is not in the Application group
 */
export function withCrl(
  config: JsonObject,
  mspId: string,
  crlPem: string,
  read: (pem: string) => CrlInfo,
): { config: JsonObject; changed: boolean } {
  const updated = clone(config);
  const msp = mspConfig(updated, mspId);
  const before = revocationList(updated, mspId);
  const fresh = read(crlPem);
  const serials = [...fresh.revokedSerials].sort().join(',');
  const sameIssuer = (b64: string) => {
    const info = read(Buffer.from(b64, 'base64').toString('utf8'));
    return info.issuerHex === fresh.issuerHex ? info : undefined;
  };
  const equivalent = before.some(
    (b64) => [...(sameIssuer(b64)?.revokedSerials ?? ['-'])].sort().join(',') === serials,
  );
  if (equivalent) return { config: updated, changed: false };
  const kept = before.filter((b64) => sameIssuer(b64) === undefined);
  msp.revocation_list = [...kept, Buffer.from(crlPem, 'utf8').toString('base64')];
  return { config: updated, changed: true };
}

/**
 * How many distinct organisation admins must sign to satisfy the channel's
 * `/Channel/Application/Admins` policy (an ImplicitMeta rule: ANY, ALL or
 * MAJORITY of the application organisations' Admins).
 * @throws Error when the policy is not an ImplicitMeta policy over Admins
 */
export function adminSignaturesNeeded(config: unknown): number {
  const policy = objectAt(config, [
    'channel_group',
    'groups',
    'Application',
    'policies',
    'Admins',
    'policy',
  ]);
  const value = objectAt(policy, ['value']);
  // Policy type 3 is IMPLICIT_META (common.Policy.PolicyType).
  if (policy.type !== 3 || value.sub_policy !== 'Admins')
    throw new Error(
      '/Channel/Application/Admins is not an ImplicitMeta policy over Admins; sign the update by hand',
    );
  const n = applicationOrgs(config).length;
  switch (value.rule) {
    case 'ANY':
      return 1;
    case 'ALL':
      return n;
    case 'MAJORITY':
      return Math.floor(n / 2) + 1;
    default:
      throw new Error(`unknown ImplicitMeta rule ${JSON.stringify(value.rule)}`);
  }
}

/**
 * The signers of an update, in order: the acting organisation first, then
 * the others in the given order, as many as `needed`.
 * @throws Error when fewer organisations exist than needed
 */
export function pickSigners<T extends { readonly mspId: string }>(
  orgs: readonly T[],
  actingMspId: string,
  needed: number,
): T[] {
  const acting = orgs.filter((o) => o.mspId === actingMspId);
  const ordered = [...acting, ...orgs.filter((o) => o.mspId !== actingMspId)];
  if (acting.length === 0 || ordered.length < needed)
    throw new Error(
      `an update needs ${needed} organisation admins including ${actingMspId}; the network has ${orgs.map((o) => o.mspId).join(', ')}`,
    );
  return ordered.slice(0, needed);
}

/**
 * The envelope (`common.Envelope`, JSON) that carries a config update to
 * the ordering service: a CONFIG_UPDATE (header type 2) for the channel,
 * without signatures (each admin adds its own).
 */
export function updateEnvelope(channelId: string, configUpdate: JsonObject): JsonObject {
  return {
    payload: {
      header: { channel_header: { channel_id: channelId, type: 2 } },
      data: { config_update: clone(configUpdate) },
    },
  };
}
