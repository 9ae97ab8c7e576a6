import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configSchema } from '../src/config/config.schema.js';

// No Docker engine on the build machines: the compose file is checked by parsing it.
interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, unknown>;
  healthcheck?: unknown;
}

const compose = parse(readFileSync(join(import.meta.dirname, '..', 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};

describe('docker-compose.yml', () => {
  it('has postgres, redis, an api and a worker service', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'postgres', 'redis', 'worker']);
    expect(compose.services.postgres.image).toMatch(/^postgres:1[5-9]/);
    expect(compose.services.redis.image).toMatch(/^redis:/);
    expect(compose.services.postgres.healthcheck).toBeDefined();
  });

  it.each(['api', 'worker'])('%s runs the built engine with the role and env of docs/api.md', (name) => {
    const service = compose.services[name];
    expect(service.command).toEqual(['node', 'dist/src/main.js']);
    expect((service as { build?: string }).build).toBe('.');
    expect(service.environment?.ROLE).toBe(name);
    for (const key of ['DATABASE_URL', 'REDIS_URL', 'API_TOKEN', 'ENCRYPTION_KEY', 'PUBLIC_URL', 'NODE_ENV']) {
      expect(service.environment).toHaveProperty(key);
    }
    expect(service.environment?.DATABASE_URL).toContain('@postgres:5432/');
    expect(service.environment?.REDIS_URL).toBe('redis://redis:6379');
    expect(Object.keys(service.depends_on ?? {}).sort()).toEqual(['postgres', 'redis']);
    // Every variable the compose file sets is one the engine's config schema knows.
    const known = Object.keys(configSchema.shape);
    expect(Object.keys(service.environment ?? {}).filter((key) => !known.includes(key))).toEqual([]);
  });

  it('publishes the api port only', () => {
    expect(compose.services.api.ports).toEqual(['3000:3000']);
    expect(compose.services.worker.ports).toBeUndefined();
  });
});
