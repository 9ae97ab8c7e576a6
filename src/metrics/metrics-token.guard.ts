import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../common/domain-error.js';
import { constantTimeEquals } from '../common/secrets.js';
import { AppConfig } from '../config/app-config.js';

/**
 * /metrics lists channel ids and volumes. With METRICS_TOKEN set (production), a scrape must send
 * `Authorization: Bearer <METRICS_TOKEN>`; without it /metrics stays open, as for a local run.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.env.METRICS_TOKEN;
    if (expected === undefined) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token || !constantTimeEquals(token, expected)) {
      throw new DomainError('unauthorized', 'Missing or wrong metrics token: send "Authorization: Bearer <METRICS_TOKEN>"');
    }
    return true;
  }
}
