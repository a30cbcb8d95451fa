import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerError } from '@swledger/sdk/errors';
import { ledgerHeight } from './channel';
import {
  adminSignaturesNeeded,
  blockNumber,
  configFromBlock,
  JsonObject,
  pickSigners,
  revocationList,
  updateEnvelope,
  withCrl,
} from './configupdate';
import { crlDer, parseCrl } from './crl';
import { Layout } from './layout';
import { fabricBin, ordererFlags, peerCli } from './peercli';
import { run, sleep } from './proc';
import { PeerOrgSpec } from './topology';

/** Codes of a failed channel configuration update, one per step. */
export type ChannelUpdateCode =
  | 'CONFIG_FETCH_FAILED'
  | 'CONFIG_EDIT_FAILED'
  | 'CONFIG_SIGN_FAILED'
  | 'CONFIG_UPDATE_FAILED'
  | 'CONFIG_NOT_APPLIED';

/** A step of a channel configuration update failed; the message ends with what to do next. */
export class ChannelUpdateError extends LedgerError {
  constructor(
    code: ChannelUpdateCode,
    message: string,
    readonly workDir: string,
    cause: unknown,
  ) {
    super(code, `${code}: ${message}`, { cause });
    this.name = ChannelUpdateError.name;
  }
}

/** What {@link publishCrl} did. */
export interface CrlPublication {
  /** Number of the config block that carries the CRL (the one already there when nothing changed). */
  readonly configBlock: number;
  /** Whether a config update was submitted (false: the channel already had a CRL revoking the same certificates). */
  readonly updated: boolean;
  /** MSP IDs of the admins that signed the update. */
  readonly signers: readonly string[];
  /** Where the intermediate files (config JSON, update, envelope) were written. */
  readonly workDir: string;
}

/** Options of {@link publishCrl}. */
export interface PublishCrlOptions {
  /** Called with one line per step. Default: silent. */
  readonly progress?: (line: string) => void;
  /** How long to wait for every peer to commit the config block. Default 60 s. */
  readonly applyTimeoutMs?: number;
}

function configtxlator(args: readonly string[]) {
  return run(fabricBin('configtxlator'), args);
}

/** Runs one step, turning any failure into a coded error with the next thing to do. */
async function step<T>(
  code: ChannelUpdateCode,
  what: string,
  workDir: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new ChannelUpdateError(
      code,
      `${what} failed: ${detail}\nNext: check that the network is running (swl network status), then run the same \`swl user revoke\` again; it is safe to repeat (files: ${workDir})`,
      workDir,
      err,
    );
  }
}

/** Fetches the newest config block from the ordering service; returns its number and decoded config. */
async function fetchConfig(
  layout: Layout,
  org: PeerOrgSpec,
  dir: string,
  name: string,
): Promise<{ block: number; config: JsonObject }> {
  const pb = join(dir, `${name}.block.pb`);
  await peerCli(layout, org, [
    'channel',
    'fetch',
    'config',
    pb,
    '-c',
    layout.channel,
    ...ordererFlags(layout),
  ]);
  const json = join(dir, `${name}.block.json`);
  await configtxlator(['proto_decode', '--input', pb, '--type', 'common.Block', '--output', json]);
  const decoded = JSON.parse(readFileSync(json, 'utf8')) as unknown;
  const config = configFromBlock(decoded);
  writeFileSync(join(dir, `${name}.config.json`), JSON.stringify(config, null, 2));
  return { block: blockNumber(decoded), config };
}

/** Encodes two configs and writes the envelope of their difference; returns its path. */
async function writeEnvelope(
  layout: Layout,
  dir: string,
  original: JsonObject,
  updated: JsonObject,
): Promise<string> {
  const encode = async (name: string, value: JsonObject, type: string) => {
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(value, null, 2));
    await configtxlator([
      'proto_encode',
      '--input',
      join(dir, `${name}.json`),
      '--type',
      type,
      '--output',
      join(dir, `${name}.pb`),
    ]);
    return join(dir, `${name}.pb`);
  };
  const before = await encode('original', original, 'common.Config');
  const after = await encode('modified', updated, 'common.Config');
  const update = join(dir, 'update.pb');
  await configtxlator([
    'compute_update',
    '--channel_id',
    layout.channel,
    '--original',
    before,
    '--updated',
    after,
    '--output',
    update,
  ]);
  await configtxlator([
    'proto_decode',
    '--input',
    update,
    '--type',
    'common.ConfigUpdate',
    '--output',
    join(dir, 'update.json'),
  ]);
  const configUpdate = JSON.parse(readFileSync(join(dir, 'update.json'), 'utf8')) as JsonObject;
  return encode('envelope', updateEnvelope(layout.channel, configUpdate), 'common.Envelope');
}

/** Waits until every peer's ledger holds block `block`. */
async function waitForPeers(layout: Layout, block: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const org of layout.topology.peerOrgs) {
    for (;;) {
      const height = await ledgerHeight(layout, org).catch(() => 0);
      if (height > block) break;
      if (Date.now() > deadline)
        throw new Error(`peer0-${org.key} is at height ${height}, still below block ${block}`);
      await sleep(250);
    }
  }
}

/** Has every signer but the last sign the envelope, then the last sign and submit it. */
async function signAndSubmit(
  layout: Layout,
  signers: readonly PeerOrgSpec[],
  envelope: string,
  dir: string,
  progress: (line: string) => void,
): Promise<void> {
  const last = signers[signers.length - 1];
  if (!last) throw new Error('a config update needs at least one signer');
  for (const signer of signers.slice(0, -1)) {
    progress(`signing as ${signer.mspId} admin (${signers.length} of the channel's admins needed)`);
    await step('CONFIG_SIGN_FAILED', `signing as ${signer.mspId} admin`, dir, () =>
      peerCli(layout, signer, ['channel', 'signconfigtx', '-f', envelope]),
    );
  }
  progress(`signing as ${last.mspId} admin and submitting (peer channel update)`);
  await step('CONFIG_UPDATE_FAILED', 'submitting the config update', dir, () =>
    peerCli(layout, last, [
      'channel',
      'update',
      '-f',
      envelope,
      '-c',
      layout.channel,
      ...ordererFlags(layout),
    ]),
  );
}

/**
 * Puts an organisation's CRL into its MSP in the channel configuration, so
 * every peer refuses the certificates it lists: fetches the newest config
 * block, decodes it (configtxlator), replaces the MSP's CRL from the same CA,
 * computes the update, wraps it in an envelope, has enough organisation
 * admins sign it for `/Channel/Application/Admins` (the acting organisation
 * first), submits it (`peer channel update`) and waits until every peer
 * has committed the new config block. Repeating it is safe: a channel whose
 * MSP already has a CRL of the same CA revoking the same serials is left as it is.
 * @param layout the network
 * @param orgKey the organisation whose CA issued the CRL
 * @param crlPem the CRL, PEM
 * @returns the config block that carries the CRL, and who signed
 * @throws ChannelUpdateError with the failed step's code and what to do next
 * @example
 * await publishCrl(layout, 'customs', crlPem, { progress: console.log });
 */
export async function publishCrl(
  layout: Layout,
  orgKey: string,
  crlPem: string,
  opts: PublishCrlOptions = {},
): Promise<CrlPublication> {
  const progress = opts.progress ?? (() => undefined);
  const org = layout.peerOrg(orgKey);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = layout.path('channel', 'updates', `${stamp}-crl-${org.key}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'crl.pem'), crlPem);

  progress(`fetching the latest config block of ${layout.channel} (as ${org.mspId} admin)`);
  const current = await step('CONFIG_FETCH_FAILED', 'fetching the channel configuration', dir, () =>
    fetchConfig(layout, org, dir, 'current'),
  );
  progress(`config block ${current.block} decoded; adding the CRL to ${org.mspId}'s MSP`);
  const edit = await step('CONFIG_EDIT_FAILED', 'editing the configuration', dir, () => {
    const edited = withCrl(current.config, org.mspId, crlPem, (pem) => parseCrl(crlDer(pem)));
    const needed = adminSignaturesNeeded(current.config);
    const signers = pickSigners(layout.topology.peerOrgs, org.mspId, needed);
    return Promise.resolve({ ...edited, needed, signers });
  });
  if (!edit.changed) {
    progress(
      `the channel already carries a CRL revoking the same certificates (config block ${current.block}); nothing to update`,
    );
    await step('CONFIG_NOT_APPLIED', 'waiting for every peer', dir, () =>
      waitForPeers(layout, current.block, opts.applyTimeoutMs ?? 60_000),
    );
    return { configBlock: current.block, updated: false, signers: [], workDir: dir };
  }
  progress('computing the config update (configtxlator compute_update) and its envelope');
  const envelope = await step('CONFIG_EDIT_FAILED', 'computing the update', dir, () =>
    writeEnvelope(layout, dir, current.config, edit.config),
  );

  await signAndSubmit(layout, edit.signers, envelope, dir, progress);

  const after = await step('CONFIG_NOT_APPLIED', 'reading the new config block', dir, () =>
    fetchConfig(layout, org, dir, 'updated'),
  );
  const entry = Buffer.from(crlPem, 'utf8').toString('base64');
  if (after.block <= current.block || !revocationList(after.config, org.mspId).includes(entry))
    throw new ChannelUpdateError(
      'CONFIG_NOT_APPLIED',
      `the ordering service accepted the update but config block ${after.block} does not carry the CRL\nNext: run the same \`swl user revoke\` again (files: ${dir})`,
      dir,
      undefined,
    );
  progress(`config block ${after.block} committed; waiting for every peer to reach it`);
  await step('CONFIG_NOT_APPLIED', 'waiting for every peer', dir, () =>
    waitForPeers(layout, after.block, opts.applyTimeoutMs ?? 60_000),
  );
  return {
    configBlock: after.block,
    updated: true,
    signers: edit.signers.map((s) => s.mspId),
    workDir: dir,
  };
}
