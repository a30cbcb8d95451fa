import type { LedgerConnection } from './connection';

/** What `ping` answers. */
export interface Ping {
  readonly txId: string;
  readonly txTime: string;
}

/** What `noop` wrote. */
export interface NoopRecord {
  readonly tag: string;
  readonly txId: string;
  readonly txTime: string;
}

/** The system contract: health check (`ping`) and write baseline (`noop`). */
export class SystemApi {
  constructor(private readonly connection: LedgerConnection) {}

  /** Evaluates `ping` on a peer (own org's by default). */
  async ping(peerMsp?: string): Promise<Ping> {
    return JSON.parse(await this.connection.evaluate('system', 'ping', [], { peerMsp })) as Ping;
  }

  /** Submits `noop` (one key written) and waits for its commit. */
  async noop(tag: string): Promise<NoopRecord & { transactionId: string }> {
    const res = await this.connection.submit('system', 'noop', [tag]);
    return { ...(JSON.parse(res.payload) as NoopRecord), transactionId: res.transactionId };
  }

  /** What the last committed `noop` wrote, or undefined. */
  async lastNoop(peerMsp?: string): Promise<NoopRecord | undefined> {
    const out = await this.connection.evaluate('system', 'lastNoop', [], { peerMsp });
    return out ? (JSON.parse(out) as NoopRecord) : undefined;
  }
}
