import { Response } from 'express';
import { ServerConfig } from './config';
import { LedgerPool } from './ledger';
import { Metrics } from './metrics';
import { StreamSlots } from './streams';
import { TokenStore } from './tokens';
import { type ProvenanceWatch } from './watch';
import { KeyedWrites, WriteResult } from './writes';

/** What the routers share. */
export interface ServiceContext {
  readonly config: ServerConfig;
  readonly ledger: LedgerPool;
  readonly tokens: TokenStore;
  readonly writes: KeyedWrites;
  readonly metrics: Metrics;
  /** Open event streams per API token. */
  readonly streams: StreamSlots;
  /** The organisation's provenance watch, unless turned off. */
  readonly watch?: ProvenanceWatch;
}

/** Sends a write's (possibly replayed) response. */
export function sendWrite(res: Response, result: WriteResult): void {
  if (result.replayed) res.set('Idempotent-Replayed', 'true');
  res.status(result.status).json(result.body);
}
