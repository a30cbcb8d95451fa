import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '@swledger/rest/config';
import {
  CONFIG_ERROR_CODES,
  ConfigError,
  ConfigErrorCode,
  loadConfigFile,
} from '@swledger/rest/configfile';
import { makeIdentity } from '../sdk/provenance-fixtures';

function put(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function pemKey(id: ReturnType<typeof makeIdentity>): string {
  return id.key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** The error `fn` throws, which must be a ConfigError. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('no error');
}

const PROFILE = {
  name: 'test',
  version: '1.0.0',
  client: { organization: 'EnterpriseMSP' },
  organizations: { EnterpriseMSP: { mspid: 'EnterpriseMSP', peers: ['peer0.enterprise'] } },
  peers: { 'peer0.enterprise': { url: 'grpcs://localhost:1', tlsCACerts: { pem: 'x' } } },
};

/** An exported organisation directory: profile, two users, the TLS client pair and a server pair. */
function exportedDir(root: string): void {
  const verifier = makeIdentity('EnterpriseMSP', 'verifier', { 'swl.role': 'verifier' });
  const alpha = makeIdentity('EnterpriseMSP', 'alpha', {
    'swl.role': 'enterprise',
    'swl.entity': '91310000MA1K4A7B2X',
  });
  const tls = makeIdentity('EnterpriseMSP', 'tls');
  put(join(root, 'connection-enterprise.yaml'), stringify(PROFILE));
  for (const [name, id] of [
    ['verifier', verifier],
    ['alpha', alpha],
  ] as const) {
    const msp = join(root, 'users', `${name}@enterprise`, 'msp');
    put(join(msp, 'signcerts', 'cert.pem'), id.certificate);
    put(join(msp, 'keystore', 'key.pem'), pemKey(id));
  }
  put(join(root, 'tls', 'client.crt'), tls.certificate);
  put(join(root, 'tls', 'client.key'), pemKey(tls));
  put(join(root, 'rest', 'server.crt'), tls.certificate);
  put(join(root, 'rest', 'server.key'), pemKey(tls));
}

const BASE = {
  org: 'enterprise',
  profile: 'connection-enterprise.yaml',
  tlsClient: { certificate: 'tls/client.crt', privateKey: 'tls/client.key' },
  identity: {
    certificate: 'users/verifier@enterprise/msp/signcerts/cert.pem',
    privateKey: 'users/verifier@enterprise/msp/keystore/key.pem',
    name: 'verifier',
  },
  users: { dir: 'users' },
  database: 'rest.sqlite',
  listen: { host: '0.0.0.0', port: 9443 },
  tls: { certificate: 'rest/server.crt', privateKey: 'rest/server.key' },
  limits: { maxStreamsPerToken: 7 },
};

describe('rest/configfile: the config file of swl serve --config and the CLI', () => {
  let root: string;
  /** Writes `rest.yaml` (or another name) with `config` and returns its path. */
  const write = (config: unknown, name = 'rest.yaml'): string => {
    const file = join(root, name);
    put(file, typeof config === 'string' ? config : stringify(config));
    return file;
  };
  const codeOf = (config: unknown, name?: string): [ConfigErrorCode, string | undefined] => {
    const err = configError(() => loadConfigFile(write(config, name)));
    return [err.code, err.key];
  };

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'swl-configfile-'));
    exportedDir(root);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('reads an exported layout: paths made absolute from the file, the MSP from the profile', () => {
    const c = loadConfigFile(write(BASE));

    expect(c.ledger.profile).to.equal(join(root, 'connection-enterprise.yaml'));
    expect(c.ledger.mspId).to.equal('EnterpriseMSP');
    expect([c.ledger.channel, c.ledger.chaincode]).to.deep.equal(['tradechannel', 'swledger']);
    expect(c.ledger.users).to.deep.equal({ dir: join(root, 'users') });
    expect(c.ledger.organizations.map((o) => o.msp)).to.deep.equal([
      'CustomsMSP',
      'BankAMSP',
      'BankBMSP',
      'EnterpriseMSP',
    ]);
    expect(c.database).to.equal(join(root, 'rest.sqlite'));
    expect(c.tls).to.deep.equal({
      certFile: join(root, 'rest', 'server.crt'),
      keyFile: join(root, 'rest', 'server.key'),
    });
  });

  it('reads the same settings from JSON', () => {
    const c = loadConfigFile(write(JSON.stringify(BASE), 'rest.json'));

    expect([c.ledger.org, c.port, c.host]).to.deep.equal(['enterprise', 9443, '0.0.0.0']);
  });

  it('CONFIG_UNREADABLE: no such config file', () => {
    const err = configError(() => loadConfigFile(join(root, 'nowhere.yaml')));

    expect(err.code).to.equal('CONFIG_UNREADABLE');
    expect(err.file).to.equal(join(root, 'nowhere.yaml'));
  });

  it('CONFIG_SYNTAX: neither YAML, nor JSON for .json', () => {
    expect(codeOf('org: [enterprise\n')).to.deep.equal(['CONFIG_SYNTAX', undefined]);
    expect(codeOf('{"org": "enterprise",}', 'bad.json')).to.deep.equal([
      'CONFIG_SYNTAX',
      undefined,
    ]);
  });

  it('CONFIG_INVALID: an unknown key, a wrong type, a missing setting, an identity of neither form', () => {
    const unknown = configError(() => loadConfigFile(write({ ...BASE, prot: 1 })));

    expect(unknown.code).to.equal('CONFIG_INVALID');
    expect(unknown.message).to.match(
      /^CONFIG_INVALID: .*rest\.yaml: top level: .*\(unknown: prot\)$/,
    );
    expect(codeOf({ ...BASE, listen: { port: 'x' } })).to.deep.equal([
      'CONFIG_INVALID',
      'listen.port',
    ]);
    expect(codeOf({ ...BASE, database: undefined })).to.deep.equal(['CONFIG_INVALID', 'database']);
    expect(codeOf({ ...BASE, identity: { wallet: 'w' } })).to.deep.equal([
      'CONFIG_INVALID',
      'identity',
    ]);
    expect(
      codeOf({ ...BASE, organizations: [{ msp: 'CustomsMSP', kind: 'customs' }] }),
    ).to.deep.equal(['CONFIG_INVALID', 'organizations']);
  });

  it('CONFIG_FILE_MISSING: a profile, a key or a users directory that is not there', () => {
    expect(codeOf({ ...BASE, profile: 'gone.yaml' })).to.deep.equal([
      'CONFIG_FILE_MISSING',
      'profile',
    ]);
    expect(
      codeOf({ ...BASE, identity: { ...BASE.identity, privateKey: 'users/none/key.pem' } }),
    ).to.deep.equal(['CONFIG_FILE_MISSING', 'identity.privateKey']);
    expect(codeOf({ ...BASE, users: { dir: 'nobody' } })).to.deep.equal([
      'CONFIG_FILE_MISSING',
      'users.dir',
    ]);
  });

  it('CONFIG_PROFILE_INVALID: not a connection profile, or without the MSP', () => {
    put(join(root, 'notprofile.yaml'), stringify({ name: 'x' }));

    expect(codeOf({ ...BASE, profile: 'notprofile.yaml' })).to.deep.equal([
      'CONFIG_PROFILE_INVALID',
      'profile',
    ]);
    expect(codeOf({ ...BASE, mspId: 'CustomsMSP' })).to.deep.equal([
      'CONFIG_PROFILE_INVALID',
      'profile',
    ]);
  });

  it('CONFIG_PEM_INVALID and CONFIG_KEY_MISMATCH: a certificate that is not PEM, a key of another certificate', () => {
    put(join(root, 'garbage.pem'), 'not a certificate\n');
    const alphaKey = 'users/alpha@enterprise/msp/keystore/key.pem';

    expect(codeOf({ ...BASE, tls: { ...BASE.tls, certificate: 'garbage.pem' } })).to.deep.equal([
      'CONFIG_PEM_INVALID',
      'tls',
    ]);
    expect(codeOf({ ...BASE, identity: { ...BASE.identity, privateKey: alphaKey } })).to.deep.equal(
      ['CONFIG_KEY_MISMATCH', 'identity'],
    );
  });

  it('CONFIG_NO_IDENTITIES: a users directory without a <user>@<org>', () => {
    mkdirSync(join(root, 'empty-users'), { recursive: true });

    expect(codeOf({ ...BASE, users: { dir: 'empty-users' } })).to.deep.equal([
      'CONFIG_NO_IDENTITIES',
      'users.dir',
    ]);
  });

  it('CONFIG_CONFLICT: --org of another organisation than the file', () => {
    const file = write(BASE);

    const err = configError(() => loadConfig({ config: file, org: 'customs' }, {}));

    expect([err.code, err.key]).to.deep.equal(['CONFIG_CONFLICT', 'org']);
  });

  it('keeps its codes append-only, in this order (each is raised above)', () => {
    expect([...CONFIG_ERROR_CODES]).to.deep.equal([
      'CONFIG_UNREADABLE',
      'CONFIG_SYNTAX',
      'CONFIG_INVALID',
      'CONFIG_FILE_MISSING',
      'CONFIG_PROFILE_INVALID',
      'CONFIG_PEM_INVALID',
      'CONFIG_KEY_MISMATCH',
      'CONFIG_NO_IDENTITIES',
      'CONFIG_CONFLICT',
    ]);
  });
});

describe('rest/config: precedence of flags, environment, config file and defaults', () => {
  let root: string;
  let file: string;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'swl-precedence-'));
    exportedDir(root);
    file = join(root, 'rest.yaml');
    put(file, stringify(BASE));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('takes the file over the defaults: listener, TLS, database, limits, the organisations', () => {
    const c = loadConfig({ config: file }, {});

    expect(c.source).to.include({ kind: 'files', file });
    expect([c.org, c.host, c.port, c.dbFile]).to.deep.equal([
      'enterprise',
      '0.0.0.0',
      9443,
      join(root, 'rest.sqlite'),
    ]);
    expect(c.tls?.certFile).to.equal(join(root, 'rest', 'server.crt'));
    expect([c.maxStreamsPerToken, c.maxBodyBytes]).to.deep.equal([7, 1024 * 1024]);
    expect(c.orgKinds).to.deep.equal({
      CustomsMSP: 'customs',
      BankAMSP: 'bank',
      BankBMSP: 'bank',
      EnterpriseMSP: 'enterprise',
    });
  });

  it('takes the environment over the file, and flags over both; SWL_CONFIG names the file', () => {
    const env = { SWL_CONFIG: file, SWL_REST_PORT: '9000', SWL_REST_MAX_STREAMS: '3' };

    const fromEnv = loadConfig({}, env);
    const fromFlags = loadConfig({ port: 9001, http: true }, env);

    expect([fromEnv.port, fromEnv.maxStreamsPerToken]).to.deep.equal([9000, 3]);
    expect([fromFlags.port, fromFlags.tls]).to.deep.equal([9001, undefined]);
  });

  it('serves plain HTTP for tls: false; refuses a limit out of range with the setting named', () => {
    put(join(root, 'plain.yaml'), stringify({ ...BASE, tls: false }));
    put(join(root, 'big.yaml'), stringify({ ...BASE, limits: { maxStreamsPerToken: 5000 } }));

    const plain = loadConfig({ config: join(root, 'plain.yaml') }, {});
    const err = configError(() => loadConfig({ config: join(root, 'big.yaml') }, {}));

    expect(plain.tls).to.equal(undefined);
    expect([err.code, err.key]).to.deep.equal(['CONFIG_INVALID', 'maxStreamsPerToken']);
  });

  it('without a file or --org: CONFIG_INVALID that says how to choose', () => {
    const err = configError(() => loadConfig({}, {}));

    expect([err.code, err.key]).to.deep.equal(['CONFIG_INVALID', 'org']);
    expect(err.message).to.contain('--config <file>');
  });
});
