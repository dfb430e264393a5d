import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Provides the TypeORM DataSource under the `DataSource` class token, the same token
 * @nestjs/typeorm uses for a host's default connection, so repositories work the same whether
 * Handoff runs on its own or inside a host that shares its DataSource. The caller owns the
 * DataSource's lifecycle (connects it before, destroys it after).
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(dataSource: DataSource): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: DataSource, useValue: dataSource }],
      exports: [DataSource],
    };
  }
}
