import { expect } from 'chai';
import { parseCaliperResults } from '../../../tools/bench/src/caliper/main';
import { knee, type OpenLoopRound, runOpenLoop } from '../../../tools/bench/src/openloop';
import { NetworkCpu, processCpuMs } from '../../../tools/bench/src/procstat';

const CALIPER_OUTPUT = `
2026.12.01-23:30:28.665 info  [caliper] [report-builder] 	### All test results ###
+--------------+------+------+-----------------+-----------------+-----------------+-----------------+------------------+
| Name         | Succ | Fail | Send Rate (TPS) | Max Latency (s) | Min Latency (s) | Avg Latency (s) | Throughput (TPS) |
|--------------|------|------|-----------------|-----------------|-----------------|-----------------|------------------|
| noop-32      | 72   | 0    | 15.0            | 2.03            | 0.30            | 1.17            | 14.2             |
|--------------|------|------|-----------------|-----------------|-----------------|-----------------|------------------|
| register-32  | 39   | 1    | 7.5             | 4.92            | 0.41            | 3.52            | 6.7              |
+--------------+------+------+-----------------+-----------------+-----------------+-----------------+------------------+
| other-round  | 5    | 0    | 1.0             | 1.00            | 1.00            | 1.00            | 1.0              |
`;

function openRound(
  offered: number,
  achieved: number,
  failed = 0,
  dropped = 0,
  p50Ms = 100,
): OpenLoopRound {
  return {
    offeredPerSecond: offered,
    achievedPerSecond: achieved,
    ok: 10,
    failed,
    dropped,
    errors: {},
    p50Ms,
    p95Ms: 200,
    p99Ms: 300,
  };
}

describe('bench', () => {
  it("reads Caliper's result rows for the asked rounds only, in the asked order", () => {
    const rows = parseCaliperResults(CALIPER_OUTPUT, ['register-32', 'noop-32', 'missing']);
    expect(rows.map((r) => r.label)).to.deep.equal(['register-32', 'noop-32']);
    expect(rows[0]).to.deep.equal({
      label: 'register-32',
      succ: 39,
      fail: 1,
      sendTps: 7.5,
      maxLatencyS: 4.92,
      minLatencyS: 0.41,
      avgLatencyS: 3.52,
      throughputTps: 6.7,
    });
  });

  it('puts the knee at the highest offered rate carried at 95 % with nothing failed or dropped and no queue building', () => {
    expect(
      knee([openRound(10, 10), openRound(20, 19.2), openRound(40, 30)])?.offeredPerSecond,
    ).to.equal(20);
    expect(
      knee([openRound(10, 10), openRound(20, 20, 1), openRound(40, 40)])?.offeredPerSecond,
    ).to.equal(10);
    expect(knee([openRound(10, 10), openRound(20, 20, 0, 3)])?.offeredPerSecond).to.equal(10);
    expect(knee([openRound(10, 9)])).to.equal(undefined);
    // Carried in number, but a queue builds: the median latency grew past twice the lowest rate's.
    const queued = [openRound(10, 10), openRound(20, 20, 0, 0, 150), openRound(40, 42, 0, 0, 1500)];
    expect(knee(queued)?.offeredPerSecond).to.equal(20);
  });

  it('offers operations at the fixed rate whether or not earlier ones ended, and counts failures by code', async () => {
    let started = 0;
    const r = await runOpenLoop({
      ratePerSecond: 50,
      durationMs: 400,
      maxInFlight: 100,
      op: async (seq) => {
        started++;
        await new Promise((res) => setTimeout(res, 100)); // longer than the 20 ms interval
        if (seq % 5 === 4) throw Object.assign(new Error('no'), { code: 'MVCC_READ_CONFLICT' });
      },
    });
    expect(started).to.equal(20);
    expect([r.ok, r.failed, r.dropped]).to.deep.equal([16, 4, 0]);
    expect(r.errors).to.deep.equal({ MVCC_READ_CONFLICT: 4 });
    expect(r.p50Ms).to.be.at.least(90); // each waited about 100 ms (timers may fire a little early)
  });

  it('drops starts beyond the in-flight cap instead of queueing them in the client', async () => {
    const r = await runOpenLoop({
      ratePerSecond: 100,
      durationMs: 200,
      maxInFlight: 2,
      op: () => new Promise((res) => setTimeout(res, 300)), // outlasts the run
    });
    expect(r.ok).to.equal(2);
    expect(r.dropped).to.equal(18);
  });

  it("reads a process's CPU from /proc, which grows as it works", () => {
    const before = processCpuMs(process.pid)!;
    const start = process.cpuUsage();
    const spent = () => {
      const u = process.cpuUsage(start);
      return (u.user + u.system) / 1000;
    };
    while (spent() < 60); // 60 ms of CPU, however busy the machine is
    // /proc counts in clock ticks (10 ms): allow one tick either side.
    expect(processCpuMs(process.pid)! - before).to.be.at.least(50);
    expect(processCpuMs(2 ** 30)).to.equal(undefined);
    const cpu = new NetworkCpu('/nonexistent');
    const sample = cpu.sample();
    expect(Object.keys(cpu.perTransaction(sample, 10))).to.deep.equal(['clientCpuMsPerTx']);
  });
});
