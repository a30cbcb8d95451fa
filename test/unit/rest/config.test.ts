import { expect } from 'chai';
import { loadConfig } from '@swledger/rest/config';

const MiB = 1024 * 1024;

describe('rest/config: resource limits', () => {
  it('defaults: 25 MiB anonymous uploads, 4 streams per token, 10 000 blocks of replay, 20 s headers, 15 min requests', () => {
    const c = loadConfig({ org: 'customs', network: 'unit', http: true }, {});

    expect({
      maxUploadBytes: c.maxUploadBytes,
      maxAnonymousUploadBytes: c.maxAnonymousUploadBytes,
      maxStreamsPerToken: c.maxStreamsPerToken,
      maxReplayBlocks: c.maxReplayBlocks,
      headersTimeoutMs: c.headersTimeoutMs,
      requestTimeoutMs: c.requestTimeoutMs,
    }).to.deep.equal({
      maxUploadBytes: 1024 * MiB,
      maxAnonymousUploadBytes: 25 * MiB,
      maxStreamsPerToken: 4,
      maxReplayBlocks: 10_000,
      headersTimeoutMs: 20_000,
      requestTimeoutMs: 900_000,
    });
  });

  it('reads the limits from the environment; an anonymous upload never exceeds an authenticated one', () => {
    const c = loadConfig(
      { org: 'customs', network: 'unit', http: true },
      {
        SWL_REST_MAX_UPLOAD: String(2 * MiB),
        SWL_REST_MAX_ANONYMOUS_UPLOAD: String(8 * MiB),
        SWL_REST_MAX_STREAMS: '2',
        SWL_REST_MAX_REPLAY_BLOCKS: '50',
        SWL_REST_HEADERS_TIMEOUT_MS: '5000',
        SWL_REST_REQUEST_TIMEOUT_MS: '60000',
      },
    );

    expect([c.maxAnonymousUploadBytes, c.maxStreamsPerToken, c.maxReplayBlocks]).to.deep.equal([
      2 * MiB,
      2,
      50,
    ]);
    expect([c.headersTimeoutMs, c.requestTimeoutMs]).to.deep.equal([5000, 60_000]);
  });

  it('refuses a stream limit of 0', () => {
    expect(() =>
      loadConfig({ org: 'customs', network: 'unit', http: true }, { SWL_REST_MAX_STREAMS: '0' }),
    ).to.throw(/maxStreamsPerToken/);
  });
});
