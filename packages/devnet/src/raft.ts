import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { Layout } from './layout';
import { runningPid } from './proc';

function metricsOf(url: string, tls: { ca: Buffer; cert: Buffer; key: Buffer }): Promise<string> {
  return new Promise((resolve) => {
    const req = request(url, { ...tls, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 ? body : ''));
    });
    req.on('error', () => resolve(''));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * Index of the orderer that leads the channel's Raft cluster (its
 * `consensus_etcdraft_is_leader` gauge is 1), or undefined while there is no
 * leader. `/metrics` wants a client certificate of the orderer organisation:
 * its admin's TLS pair.
 */
export async function raftLeader(layout: Layout): Promise<number | undefined> {
  const org = layout.topology.ordererOrg.key;
  const adminTls = join(layout.orgDir(org), 'admin', 'tls');
  const tls = {
    ca: readFileSync(layout.orgCaCert(org)),
    cert: readFileSync(join(adminTls, 'server.crt')),
    key: readFileSync(join(adminTls, 'server.key')),
  };
  for (let n = 0; n < layout.state.orderers; n++) {
    if (runningPid(layout, `orderer${n}`) === undefined) continue;
    const metrics = await metricsOf(
      `https://${layout.hostOf(org)}:${layout.ordererPorts(n).operations}/metrics`,
      tls,
    );
    const line = metrics
      .split('\n')
      .find(
        (l) =>
          l.startsWith('consensus_etcdraft_is_leader') && l.includes(`channel="${layout.channel}"`),
      );
    if (line && Number(line.trim().split(/\s+/).pop()) === 1) return n;
  }
  return undefined;
}
