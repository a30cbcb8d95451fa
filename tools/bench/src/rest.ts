import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@swledger/devnet/proc';
import { openDb } from '@swledger/rest/db';
import { spawnRestService } from '@swledger/rest/process';
import { TokenStore } from '@swledger/rest/tokens';
import type { SwlClient } from '@swledger/sdk/client';
import { runLoad } from './load';
import { Figure, figure, Round } from './stats';
import { DocFactory, RoundPlan } from './workloads';

/** A `swl serve` process of one organisation, for the bench's HTTP rounds. */
export interface RestService {
  readonly url: string;
  readonly token: string;
  stop(): void;
}

/**
 * Starts the enterprise organisation's REST service as its own process
 * (as deployed), plain HTTP on loopback, rate limit lifted, with a token for
 * `identity`.
 */
export async function startRest(network: string, identity: string): Promise<RestService> {
  const dir = mkdtempSync(join(tmpdir(), 'swl-bench-rest-'));
  const dbFile = join(dir, 'rest.sqlite');
  const db = openDb(dbFile);
  const token = new TokenStore(db).create(identity, 'bench').token;
  db.close();
  const rest = await spawnRestService(network, identity.split(':')[0]!, await freePort(), {
    SWL_REST_DB: dbFile,
    SWL_REST_RATE_BURST: '100000',
    SWL_REST_RATE_PER_SECOND: '100000',
  }).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  const stop = () => {
    rest.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  return { url: rest.url, token, stop };
}

async function expectStatus(res: Response, status: number): Promise<void> {
  if (res.status === status) {
    await res.arrayBuffer();
    return;
  }
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
  throw Object.assign(new Error(`HTTP ${res.status}`), {
    code: body.error?.code ?? `HTTP_${res.status}`,
  });
}

/** Registration and verification through the REST service against the SDK directly, alternating rounds. */
export async function restPair(
  sdk: SwlClient,
  rest: RestService,
  docs: DocFactory,
  concurrency: number,
  plan: RoundPlan,
  progress: (line: string) => void,
): Promise<{ sdkRegister: Figure; restRegister: Figure; sdkVerify: Figure; restVerify: Figure }> {
  const rounds: Record<'sdkRegister' | 'restRegister' | 'sdkVerify' | 'restVerify', Round[]> = {
    sdkRegister: [],
    restRegister: [],
    sdkVerify: [],
    restVerify: [],
  };
  const headers = { authorization: `Bearer ${rest.token}`, 'content-type': 'application/json' };
  const load = (op: (seq: number) => Promise<void>) =>
    runLoad({ concurrency, durationMs: plan.durationMs, op });
  const mine: string[] = [];
  for (let i = 0; i < plan.rounds; i++) {
    rounds.sdkRegister.push(
      await load(async () => {
        const d = docs.next();
        await sdk.documents.register(d, { sha256: d.sha256 });
        mine.push(d.sha256);
      }),
    );
    rounds.restRegister.push(
      await load(async () => {
        const d = docs.next();
        const res = await fetch(`${rest.url}/api/v1/documents`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ type: d.type, docId: d.docId, sha256: d.sha256, facts: d.facts }),
        });
        await expectStatus(res, 201);
        mine.push(d.sha256);
      }),
    );
    rounds.sdkVerify.push(
      await load(async (seq) => {
        const v = await sdk.verifier.verify({ sha256: mine[seq % mine.length]! });
        if (v.verdict !== 'VALID') throw Object.assign(new Error(v.verdict), { code: v.verdict });
      }),
    );
    rounds.restVerify.push(
      await load(async (seq) => {
        const res = await fetch(`${rest.url}/api/v1/verify/${mine[seq % mine.length]!}`, {
          headers,
        });
        if (res.status !== 200) await expectStatus(res, 200);
        const v = (await res.json()) as { verdict?: string };
        if (v.verdict !== 'VALID')
          throw Object.assign(new Error(String(v.verdict)), { code: String(v.verdict) });
      }),
    );
    progress(
      `  round ${i + 1}/${plan.rounds}: register sdk ${rounds.sdkRegister.at(-1)!.perSecond.toFixed(1)}/s rest ${rounds.restRegister.at(-1)!.perSecond.toFixed(1)}/s; verify sdk ${rounds.sdkVerify.at(-1)!.perSecond.toFixed(1)}/s rest ${rounds.restVerify.at(-1)!.perSecond.toFixed(1)}/s`,
    );
  }
  return {
    sdkRegister: figure('register via SDK', concurrency, rounds.sdkRegister),
    restRegister: figure('register via REST', concurrency, rounds.restRegister),
    sdkVerify: figure('verify via SDK', concurrency, rounds.sdkVerify),
    restVerify: figure('verify via REST', concurrency, rounds.restVerify),
  };
}
