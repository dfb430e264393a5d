import { setTimeout as delay } from 'node:timers/promises';
import { AppError } from '../common/errors/app-error.js';
import { Injectable } from '../common/injection.js';
import { HealthRepository } from './health.repository.js';

const DATABASE_CHECK_TIMEOUT_MS = 2_000;

export interface ReadinessDto {
  status: 'ok';
  checks: { database: 'up' };
}

@Injectable()
export class HealthService {
  constructor(private readonly repository: HealthRepository) {}

  /** Ready means the database answers, within a bound so that a hung database fails the probe. */
  async readiness(): Promise<ReadinessDto> {
    const timeout = new AbortController();
    try {
      await Promise.race([
        this.repository.ping(),
        delay(DATABASE_CHECK_TIMEOUT_MS, undefined, { signal: timeout.signal }).then(() => {
          throw new Error(`no answer within ${DATABASE_CHECK_TIMEOUT_MS} ms`);
        }),
      ]);
    } catch (error) {
      throw new AppError('DATABASE_UNAVAILABLE', 'Database is unavailable', { cause: error });
    } finally {
      timeout.abort();
    }
    return { status: 'ok', checks: { database: 'up' } };
  }
}
