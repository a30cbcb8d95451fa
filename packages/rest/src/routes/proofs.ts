import {
  AnchorChain,
  ChainConfig,
  ProofNotReadyError,
  proveDocument,
  rpcChainId,
} from '@swledger/anchor';
import { FabricLedgerReader } from '@swledger/anchor/fabricsource';
import { chainConfigOf } from '@swledger/devnet/evm';
import { resolveLayout } from '@swledger/devnet/layout';
import { z } from 'zod';
import { ApiRouter } from '../api';
import { ServerConfig } from '../config';
import { ServiceContext } from '../context';
import { HttpError } from '../errors';
import { HashPath } from '../schemas';

/** A portable proof bundle (SPEC §7); see the anchor package's ProofBundle. */
const ProofBundle = z
  .object({
    format: z.literal('swledger-proof/1'),
    leaf: z.object({}).passthrough(),
    leafHash: z.string(),
    proof: z.array(z.string()),
    root: z.string(),
    anchor: z.object({}).passthrough(),
    fabric: z.object({}).passthrough(),
    view: z.object({}).passthrough(),
  })
  .describe(
    'Leaf, Merkle proof, root, chain id, contract, EVM transaction, Fabric transaction and block, and the public view: check it with `swl verify <file> --proof <bundle> --rpc <url>` or the verify page',
  );

/**
 * The anchor contract the service proves against: SWL_REST_ANCHOR_RPC and
 * SWL_REST_ANCHOR_CONTRACT when set, else the local network's deployment.
 */
async function chainOf(ctx: ServiceContext): Promise<ChainConfig> {
  const rpcUrl = process.env.SWL_REST_ANCHOR_RPC;
  const contract = process.env.SWL_REST_ANCHOR_CONTRACT;
  if (rpcUrl && contract) return { rpcUrl, chainId: await rpcChainId(rpcUrl), contract };
  if (ctx.config.source.kind !== 'network')
    throw new HttpError(
      404,
      'ANCHORING_OFF',
      'this service has no anchor contract configured (SWL_REST_ANCHOR_RPC, SWL_REST_ANCHOR_CONTRACT)',
    );
  try {
    return chainConfigOf(resolveLayout({ name: ctx.config.source.network }).layout);
  } catch (err) {
    throw new HttpError(404, 'ANCHORING_OFF', err instanceof Error ? err.message : String(err));
  }
}

/** The EVM RPC URL the service proves against, if it has one (read once, at start). */
export function anchorRpcUrl(config: ServerConfig): string | undefined {
  if (process.env.SWL_REST_ANCHOR_RPC) return process.env.SWL_REST_ANCHOR_RPC;
  if (config.source.kind !== 'network') return undefined;
  try {
    return chainConfigOf(resolveLayout({ name: config.source.network }).layout).rpcUrl;
  } catch {
    return undefined;
  }
}

const AnchoringInfo = z
  .object({ rpcUrl: z.string(), chainId: z.string(), contract: z.string() })
  .describe('The EVM chain and anchor contract proofs are checked against');

/** /api/v1/proofs: portable proofs for parties outside the network; no token needed. */
export function proofsRouter(ctx: ServiceContext): ApiRouter {
  const r = new ApiRouter('/proofs', 'verification');
  r.add(
    {
      method: 'get',
      path: '/',
      operationId: 'anchoringInfo',
      summary: 'Where proofs are anchored: the EVM RPC, chain id and contract',
      description: '404 ANCHORING_OFF when the service has no anchor contract.',
      auth: 'optional',
      responses: { 200: { description: 'The anchoring chain', schema: AnchoringInfo } },
      errors: [401, 404, 429, 503],
    },
    async (_input, _req, res) => {
      const config = await chainOf(ctx).catch((err: unknown) => {
        if (err instanceof HttpError) throw err;
        throw new HttpError(503, 'EVM_UNREACHABLE', 'the EVM RPC is not reachable; retry later', {
          'Retry-After': '5',
        });
      });
      res.json({
        rpcUrl: config.rpcUrl,
        chainId: config.chainId.toString(),
        contract: config.contract,
      });
    },
  );
  r.add(
    {
      method: 'get',
      path: '/{sha256}',
      operationId: 'proofByHash',
      summary: "A document's portable proof (its latest anchored change)",
      description:
        "Rebuilt from this organisation's own peer and checked against the anchored root. 404 NOT_FOUND: no such document; 404 NOT_ANCHORED: registered or changed after the last anchor (retry after the next one); 503 EVM_UNREACHABLE: the EVM RPC did not answer.",
      auth: 'optional',
      params: HashPath,
      responses: { 200: { description: 'The proof bundle', schema: ProofBundle } },
      errors: [400, 401, 404, 429, 503],
    },
    async ({ params }, req, res) => {
      const client = await ctx.ledger.client(req.caller?.label ?? ctx.ledger.verifierLabel);
      const view = await client.documents.getByHash(params.sha256, client.mspId);
      const config = await chainOf(ctx).catch((err: unknown) => {
        if (err instanceof HttpError) throw err;
        throw new HttpError(503, 'EVM_UNREACHABLE', 'the EVM RPC is not reachable; retry later', {
          'Retry-After': '5',
        });
      });
      const chain = AnchorChain.at(config);
      try {
        const { bundle, unanchoredChangeBlocks } = await proveDocument(
          chain,
          new FabricLedgerReader(client),
          {
            sha256: params.sha256,
            channel: 'tradechannel',
            view: { ...view, access: 'public' },
            registeredInBlock: await client.connection.blockNumberOf(view.txId),
          },
        );
        if (unanchoredChangeBlocks.length > 0)
          res.set('Swl-Unanchored-Change-Blocks', unanchoredChangeBlocks.join(','));
        res.json(bundle);
      } catch (err) {
        if (err instanceof ProofNotReadyError)
          throw new HttpError(404, err.code, err.message, { 'Retry-After': '10' });
        if (err instanceof HttpError) throw err;
        if (isRpcFailure(err))
          throw new HttpError(503, 'EVM_UNREACHABLE', 'the EVM RPC is not reachable; retry later', {
            'Retry-After': '5',
          });
        throw err;
      } finally {
        chain.close();
      }
    },
  );
  return r;
}

function isRpcFailure(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return (
    code === 'NETWORK_ERROR' ||
    code === 'SERVER_ERROR' ||
    code === 'TIMEOUT' ||
    code === 'ECONNREFUSED'
  );
}
