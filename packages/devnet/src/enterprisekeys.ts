/**
 * The enterprise keys of a local network (SPEC §6). At `swl network up`
 * every enterprise user of the topology gets a secp256k1 key in an encrypted
 * keystore under the run directory (`enterprise-keys/<user>.json`, its
 * passphrase beside it in `<user>.passphrase`, both mode 0600: a local
 * network keeps its secrets in its run directory, as it does its Fabric
 * keys), the ledger gets its signing settings, and the user's bank clerk
 * confirms the binding. A real enterprise makes its key with
 * `swl enterprise key create` on its own machine instead.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKeystore, openKeystore, type SwlClient } from '@swledger/sdk';
import { type WriteSigner } from '@swledger/sdk/signer';
import { type Layout } from './layout';
import { bindingBankOf, enterpriseSigningOf, type UserSpec } from './topology';

/** scrypt cost of a local network's keystores: cheap, since its passphrase lies beside it. */
const LOCAL_SCRYPT_N = 1 << 12;

/** The directory of a network's enterprise keystores. */
export function enterpriseKeyDir(layout: Layout): string {
  return layout.path('enterprise-keys');
}

/** Keystore and passphrase files of an enterprise user. */
export function enterpriseKeyFiles(
  layout: Layout,
  user: string,
): { readonly keystore: string; readonly passphrase: string } {
  const dir = enterpriseKeyDir(layout);
  return { keystore: join(dir, `${user}.json`), passphrase: join(dir, `${user}.passphrase`) };
}

const opened = new Map<string, Promise<WriteSigner>>();

/** The signer of an enterprise user of a local network, or undefined when it has no keystore. */
export function localEnterpriseSigner(
  layout: Layout,
  user: string,
): Promise<WriteSigner> | undefined {
  const files = enterpriseKeyFiles(layout, user);
  if (!existsSync(files.keystore) || !existsSync(files.passphrase)) return undefined;
  let signer = opened.get(files.keystore);
  if (signer === undefined) {
    signer = openKeystore(files.keystore, readFileSync(files.passphrase, 'utf8').trim());
    opened.set(files.keystore, signer);
    signer.catch(() => opened.delete(files.keystore));
  }
  return signer;
}

/** Every enterprise user of the topology. */
export function enterpriseUsers(layout: Layout): UserSpec[] {
  return layout.topology.peerOrgs
    .filter((o) => o.kind === 'enterprise')
    .flatMap((o) => o.users.filter((u) => u.role === 'enterprise' && u.entity !== undefined));
}

/** What {@link bindEnterpriseKeys} needs to act on the network. */
export interface BindingConnector {
  /** A client acting as `<org>:<user>`, without an enterprise signer. */
  connect(as: string): Promise<SwlClient>;
}

/**
 * Makes sure the ledger has its signing settings and every enterprise user
 * a confirmed binding: creates what is missing, leaves the rest. Idempotent,
 * so a restarted network changes nothing.
 */
export async function bindEnterpriseKeys(
  layout: Layout,
  connector: BindingConnector,
  progress: (line: string) => void,
): Promise<void> {
  const t = layout.topology;
  const customs = t.peerOrgs.find((o) => o.kind === 'customs');
  const officer = customs?.users.find((u) => u.role === 'officer');
  if (customs === undefined || officer === undefined)
    throw new Error('the topology has no customs officer to configure enterprise signing');
  const signing = enterpriseSigningOf(t);
  const admin = await connector.connect(`${customs.key}:${officer.name}`);
  try {
    if ((await admin.connection.signingSettings()) === undefined) {
      await admin.connection.submit('system', 'configureSigning', [
        JSON.stringify({
          mode: signing.mode,
          chainId: signing.chainId,
          chaincode: t.chaincode.name,
        }),
      ]);
      progress(`enterprise signatures ${signing.mode} (chain id ${String(signing.chainId)})`);
    }
  } finally {
    admin.close();
  }
  const enterpriseOrg = t.peerOrgs.find((o) => o.kind === 'enterprise');
  if (enterpriseOrg === undefined) return;
  mkdirSync(enterpriseKeyDir(layout), { recursive: true, mode: 0o700 });
  for (const user of enterpriseUsers(layout)) {
    await bindOne(layout, connector, `${enterpriseOrg.key}:${user.name}`, user, progress);
  }
}

async function bindOne(
  layout: Layout,
  connector: BindingConnector,
  as: string,
  user: UserSpec,
  progress: (line: string) => void,
): Promise<void> {
  const files = enterpriseKeyFiles(layout, user.name);
  if (!existsSync(files.keystore)) {
    const passphrase = randomBytes(24).toString('hex');
    writeFileSync(files.passphrase, `${passphrase}\n`, { mode: 0o600 });
    await createKeystore(files.keystore, passphrase, { scryptN: LOCAL_SCRYPT_N });
  }
  const key = await (localEnterpriseSigner(layout, user.name) ??
    Promise.reject(new Error(`no keystore for ${user.name}`)));
  const address = (await key.getAddress()).toLowerCase();
  const bank = bindingBankOf(layout.topology, user);
  const clerk = bank.users.find((u) => u.role === 'clerk');
  if (clerk === undefined) throw new Error(`${bank.key} has no clerk to confirm bindings`);
  const entity = user.entity ?? '';
  const enterprise = await connector.connect(as);
  try {
    const existing = await enterprise.bindings.get(address).catch(() => undefined);
    if (existing === undefined) await enterprise.bindings.request(key, entity, bank.mspId);
    if (existing === undefined || existing.status === 'REQUESTED') {
      const banker = await connector.connect(`${bank.key}:${clerk.name}`);
      try {
        await banker.bindings.confirm(address);
      } finally {
        banker.close();
      }
      progress(`${bank.key}:${clerk.name} confirmed ${user.name}'s key ${address} for ${entity}`);
    }
  } finally {
    enterprise.close();
  }
}
