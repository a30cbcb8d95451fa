import { expect } from 'chai';
import {
  adminSignaturesNeeded,
  applicationOrgs,
  blockNumber,
  configFromBlock,
  JsonObject,
  pickSigners,
  revocationList,
  updateEnvelope,
  withCrl,
} from '@swledger/devnet/configupdate';
import { crlDer, parseCrl } from '@swledger/devnet/crl';
import {
  EMPTY_CRL,
  OTHER_ISSUER_CRL,
  TWO_REVOKED_CRL,
  TWO_REVOKED_LATER_CRL,
} from './crl-fixtures';

const b64 = (pem: string) => Buffer.from(pem, 'utf8').toString('base64');
const read = (pem: string) => parseCrl(crlDer(pem));

/** An organisation group as configtxlator decodes it (fields the edit does not touch trimmed). */
function orgGroup(mspId: string, revocationList?: string[]): JsonObject {
  const config: JsonObject = { name: mspId, root_certs: ['cm9vdA=='] };
  if (revocationList) config.revocation_list = revocationList;
  return {
    groups: {},
    mod_policy: 'Admins',
    policies: {},
    values: { MSP: { mod_policy: 'Admins', value: { config, type: 0 }, version: '0' } },
    version: '0',
  };
}

/** A channel configuration with four peer organisations and the given Application/Admins rule. */
function channelConfig(rule = 'MAJORITY', customsCrls?: string[]): JsonObject {
  return {
    channel_group: {
      groups: {
        Application: {
          groups: {
            BankAMSP: orgGroup('BankAMSP', []),
            BankBMSP: orgGroup('BankBMSP', []),
            CustomsMSP: orgGroup('CustomsMSP', customsCrls),
            EnterpriseMSP: orgGroup('EnterpriseMSP', []),
          },
          policies: {
            Admins: {
              mod_policy: 'Admins',
              policy: { type: 3, value: { rule, sub_policy: 'Admins' } },
            },
          },
        },
        Orderer: { groups: {} },
      },
    },
    sequence: '7',
  };
}

describe('network/configupdate', () => {
  it('takes the config out of a decoded config block and lists the peer organisations', () => {
    const config = channelConfig();
    const block = { data: { data: [{ payload: { data: { config }, header: {} } }] } };

    const out = configFromBlock(block);

    expect(out).to.deep.equal(config);
    expect(out).to.not.equal(config);
    expect(applicationOrgs(out)).to.deep.equal([
      'BankAMSP',
      'BankBMSP',
      'CustomsMSP',
      'EnterpriseMSP',
    ]);
    expect(() => configFromBlock({ data: { data: [] } })).to.throw(/has no data.data.0/);
  });

  it('adds a CRL to an MSP without one, leaving the input and the other organisations unchanged', () => {
    const config = channelConfig();
    const before = JSON.stringify(config);

    const { config: out, changed } = withCrl(config, 'CustomsMSP', TWO_REVOKED_CRL, read);

    expect(changed).to.equal(true);
    expect(revocationList(out, 'CustomsMSP')).to.deep.equal([b64(TWO_REVOKED_CRL)]);
    expect(revocationList(out, 'BankAMSP')).to.deep.equal([]);
    expect(JSON.stringify(config)).to.equal(before);
    expect(revocationList(config, 'CustomsMSP')).to.deep.equal([]);
  });

  it("replaces the same CA's older CRL and keeps another issuer's", () => {
    const config = channelConfig('MAJORITY', [b64(EMPTY_CRL), b64(OTHER_ISSUER_CRL)]);

    const { config: out, changed } = withCrl(config, 'CustomsMSP', TWO_REVOKED_CRL, read);

    expect(changed).to.equal(true);
    expect(revocationList(out, 'CustomsMSP')).to.deep.equal([
      b64(OTHER_ISSUER_CRL),
      b64(TWO_REVOKED_CRL),
    ]);
  });

  it('reports no change when the MSP has a CRL of the same CA revoking the same serials (a repeated revoke)', () => {
    const config = channelConfig('MAJORITY', [b64(TWO_REVOKED_CRL)]);

    const { config: out, changed } = withCrl(config, 'CustomsMSP', TWO_REVOKED_CRL, read);

    expect(changed).to.equal(false);
    expect(out).to.deep.equal(config);
  });

  it('reports no change for a later CRL of the same CA revoking the same serials, keeping the one there', () => {
    const config = channelConfig('MAJORITY', [b64(TWO_REVOKED_CRL)]);

    const { config: out, changed } = withCrl(config, 'CustomsMSP', TWO_REVOKED_LATER_CRL, read);

    expect(TWO_REVOKED_LATER_CRL).to.not.equal(TWO_REVOKED_CRL);
    expect(changed).to.equal(false);
    expect(revocationList(out, 'CustomsMSP')).to.deep.equal([b64(TWO_REVOKED_CRL)]);
  });

  it('replaces a CRL of the same CA that lists other serials', () => {
    const config = channelConfig('MAJORITY', [b64(OTHER_ISSUER_CRL)]);
    const { config: once } = withCrl(config, 'CustomsMSP', EMPTY_CRL, read);

    const { config: out, changed } = withCrl(once, 'CustomsMSP', TWO_REVOKED_LATER_CRL, read);

    expect(changed).to.equal(true);
    expect(revocationList(out, 'CustomsMSP')).to.deep.equal([
      b64(OTHER_ISSUER_CRL),
      b64(TWO_REVOKED_LATER_CRL),
    ]);
  });

  it('refuses an organisation that is not in the Application group', () => {
    expect(() => withCrl(channelConfig(), 'BankCMSP', TWO_REVOKED_CRL, read)).to.throw(
      /BankCMSP is not in the channel's Application group \(it has BankAMSP, BankBMSP, CustomsMSP, EnterpriseMSP\)/,
    );
  });

  it('counts the admins /Channel/Application/Admins needs: MAJORITY of 4 is 3, ANY 1, ALL 4', () => {
    expect(adminSignaturesNeeded(channelConfig('MAJORITY'))).to.equal(3);
    expect(adminSignaturesNeeded(channelConfig('ANY'))).to.equal(1);
    expect(adminSignaturesNeeded(channelConfig('ALL'))).to.equal(4);
    expect(() => adminSignaturesNeeded(channelConfig('SOME'))).to.throw(
      /unknown ImplicitMeta rule/,
    );
  });

  it('refuses a signature policy it cannot count', () => {
    const config = channelConfig();
    const app = (config.channel_group as JsonObject).groups as JsonObject;
    const policies = (app.Application as JsonObject).policies as JsonObject;
    (policies.Admins as JsonObject).policy = { type: 1, value: {} };

    expect(() => adminSignaturesNeeded(config)).to.throw(/not an ImplicitMeta policy/);
  });

  it('picks the acting organisation first, then the others in order, as many as needed', () => {
    const orgs = [
      { mspId: 'CustomsMSP' },
      { mspId: 'BankAMSP' },
      { mspId: 'BankBMSP' },
      { mspId: 'EnterpriseMSP' },
    ];

    expect(pickSigners(orgs, 'BankBMSP', 3).map((o) => o.mspId)).to.deep.equal([
      'BankBMSP',
      'CustomsMSP',
      'BankAMSP',
    ]);
    expect(() => pickSigners(orgs, 'BankBMSP', 5)).to.throw(/needs 5 organisation admins/);
    expect(() => pickSigners(orgs, 'BankCMSP', 1)).to.throw(/including BankCMSP/);
  });

  it('wraps a config update in an unsigned CONFIG_UPDATE envelope for the channel', () => {
    const update: JsonObject = { channel_id: 'tradechannel', read_set: {}, write_set: {} };

    const env = updateEnvelope('tradechannel', update);

    expect(env).to.deep.equal({
      payload: {
        header: { channel_header: { channel_id: 'tradechannel', type: 2 } },
        data: { config_update: update },
      },
    });
  });
});

describe('network/configupdate blockNumber', () => {
  it("reads a decoded block's number, written as a decimal string", () => {
    expect(blockNumber({ header: { number: '12' } })).to.equal(12);
    expect(blockNumber({ header: { number: 0 } })).to.equal(0);
    expect(() => blockNumber({ header: { number: '-1' } })).to.throw(/not a block number/);
    expect(() => blockNumber({})).to.throw(/has no header/);
  });
});
