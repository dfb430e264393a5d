import { Injectable } from '../common/injection.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { DashboardRepository } from './dashboard.repository.js';
import type { OverviewDto, SessionSearchDto, SessionSummaryDto } from './dashboard.schemas.js';

/** The figures and look-ups of the operators' dashboard. */
@Injectable()
export class DashboardService {
  constructor(
    private readonly repository: DashboardRepository,
    private readonly metrics: MetricsService,
  ) {}

  async overview(): Promise<OverviewDto> {
    const [counts, lastCleanup, refusals] = await Promise.all([
      this.repository.sessionCounts(),
      this.repository.lastCleanup(),
      this.metrics.rateLimitRefusalsTotal(),
    ]);
    return {
      active_sessions: counts.active,
      validations_last_minute: counts.validatedLastMinute,
      rate_limit_refusals: refusals,
      last_cleanup: lastCleanup,
    };
  }

  searchSessions(search: SessionSearchDto): Promise<SessionSummaryDto[]> {
    return this.repository.searchSessions(search);
  }
}
