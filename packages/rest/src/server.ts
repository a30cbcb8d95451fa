import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import express, { Express, NextFunction, Request, Response } from 'express';
import { ApiRouter, Operation } from './api';
import { authenticate, raiseAuthFailure } from './auth';
import { ServerConfig } from './config';
import { ServiceContext } from './context';
import { Db, openDb } from './db';
import { renderDocs } from './docs';
import { errorMiddleware, HttpError } from './errors';
import { IdempotencyStore } from './idempotency';
import { fileIdentities, IdentityProvider, localIdentities } from './identities';
import { LedgerPool } from './ledger';
import { Metrics } from './metrics';
import { ApproverService } from './approver';
import { ProvenanceWatch } from './watch';
import { alertsRouter } from './routes/alerts';
import { openApiDocument } from './openapi';
import { rateLimit } from './ratelimit';
import { documentsRouter } from './routes/documents';
import { eventsRouter } from './routes/events';
import { creditRouter, remittancesRouter, shipmentsRouter } from './routes/finance';
import { guaranteesRouter } from './routes/guarantees';
import { invoicesRouter } from './routes/invoices';
import { meRouter, operationsRouter } from './routes/system';
import { signInRouter } from './routes/signin';
import { verifyRouter } from './routes/verify';
import { anchorRpcUrl, proofsRouter } from './routes/proofs';
import { SignIn, type BindingLookup } from './signin';
import { StreamSlots } from './streams';
import { TokenStore } from './tokens';
import { KeyedWrites } from './writes';

/** A created (not yet listening) REST service. */
/** A socket idle this long in both directions is closed. */
const IDLE_SOCKET_MS = 120_000;

export interface RestServer {
  readonly app: Express;
  readonly config: ServerConfig;
  /** Every API operation, as documented in the OpenAPI document. */
  readonly operations: readonly Operation[];
  readonly tokens: TokenStore;
  /** Starts listening; resolves with the base URL. */
  listen(): Promise<string>;
  /** Stops listening and closes the ledger connections and the database. */
  close(): Promise<void>;
}

/** This package's root (this file is packages/rest/{src,dist}/server.{ts,js}). */
const REST_PACKAGE = resolve(__dirname, '..');

/** Where the verify page's files are: static files beside the sources, compiled scripts in dist. */
export const WEB_STATIC = join(REST_PACKAGE, 'web', 'static');
export const WEB_SCRIPTS = join(REST_PACKAGE, 'dist', 'web');

/** ethers' browser build, served to the verify page for checking proof bundles. */
const ETHERS_BROWSER = join(dirname(require.resolve('ethers')), '..', 'dist', 'ethers.min.js');

/**
 * The page's policy: its own scripts, plus the hash of the page's inline
 * import map (it names ethers' browser build), and connections to itself
 * and to the EVM RPC the service anchors on (the page checks proof bundles
 * against it).
 */
function contentSecurityPolicy(rpcUrl: string | undefined): string {
  const html = readFileSync(join(WEB_STATIC, 'index.html'), 'utf8');
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1];
  const mapHash =
    importMap === undefined
      ? ''
      : ` 'sha256-${createHash('sha256').update(importMap).digest('base64')}'`;
  const rpc = rpcUrl === undefined ? '' : ` ${new URL(rpcUrl).origin}`;
  return `default-src 'self'; script-src 'self'${mapHash}; style-src 'self'; img-src 'self' data:; connect-src 'self'${rpc}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'`;
}

/**
 * Builds the REST service of one organisation: opens its database and
 * prepares its ledger connections (opened on first use).
 */
export function createServer(
  config: ServerConfig,
  log: (line: string) => void = defaultLog,
): RestServer {
  const db: Db = openDb(config.dbFile);
  const metrics = new Metrics();
  const identities = identityProvider(config.source, config.org);
  const ledger = new LedgerPool(identities, metrics);
  const tokens = new TokenStore(db);
  const writes = new KeyedWrites(
    new IdempotencyStore(db),
    ledger,
    config.idempotencyWaitMs,
    config.failpoint,
  );
  const watch = config.watch
    ? new ProvenanceWatch(
        () => identities.connectionOptions(identities.serviceLabel),
        ProvenanceWatch.checkpointFor(config.dbFile),
        metrics,
        log,
      )
    : undefined;
  const approver =
    config.approver === undefined
      ? undefined
      : new ApproverService(
          () => identities.connectionOptions(config.approver ?? ''),
          `${config.dbFile}.approver.json`,
          log,
        );
  const ctx: ServiceContext = {
    config,
    ledger,
    tokens,
    writes,
    metrics,
    streams: new StreamSlots(config.maxStreamsPerToken),
    watch,
  };
  const mspId = ledger.identity(ledger.verifierLabel).mspId;
  const signIn = new SignIn(`swledger ${mspId}`, signingChainId(ledger), bindingLookup(ledger));

  const routers: ApiRouter[] = [
    documentsRouter(ctx),
    verifyRouter(ctx),
    invoicesRouter(ctx),
    guaranteesRouter(ctx),
    remittancesRouter(ctx),
    shipmentsRouter(ctx),
    creditRouter(ctx),
    eventsRouter(ctx),
    alertsRouter(ctx),
    proofsRouter(ctx),
    meRouter(),
    signInRouter(signIn),
  ];
  const operations = routers.flatMap((r) => r.operations);
  const openapi = openApiDocument(operations, { org: config.org, mspId });
  const docsHtml = renderDocs(openapi);

  const csp = contentSecurityPolicy(anchorRpcUrl(config));
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('query parser', 'simple');
  app.use((req: Request, res: Response, next: NextFunction) => {
    const end = metrics.latency.startTimer();
    res.on('finish', () => {
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      end({ method: req.method, route });
      metrics.requests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    res.set({
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
    });
    if (config.tls) res.set('Strict-Transport-Security', 'max-age=31536000');
    next();
  });

  // /readyz asks the ledger and /metrics renders every series: limited per address like any
  // anonymous request.
  app.use(['/readyz', '/metrics'], rateLimit(config.rateLimit));
  app.use(operationsRouter(ctx));

  const api = express.Router();
  api.use(authenticate(tokens, ledger, signIn));
  api.use(rateLimit(config.rateLimit));
  api.use(raiseAuthFailure());
  api.use(express.json({ limit: config.maxBodyBytes, strict: true, type: 'application/json' }));
  api.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  api.get('/docs', (_req, res) => {
    res.type('html').send(docsHtml);
  });
  for (const r of routers) api.use(r.mount, r.router);
  api.use((req: Request, _res: Response, next: NextFunction) => {
    next(
      new HttpError(404, 'NOT_FOUND', `no such endpoint: ${req.method} ${req.baseUrl}${req.path}`),
    );
  });
  app.use('/api/v1', api);

  app.get('/', (_req, res) => {
    res.sendFile(join(WEB_STATIC, 'index.html'));
  });
  app.get('/assets/vendor/ethers.js', (_req, res) => {
    res.type('text/javascript').sendFile(ETHERS_BROWSER, { maxAge: '1h' });
  });
  app.use('/assets', express.static(WEB_STATIC, { index: false, maxAge: '5m' }));
  app.use(
    '/assets',
    express.static(WEB_SCRIPTS, { index: false, maxAge: '5m', extensions: ['js'] }),
  );
  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(new HttpError(404, 'NOT_FOUND', `no such page: ${req.path}`));
  });
  app.use(errorMiddleware(log));

  let server: Server | undefined;
  return {
    app,
    config,
    operations,
    tokens,
    listen() {
      return new Promise((resolve, reject) => {
        // Headers must arrive within headersTimeoutMs and the whole request (an upload's
        // body included) within requestTimeoutMs, else 408; a response may last (an event
        // stream), but a socket that moves no byte either way for two minutes is closed
        // (event streams send keep-alives more often than that). Deadlines are checked
        // every second.
        const timeouts = {
          headersTimeout: config.headersTimeoutMs,
          requestTimeout: config.requestTimeoutMs,
          connectionsCheckingInterval: 1000,
        };
        const s = config.tls
          ? createHttpsServer(
              {
                cert: readFileSync(config.tls.certFile),
                key: readFileSync(config.tls.keyFile),
                ...timeouts,
              },
              app,
            )
          : createHttpServer(timeouts, app);
        s.requestTimeout = config.requestTimeoutMs;
        s.headersTimeout = config.headersTimeoutMs;
        s.timeout = IDLE_SOCKET_MS;
        s.once('error', reject);
        s.listen(config.port, config.host, () => {
          server = s;
          // The watch connects in the background; a ledger not yet reachable is logged, not fatal.
          watch?.start().catch((err: unknown) => {
            log(
              `provenance watch did not start: ${err instanceof Error ? err.message : String(err)}`,
            );
          });
          approver?.start();
          const { port } = s.address() as AddressInfo;
          resolve(
            `${config.tls ? 'https' : 'http'}://${config.host === '127.0.0.1' ? 'localhost' : config.host}:${port}`,
          );
        });
      });
    },
    async close() {
      const s = server;
      server = undefined;
      if (s) {
        s.closeAllConnections();
        await new Promise<void>((r) => s.close(() => r()));
      }
      await watch?.stop();
      await approver?.stop();
      await ledger.close();
      db.close();
    },
  };
}

/** The identities of a configuration's source. */
function identityProvider(source: ServerConfig['source'], org: string): IdentityProvider {
  return source.kind === 'network'
    ? localIdentities(source.network, org)
    : fileIdentities(source.settings);
}

function defaultLog(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

/** The network's EIP-712 chain id, read from the ledger's signing settings once. */
function signingChainId(ledger: LedgerPool): () => Promise<number> {
  let chainId: Promise<number> | undefined;
  return () => {
    chainId ??= (async () => {
      const client = await ledger.client(ledger.verifierLabel);
      const settings = await client.connection.signingSettings();
      if (settings === undefined)
        throw new HttpError(503, 'UNAVAILABLE', 'the ledger has no signing settings');
      return settings.chainId;
    })();
    chainId.catch(() => (chainId = undefined));
    return chainId;
  };
}

/** Reads a key's binding with the service's verifier identity; undefined when there is none. */
function bindingLookup(ledger: LedgerPool): BindingLookup {
  return async (address) => {
    const client = await ledger.client(ledger.verifierLabel);
    try {
      return await client.bindings.get(address);
    } catch (err) {
      if ((err as { code?: string }).code === 'NOT_FOUND') return undefined;
      throw err;
    }
  };
}
