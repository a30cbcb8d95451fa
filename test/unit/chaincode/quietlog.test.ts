import { expect } from 'chai';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { contracts } from '@swledger/chaincode';
import { filterLogRecordsBeforeFormatting } from '@swledger/chaincode/quietlog';

interface TestLogger {
  debug(message: string, ...meta: unknown[]): void;
  warn(message: string, ...meta: unknown[]): void;
  error(message: string, ...meta: unknown[]): void;
  level: string;
}

interface Winston {
  createLogger(options: object): TestLogger;
  format: ((transform: (info: { message: unknown }) => object) => () => object) & {
    printf(template: (info: { level: string; message: unknown }) => string): object;
    combine(...formats: object[]): object;
  };
  transports: { Stream: new (options: { stream: Writable }) => object };
}

/** The winston fabric-shim logs with, as the chaincode server loads it. */
const winston = createRequire(require.resolve('fabric-shim'))('winston') as Winston;

/** A logger at `level` that counts the records its format sees and keeps the lines it writes. */
function countingLogger(level: string): {
  logger: TestLogger;
  formatted: () => number;
  lines: string[];
} {
  let formatted = 0;
  const lines: string[] = [];
  const count = winston.format((info) => {
    formatted++;
    return info;
  });
  const logger = winston.createLogger({
    level,
    format: winston.format.combine(
      count(),
      winston.format.printf((info) => `${info.level} ${String(info.message)}`),
    ),
    transports: [
      new winston.transports.Stream({
        stream: new Writable({
          write(chunk: Buffer, _enc, done) {
            lines.push(chunk.toString().trim());
            done();
          },
        }),
      }),
    ],
  });
  return { logger, formatted: () => formatted, lines };
}

describe('chaincode server logging', () => {
  before(() => {
    filterLogRecordsBeforeFormatting();
    filterLogRecordsBeforeFormatting(); // a second call wraps nothing again
  });

  it('drops a record below the logger level before any format runs', () => {
    const { logger, formatted, lines } = countingLogger('warn');

    logger.debug('handleGetState - with key:', 'hash\u0000abc');
    logger.debug('%s - decoded response:%j', 'GetState', { payload: [1, 2, 3] });

    expect(formatted()).to.equal(0);
    expect(lines).to.deep.equal([]);
  });

  it('still formats and writes every record at or above the level, in order', async () => {
    const { logger, formatted, lines } = countingLogger('warn');

    logger.warn('peer keepalive refused');
    logger.debug('not written');
    logger.error('stream ended');
    await new Promise((resolve) => setImmediate(resolve));

    expect(formatted()).to.equal(2);
    expect(lines).to.deep.equal(['warn peer keepalive refused', 'error stream ended']);
  });

  it('follows a level changed at run time (fabric-shim resets it on every getLogger)', async () => {
    const { logger, lines } = countingLogger('warn');

    logger.level = 'debug';
    logger.debug('written now');
    await new Promise((resolve) => setImmediate(resolve));

    expect(lines).to.deep.equal(['debug written now']);
  });

  it('is the chaincode server entry: the package main applies it and serves the same contracts', () => {
    const load = createRequire(__filename);
    const pkg = load('@swledger/chaincode/package.json') as { main: string };
    const server = load('@swledger/chaincode/server') as typeof import('@swledger/chaincode');

    expect(pkg.main).to.equal('dist/server.js');
    expect(server.contracts).to.equal(contracts);
  });
});
