import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { Injectable } from '../common/injection.js';

/** Why a validation ended as it did: success, or the audit trail's failure reasons. */
export type ValidationOutcome =
  | 'success'
  | 'unknown'
  | 'expired'
  | 'other_app'
  | 'revoked'
  | 'replay'
  | 'user_inactive'
  | 'unclassified';

/** Process metrics (CPU, memory, event loop, GC) describe the process, not an application. */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * Prometheus metrics (prom-client). Each application has a registry of its own: several servers
 * in one process (the tests) must not add to each other's counters. The standard process
 * metrics are collected once per process and served by every application of it.
 */
@Injectable()
export class MetricsService {
  private readonly registry = new Registry();
  private readonly sessionsGenerated = this.counter('handoff_sessions_generated_total', 'Cross-app handoff sessions generated', ['target_app']);
  private readonly validations = this.counter('handoff_session_validations_total', 'Handoff token validations by outcome', ['outcome']);
  private readonly revocations = this.counter('handoff_session_revocations_total', 'Handoff sessions revoked, by who revoked them', ['actor']);
  private readonly qrExchanges = this.counter(
    'handoff_qr_exchanges_total',
    'QR login exchange-token trades and device-grant redemptions, by grant (exchange_token, device_code) and outcome (success, used, invalid)',
    ['grant', 'outcome'],
  );
  private readonly cleanupRows = this.counter(
    'handoff_cleanup_rows_total',
    'Rows cleanup moved to the archive (cross_app_sessions) or deleted (auth_sessions)',
    ['table'],
  );
  private readonly rateLimitRefusals = this.counter('handoff_rate_limit_refusals_total', 'Requests refused by a rate limit', ['limit']);
  private readonly jobRuns = this.counter('handoff_scheduled_job_runs_total', 'Scheduled job runs by this instance, by outcome', ['job', 'outcome']);
  private readonly requestDuration = new Histogram({
    name: 'handoff_http_request_duration_seconds',
    help: 'HTTP request latency, by route pattern, method and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    processMetrics();
  }

  recordSessionGenerated(targetApp: string): void {
    this.sessionsGenerated.inc({ target_app: targetApp });
  }

  recordValidation(outcome: ValidationOutcome): void {
    this.validations.inc({ outcome });
  }

  recordRevocations(actor: 'user' | 'admin' | 'replay', count: number): void {
    if (count > 0) this.revocations.inc({ actor }, count);
  }

  recordQrExchange(grant: 'exchange_token' | 'device_code', outcome: 'success' | 'used' | 'invalid'): void {
    this.qrExchanges.inc({ grant, outcome });
  }

  recordCleanupRows(table: 'cross_app_sessions' | 'auth_sessions', count: number): void {
    if (count > 0) this.cleanupRows.inc({ table }, count);
  }

  recordRateLimitRefusal(limit: string): void {
    this.rateLimitRefusals.inc({ limit });
  }

  /** Refusals this instance counted since it started, every limit together (the dashboard's figure). */
  async rateLimitRefusalsTotal(): Promise<number> {
    const { values } = await this.rateLimitRefusals.get();
    return values.reduce((sum, sample) => sum + sample.value, 0);
  }

  recordJobRun(job: string, outcome: 'succeeded' | 'failed'): void {
    this.jobRuns.inc({ job, outcome });
  }

  /** `route` is the route's pattern (`/api/admin/users/:id`), never the raw URL: bounded labels, no tokens. */
  observeRequest(method: string, route: string | undefined, statusCode: number, seconds: number): void {
    this.requestDuration.observe({ method, route: route ?? 'unmatched', status_code: String(statusCode) }, seconds);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text: this application's metrics, then the process's. */
  async render(): Promise<string> {
    const [own, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return `${own}\n${process}`;
  }

  private counter(name: string, help: string, labelNames: string[]): Counter {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }
}
