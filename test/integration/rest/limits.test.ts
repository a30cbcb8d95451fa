import { expect } from 'chai';
import { connect, Socket } from 'node:net';
import { clientAs } from '../harness';
import { uniqueId } from '../fixtures';
import { batchBesideOthers, CHANGES_PER_ROUND } from '../sameblock';
import { call, startService, TestService } from './harness';

/** One parsed server-sent `change` event. */
interface Sse {
  readonly id: string;
  readonly data: {
    readonly docId: string;
    readonly transactionId: string;
    readonly blockNumber: string;
    readonly transactionIndex: number;
    readonly index: number;
  };
}

/** An open event stream: its HTTP status, and a reader of its `change` events. */
interface OpenStream {
  readonly status: number;
  readonly body: unknown;
  /** Reads until `count` events whose docId starts with `tag` arrived, then closes the stream. */
  take(tag: string, count: number): Promise<Sse[]>;
  close(): void;
}

async function openStream(
  url: string,
  token: string,
  headers: Record<string, string> = {},
): Promise<OpenStream> {
  const ctrl = new AbortController();
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, ...headers },
    signal: ctrl.signal,
  });
  const close = () => ctrl.abort();
  if (res.status !== 200) {
    const body: unknown = await res.json();
    return { status: res.status, body, take: () => Promise.resolve([]), close };
  }
  const reader = res.body!.getReader();
  let buffered = '';
  return {
    status: 200,
    body: undefined,
    close,
    take: async (tag, count) => {
      const out: Sse[] = [];
      const deadline = Date.now() + 60_000;
      while (out.length < count && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += new TextDecoder().decode(value);
        const frames = buffered.split('\n\n');
        buffered = frames.pop() ?? '';
        for (const frame of frames) {
          const id = /^id: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (id === undefined || data === undefined) continue;
          const event = { id, data: JSON.parse(data) as Sse['data'] };
          if (event.data.docId.startsWith(tag) && out.length < count) out.push(event);
        }
      }
      close();
      return out;
    },
  };
}

/** Sends raw bytes on a new connection and resolves with what the server answers until it closes. */
function rawExchange(url: string, send: (socket: Socket) => void): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname === 'localhost' ? '127.0.0.1' : hostname);
    let answer = '';
    socket.on('connect', () => send(socket));
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    setTimeout(() => {
      socket.destroy();
      resolve(answer);
    }, 20_000).unref();
  });
}

describe('REST service: resource limits', function () {
  this.timeout(180_000);
  let svc: TestService;
  let officer: string;
  let auditor: string;

  before(async () => {
    svc = await startService('customs', {
      maxStreamsPerToken: 2,
      maxReplayBlocks: 3,
      maxAnonymousUploadBytes: 4096,
      headersTimeoutMs: 500,
      requestTimeoutMs: 1500,
    });
    officer = svc.token('customs:officer1');
    auditor = svc.token('customs:auditor1');
  });

  after(async () => {
    await svc?.close();
  });

  it('429 RATE_LIMITED for a third event stream of one token; another token, or a closed slot, may open one', async () => {
    const url = `${svc.url}/api/v1/events`;
    const first = await openStream(url, officer);
    const second = await openStream(url, officer);

    const third = await openStream(url, officer);
    const otherToken = await openStream(url, auditor);
    first.close();
    let again = await openStream(url, officer);
    for (let i = 0; i < 20 && again.status === 429; i++) {
      await new Promise((r) => setTimeout(r, 250));
      again = await openStream(url, officer);
    }
    second.close();
    otherToken.close();
    again.close();

    expect([first.status, second.status]).to.deep.equal([200, 200]);
    expect(third.status).to.equal(429);
    expect(third.body).to.have.nested.property('error.code', 'RATE_LIMITED');
    expect(otherToken.status).to.equal(200);
    expect(again.status).to.equal(200);
  });

  it('400 INVALID_ARGUMENT for a replay from further back than the limit, by fromBlock or Last-Event-ID', async () => {
    const height = await (await clientAs('customs:auditor1')).connection.ledgerHeight();
    expect(height > 4n, 'the test network has more than 4 blocks').to.equal(true);
    const url = `${svc.url}/api/v1/events`;

    const old = await openStream(`${url}?fromBlock=0`, officer);
    const oldCheckpoint = await openStream(url, officer, {
      'last-event-id': `0:${'a'.repeat(64)}:0`,
    });
    const recent = await openStream(`${url}?fromBlock=${(height - 2n).toString()}`, officer);
    recent.close();

    expect([old.status, oldCheckpoint.status]).to.deep.equal([400, 400]);
    expect(old.body).to.have.nested.property('error.code', 'INVALID_ARGUMENT');
    expect(oldCheckpoint.body).to.have.nested.property('error.code', 'INVALID_ARGUMENT');
    expect(recent.status).to.equal(200);
  });

  it('413 PAYLOAD_TOO_LARGE for an anonymous upload over its limit; the same file with a token is verified', async () => {
    const form = () => {
      const fd = new FormData();
      fd.append('file', new Blob([Buffer.alloc(8192, 7)]), 'big.pdf');
      return fd;
    };

    const anonymous = await call(`${svc.url}/api/v1/verify`, { method: 'POST', raw: form() });
    const withToken = await call(`${svc.url}/api/v1/verify`, {
      method: 'POST',
      raw: form(),
      token: officer,
    });

    expect([anonymous.status, anonymous.body.error.code]).to.deep.equal([413, 'PAYLOAD_TOO_LARGE']);
    expect(withToken.status).to.equal(200);
    expect(withToken.body.integrity.result).to.equal('INVALID');
  });

  it('408 when the headers, or the whole request, do not arrive in time', async () => {
    const slowHeaders = await rawExchange(svc.url, (s) => s.write('GET /healthz HTTP/1.1\r\n'));
    const slowBody = await rawExchange(svc.url, (s) =>
      s.write(
        'POST /api/v1/verify HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000\r\n\r\n--x\r\n',
      ),
    );

    expect(slowHeaders).to.match(/^HTTP\/1\.1 408/);
    expect(slowBody).to.match(/^HTTP\/1\.1 408/);
  });

  it('/readyz and /metrics are rate-limited per address, and /readyz tells no ledger figure', async () => {
    const limited = await startService('customs', { rateBurst: 3, ratePerSecond: 0.01 });
    try {
      const ready = await call(`${limited.url}/readyz`);
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push((await call(`${limited.url}/metrics`)).status);
      const afterBurst = await call(`${limited.url}/readyz`);

      expect(ready.body).to.deep.equal({ status: 'ready' });
      expect(answers).to.deep.equal([200, 200, 429]);
      expect([afterBurst.status, afterBurst.body.error.code]).to.deep.equal([429, 'RATE_LIMITED']);
    } finally {
      await limited.close();
    }
  });

  it('streams a batch and another transaction of one block in ledger order, and Last-Event-ID resumes mid-block exactly', async () => {
    const auditor = await clientAs('customs:auditor1');
    const open = await startService('customs');
    const token = open.token('customs:officer1');
    try {
      const start = await auditor.connection.ledgerHeight();
      const tag = uniqueId('SSE');
      let all: Sse[] = [];
      let batchTx = '';
      let sharing = false;
      for (let round = 0; round < 8 && !sharing; round++) {
        batchTx = await batchBesideOthers(tag, round);
        const stream = await openStream(
          `${open.url}/api/v1/events?fromBlock=${start.toString()}`,
          token,
        );
        all = await stream.take(tag, CHANGES_PER_ROUND * (round + 1));
        const block = all.find((e) => e.data.transactionId === batchTx)?.data.blockNumber;
        sharing = all.some((e) => e.data.blockNumber === block && e.data.transactionId !== batchTx);
      }
      expect(sharing, 'the batch and another registration committed in one block').to.equal(true);
      const firstOfBatch = all.findIndex((e) => e.data.transactionId === batchTx);

      const resumed = await (
        await openStream(`${open.url}/api/v1/events`, token, {
          'last-event-id': all[firstOfBatch]!.id,
        })
      ).take(tag, all.length - firstOfBatch - 1);

      const keys = all.map((e) => [
        BigInt(e.data.blockNumber),
        BigInt(e.data.transactionIndex),
        BigInt(e.data.index),
      ]);
      for (let i = 1; i < keys.length; i++) {
        const [b0, t0, c0] = keys[i - 1]!;
        const [b1, t1, c1] = keys[i]!;
        expect(
          b1! > b0! || (b1 === b0 && (t1! > t0! || (t1 === t0 && c1! > c0!))),
          `event ${all[i]!.id} after ${all[i - 1]!.id}`,
        ).to.equal(true);
      }
      expect(
        all.slice(firstOfBatch, firstOfBatch + 3).map((e) => [e.data.transactionId, e.data.index]),
      ).to.deep.equal([
        [batchTx, 0],
        [batchTx, 1],
        [batchTx, 2],
      ]);
      expect(resumed.map((e) => e.id)).to.deep.equal(all.slice(firstOfBatch + 1).map((e) => e.id));
    } finally {
      await open.close();
    }
  });
});
