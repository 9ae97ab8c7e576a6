import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { RedisHealth } from './redis.health.js';

@Module({ imports: [TerminusModule], controllers: [HealthController], providers: [RedisHealth] })
export class HealthModule {}
