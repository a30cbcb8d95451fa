import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one service instance (its own registry). */
export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'swl_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'swl_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly ledgerSubmit = new Histogram({
    name: 'swl_ledger_submit_duration_seconds',
    help: 'Ledger transaction latency (endorse, order, commit) by chaincode function and outcome',
    labelNames: ['function', 'outcome'] as const,
    buckets: [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30],
    registers: [this.registry],
  });

  readonly provenanceChecked = new Counter({
    name: 'swl_provenance_checked_total',
    help: 'Committed swledger transactions the watch checked against their signatures, by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly provenanceAlerts = new Counter({
    name: 'swl_provenance_alerts_total',
    help: 'Committed transactions that failed the provenance check (forgeries)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'swl_rest_' });
  }
}
