import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  FABRIC_IMAGES,
  RenderedFile,
  renderDeployment,
  RenderOptions,
} from '@swledger/devnet/render';
import { checkTopology, Topology } from '@swledger/devnet/topology';

const file = join(__dirname, '../../../network/topology.json');
const raw = (): Record<string, unknown> =>
  JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const standard = (): Topology => checkTopology(raw());
const opts: RenderOptions = {
  domain: 'example.com',
  orderers: 3,
  chaincodeVersion: '9.8.7',
  restVersion: '6.5.4',
};

type Doc = Record<string, unknown>;

function parse(f: RenderedFile): Doc[] {
  const docs = parseAllDocuments(f.content);
  if (!Array.isArray(docs)) throw new Error(`${f.path}: empty`);
  for (const d of docs) expect(d.errors, `${f.path}: ${d.errors.join('; ')}`).to.deep.equal([]);
  return docs.map((d) => d.toJS() as Doc);
}

function obj(v: unknown, what: string): Doc {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${what} not a map`);
  return v as Doc;
}

function composeOf(files: RenderedFile[], org: string): Doc {
  const f = files.find((x) => x.path === `compose/${org}/compose.yaml`);
  if (!f) throw new Error(`no compose file for ${org}`);
  const [doc] = parse(f);
  return obj(doc, f.path);
}

function envOf(service: Doc): Doc {
  return obj(service.environment, 'environment');
}

describe('network/render', () => {
  describe('compose', () => {
    it('writes one parseable compose.yaml per organisation', () => {
      const files = renderDeployment(standard(), 'compose', opts);

      expect(files.map((f) => f.path)).to.deep.equal([
        'compose/orderer/compose.yaml',
        'compose/customs/compose.yaml',
        'compose/banka/compose.yaml',
        'compose/bankb/compose.yaml',
        'compose/enterprise/compose.yaml',
      ]);
      for (const f of files) expect(parse(f)).to.have.length(1);
    });

    it('gives a peer org its CA, peer, chaincode server and REST service with our images, all on the network', () => {
      const files = renderDeployment(standard(), 'compose', opts);

      const doc = composeOf(files, 'banka');

      const services = obj(doc.services, 'services');
      expect(Object.keys(services)).to.deep.equal([
        'ca-banka',
        'peer0-banka',
        'ccserver-banka',
        'rest-banka',
      ]);
      const images = Object.values(services).map((s) => obj(s, 'service').image);
      expect(images).to.deep.equal([
        'hyperledger/fabric-ca:1.5.21',
        'hyperledger/fabric-peer:2.5.9',
        'swledger/chaincode:9.8.7',
        'swledger/rest:6.5.4',
      ]);
      for (const s of Object.values(services))
        expect(Object.keys(obj(obj(s, 'service').networks, 'networks'))).to.deep.equal([
          'swledger',
        ]);
      expect(Object.keys(obj(doc.networks, 'networks'))).to.deep.equal(['swledger']);
    });

    it('sets mutual TLS, host names and topology ports on the peer', () => {
      const files = renderDeployment(standard(), 'compose', opts);

      const peer = obj(obj(composeOf(files, 'banka').services, 'services')['peer0-banka'], 'peer');

      const env = envOf(peer);
      expect(env.CORE_PEER_ID).to.equal('peer0.banka.example.com');
      expect(env.CORE_PEER_ADDRESS).to.equal('peer0.banka.example.com:7251');
      expect(env.CORE_PEER_GOSSIP_EXTERNALENDPOINT).to.equal('peer0.banka.example.com:7251');
      expect(env.CORE_PEER_LOCALMSPID).to.equal('BankAMSP');
      expect(env.CORE_PEER_TLS_ENABLED).to.equal('true');
      expect(env.CORE_PEER_TLS_CLIENTAUTHREQUIRED).to.equal('true');
      expect(String(env.CORE_PEER_TLS_CLIENTROOTCAS_FILES).split(' ')).to.have.length(5);
      expect(env.CORE_OPERATIONS_LISTENADDRESS).to.equal('0.0.0.0:7253');
      expect(String(env.CORE_CHAINCODE_EXTERNALBUILDERS)).to.contain('ccaas_builder');
      expect(peer.ports).to.deep.include({ target: 7251, published: 7251, protocol: 'tcp' });
    });

    it('gives the chaincode server its address, package label, TLS files and the org list', () => {
      const files = renderDeployment(standard(), 'compose', opts);

      const cc = obj(
        obj(composeOf(files, 'customs').services, 'services')['ccserver-customs'],
        'cc',
      );

      const env = envOf(cc);
      expect(env.CHAINCODE_SERVER_ADDRESS).to.equal('0.0.0.0:7160');
      expect(String(env.CHAINCODE_ID)).to.match(/^swledger_1\.0_customs:/);
      expect(env.CHAINCODE_TLS_CLIENT_CACERT_FILE).to.equal('/etc/hyperledger/cas/customs-ca.crt');
      expect(JSON.parse(String(env.SWL_PEER_ORGS))).to.deep.equal([
        { msp: 'CustomsMSP', kind: 'customs' },
        { msp: 'BankAMSP', kind: 'bank' },
        { msp: 'BankBMSP', kind: 'bank' },
        { msp: 'EnterpriseMSP', kind: 'enterprise' },
      ]);
    });

    it('gives the orderer org its CA and Raft orderers with channel participation and client auth', () => {
      const files = renderDeployment(standard(), 'compose', opts);

      const services = obj(composeOf(files, 'orderer').services, 'services');

      expect(Object.keys(services)).to.deep.equal([
        'ca-orderer',
        'orderer0-orderer',
        'orderer1-orderer',
        'orderer2-orderer',
      ]);
      const o1 = obj(services['orderer1-orderer'], 'orderer1');
      expect(o1.image).to.equal(FABRIC_IMAGES.orderer);
      const env = envOf(o1);
      expect(env.ORDERER_GENERAL_LISTENPORT).to.equal('7010');
      expect(env.ORDERER_GENERAL_BOOTSTRAPMETHOD).to.equal('none');
      expect(env.ORDERER_CHANNELPARTICIPATION_ENABLED).to.equal('true');
      expect(env.ORDERER_GENERAL_TLS_ENABLED).to.equal('true');
      expect(env.ORDERER_GENERAL_TLS_CLIENTAUTHREQUIRED).to.equal('true');
      expect(env.ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED).to.equal('true');
      expect(env.ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE).to.equal(
        '/etc/hyperledger/fabric/tls/server.crt',
      );
    });
  });

  describe('k8s', () => {
    it('writes parseable documents, each with apiVersion, kind and metadata.name', () => {
      const files = renderDeployment(standard(), 'k8s', opts);

      const docs = files.flatMap(parse);

      expect(docs.length).to.be.greaterThan(20);
      for (const d of docs) {
        expect(d.apiVersion, JSON.stringify(d)).to.be.a('string');
        expect(d.kind, JSON.stringify(d)).to.be.a('string');
        expect(obj(d.metadata, 'metadata').name).to.be.a('string');
      }
    });

    it('puts each organisation in its own namespace', () => {
      const files = renderDeployment(standard(), 'k8s', opts);

      const docs = files.flatMap(parse);

      const namespaces = docs
        .filter((d) => d.kind === 'Namespace')
        .map((d) => obj(d.metadata, 'm').name);
      expect(namespaces).to.deep.equal(['orderer', 'customs', 'banka', 'bankb', 'enterprise']);
      for (const f of files) {
        const org = f.path.split('/')[1];
        for (const d of parse(f).filter((x) => x.kind !== 'Namespace'))
          expect(obj(d.metadata, 'm').namespace, `${f.path} ${String(d.kind)}`).to.equal(org);
      }
    });

    it('has every Service select the pod labels of a Deployment or StatefulSet in its namespace', () => {
      const files = renderDeployment(standard(), 'k8s', opts);

      const docs = files.flatMap(parse);

      const workloads = docs.filter((d) => d.kind === 'Deployment' || d.kind === 'StatefulSet');
      const services = docs.filter((d) => d.kind === 'Service');
      expect(services).to.have.length(workloads.length);
      for (const s of services) {
        const ns = obj(s.metadata, 'm').namespace;
        const selector = obj(obj(s.spec, 'spec').selector, 'selector');
        const match = workloads.filter((w) => {
          const spec = obj(w.spec, 'spec');
          const podLabels = obj(obj(obj(spec.template, 't').metadata, 'm').labels, 'labels');
          return (
            obj(w.metadata, 'm').namespace === ns &&
            Object.entries(selector).every(([k, v]) => podLabels[k] === v)
          );
        });
        expect(
          match,
          `service ${String(obj(s.metadata, 'm').name)} in ${String(ns)}`,
        ).to.have.length(1);
      }
      const kinds = Object.fromEntries(
        workloads.map((w) => [
          `${String(obj(w.metadata, 'm').namespace)}/${String(obj(w.metadata, 'm').name)}`,
          w.kind,
        ]),
      );
      expect(kinds['banka/peer0']).to.equal('StatefulSet');
      expect(kinds['orderer/orderer0']).to.equal('StatefulSet');
      expect(kinds['banka/ccserver']).to.equal('Deployment');
    });

    it('renders Secrets as placeholders that hold no data', () => {
      const files = renderDeployment(standard(), 'k8s', opts);

      const secrets = files.flatMap(parse).filter((d) => d.kind === 'Secret');

      expect(secrets.length).to.be.greaterThan(10);
      for (const s of secrets) {
        expect(s).to.not.have.property('data');
        expect(s).to.not.have.property('stringData');
      }
      for (const f of files) expect(f.content).to.not.match(/BEGIN [A-Z ]*PRIVATE KEY/);
    });

    it('uses the same images and peer settings as compose', () => {
      const files = renderDeployment(standard(), 'k8s', opts);
      const compose = renderDeployment(standard(), 'compose', opts);

      const docs = parse(
        files.find((f) => f.path === 'k8s/bankb/peer0.yaml') ?? { path: '?', content: '' },
      );

      const cm = docs.find((d) => d.kind === 'ConfigMap');
      const composeEnv = envOf(
        obj(obj(composeOf(compose, 'bankb').services, 's')['peer0-bankb'], 'p'),
      );
      expect(obj(cm?.data, 'data')).to.deep.equal(composeEnv);
      const sts = docs.find((d) => d.kind === 'StatefulSet');
      const container = obj(
        (obj(obj(obj(sts?.spec, 's').template, 't').spec, 'ps').containers as unknown[])[0],
        'c',
      );
      expect(container.image).to.equal(FABRIC_IMAGES.peer);
    });
  });

  it('renders a third bank as a fifth organisation from the topology alone', () => {
    const t = raw();
    (t.peerOrgs as unknown[]).push({
      key: 'bankc',
      index: 5,
      mspId: 'BankCMSP',
      organization: 'Bank C',
      country: 'SG',
      kind: 'bank',
      description: 'Bank C',
      users: [{ name: 'clerk1', role: 'clerk' }],
    });
    const topology = checkTopology(t);

    const compose = renderDeployment(topology, 'compose', opts);
    const k8s = renderDeployment(topology, 'k8s', opts);

    expect(compose.map((f) => f.path)).to.include('compose/bankc/compose.yaml');
    const peer = obj(obj(composeOf(compose, 'bankc').services, 's')['peer0-bankc'], 'p');
    expect(envOf(peer).CORE_PEER_ADDRESS).to.equal('peer0.bankc.example.com:7551');
    expect(String(envOf(peer).CORE_PEER_TLS_CLIENTROOTCAS_FILES).split(' ')).to.have.length(6);
    expect(k8s.filter((f) => f.path.startsWith('k8s/bankc/')).map((f) => f.path)).to.deep.equal([
      'k8s/bankc/00-namespace.yaml',
      'k8s/bankc/ca.yaml',
      'k8s/bankc/peer0.yaml',
      'k8s/bankc/ccserver.yaml',
      'k8s/bankc/rest.yaml',
    ]);
    k8s.forEach(parse);
  });

  it('refuses an even number of orderers', () => {
    expect(() => renderDeployment(standard(), 'compose', { ...opts, orderers: 2 })).to.throw(
      'orderers must be 1, 3 or 5',
    );
  });
});
