import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { DomainError } from './domain-error.js';
import { constantTimeEquals } from './secrets.js';

/** Bearer token for every /v1 route; applied at controller level with @UseGuards. */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization ?? '';
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token || !constantTimeEquals(token, this.config.apiToken)) {
      throw new DomainError('unauthorized', 'Missing or wrong API token: send "Authorization: Bearer <API_TOKEN>"');
    }
    return true;
  }
}
