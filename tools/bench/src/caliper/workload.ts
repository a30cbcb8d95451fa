/**
 * Caliper workload modules for swledger (Caliper 0.6's workload module
 * interface, written without importing Caliper): `noop`, `register`,
 * `verify` (the record by SHA-256, the read a verification starts with) and
 * `batch`. The round's `workload.arguments` pick one (`kind`) and the
 * identities; `caliper.ts` writes them.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SigningDomain } from '@swledger/protocol/signing';
import { openKeystore } from '@swledger/sdk/keystore';
import { signWrite, type WriteSigner } from '@swledger/sdk/signer';
import type { DocumentRegistration } from '@swledger/sdk/types';

/** One request, as Caliper's Fabric connector takes it. */
interface CaliperRequest {
  readonly contractId: string;
  readonly contractFunction: string;
  readonly contractArguments: string[];
  readonly invokerIdentity: string;
  readonly invokerMspId: string;
  readonly readOnly: boolean;
}

interface SutAdapter {
  sendRequests(request: CaliperRequest): Promise<unknown>;
}

/** What each round passes (benchmark config `workload.arguments`). */
export interface SwlWorkloadArguments {
  readonly kind: 'noop' | 'register' | 'verify' | 'batch';
  readonly chaincode: string;
  /** `<msp>/<user>` of the writer (enterprise) and of the reader (a verifier). */
  readonly writer: { readonly msp: string; readonly user: string };
  readonly reader: { readonly msp: string; readonly user: string };
  /** The enterprise the documents are registered for. */
  readonly owner: string;
  /** SHA-256s on the ledger, for `verify`. */
  readonly hashes?: readonly string[];
  /** Documents per batch, for `batch`. */
  readonly batchSize?: number;
  /**
   * The enterprise's keystore (and its passphrase file) and the network's
   * signing domain, when enterprise writes must be signed: each register
   * and batch then carries the enterprise's EIP-712 signature, as the SDK's.
   */
  readonly signing?: {
    readonly keystore: string;
    readonly passphraseFile: string;
    readonly domain: SigningDomain;
  };
}

/** A customs declaration unique to this worker and run. */
export function declaration(run: string, seq: number, owner: string): DocumentRegistration {
  return {
    type: 'CUSTOMS_DECLARATION',
    docId: `CAL-${run}-${seq}`,
    owner,
    sha256: randomBytes(32).toString('hex'),
    facts: {
      direction: 'EXPORT',
      customsOffice: '2200',
      declaredValue: '125000.00',
      currency: 'USD',
    },
  };
}

class SwlWorkload {
  private args!: SwlWorkloadArguments;
  private sut!: SutAdapter;
  private run = '';
  private seq = 0;
  private signer: WriteSigner | undefined;

  async initializeWorkloadModule(
    workerIndex: number,
    _totalWorkers: number,
    roundIndex: number,
    roundArguments: SwlWorkloadArguments,
    sutAdapter: SutAdapter,
  ): Promise<void> {
    this.args = roundArguments;
    this.sut = sutAdapter;
    this.run = `${Date.now().toString(36)}-${randomBytes(2).toString('hex')}-w${workerIndex}r${roundIndex}`;
    const s = roundArguments.signing;
    if (s)
      this.signer = await openKeystore(s.keystore, readFileSync(s.passphraseFile, 'utf8').trim());
  }

  async submitTransaction(): Promise<unknown> {
    const a = this.args;
    const seq = this.seq++;
    // Enterprise writes end with their authorisation argument: signed, or '' where not required.
    const write = async (contractFunction: string, args: string[]) => {
      const auth =
        this.signer && a.signing
          ? await signWrite(this.signer, a.signing.domain, contractFunction, args, a.owner)
          : '';
      return this.sut.sendRequests({
        contractId: a.chaincode,
        contractFunction,
        contractArguments: [...args, auth],
        invokerIdentity: a.writer.user,
        invokerMspId: a.writer.msp,
        readOnly: false,
      });
    };
    switch (a.kind) {
      case 'noop':
        return this.sut.sendRequests({
          contractId: a.chaincode,
          contractFunction: 'system:noop',
          contractArguments: [`caliper-${this.run}-${seq}`],
          invokerIdentity: a.writer.user,
          invokerMspId: a.writer.msp,
          readOnly: false,
        });
      case 'register':
        return write('document:register', [JSON.stringify(declaration(this.run, seq, a.owner))]);
      case 'batch': {
        const size = a.batchSize ?? 100;
        const entries = Array.from({ length: size }, (_, i) =>
          declaration(this.run, seq * size + i, a.owner),
        );
        return write('document:registerBatch', [JSON.stringify(entries)]);
      }
      case 'verify': {
        const hashes = a.hashes ?? [];
        if (hashes.length === 0) throw new Error('the verify round has no SHA-256 to read');
        return this.sut.sendRequests({
          contractId: a.chaincode,
          contractFunction: 'document:getByHash',
          contractArguments: [hashes[seq % hashes.length]!],
          invokerIdentity: a.reader.user,
          invokerMspId: a.reader.msp,
          readOnly: true,
        });
      }
    }
  }

  cleanupWorkloadModule(): Promise<void> {
    return Promise.resolve();
  }
}

/** Caliper's entry point for a workload module. */
export function createWorkloadModule(): SwlWorkload {
  return new SwlWorkload();
}
