import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { runMigrationsWithLock } from './migrate.js';

const logger = new Logger('Database');

@Module({})
export class DatabaseModule {
  /** Applies pending migrations (under an advisory lock) before any other part sees the database. */
  static forRoot(databaseUrl: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: async (config: AppConfig) => {
            const options = dataSourceOptions(databaseUrl, config.env.DATABASE_POOL_SIZE);
            const applied = await runMigrationsWithLock(options);
            if (applied.length > 0) logger.log(`Applied migrations: ${applied.join(', ')}`);
            return { ...options, autoLoadEntities: true };
          },
        }),
      ],
    };
  }
}
