import { DataSource } from 'typeorm';
import { Injectable } from '../common/injection.js';

@Injectable()
export class HealthRepository {
  constructor(private readonly dataSource: DataSource) {}

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
