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
    // No command of its own: the image's CMD runs node with npm start's heap flags (src/engine-start.spec.ts).
    expect(service.command).toBeUndefined();
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

  it('takes every secret from .env: no password or token is written in the file, .env.example names them all', () => {
    const text = readFileSync(join(import.meta.dirname, '..', 'docker-compose.yml'), 'utf8');
    const example = readFileSync(join(import.meta.dirname, '..', '.env.example'), 'utf8');
    expect(compose.services.postgres.environment?.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    for (const name of ['api', 'worker']) {
      const env = compose.services[name].environment ?? {};
      expect(env.DATABASE_URL).toBe('postgres://engine:${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD (the engine database\'s password)}@postgres:5432/engine');
      for (const key of ['API_TOKEN', 'ENCRYPTION_KEY', 'METRICS_TOKEN', 'PUBLIC_URL']) expect(env[key]).toMatch(new RegExp(`^\\$\\{${key}:\\?`));
    }
    const variables = new Set([...text.matchAll(/\$\{([A-Z_]+)[:}]/g)].map((match) => match[1]));
    const documented = new Set([...example.matchAll(/^([A-Z_]+)=/gm)].map((match) => match[1]));
    expect([...variables].filter((name) => !documented.has(name))).toEqual([]);
  });

  it.each(['api', 'worker'])('%s has a healthcheck against its /health', (name) => {
    const healthcheck = compose.services[name].healthcheck as { test: string[] };
    expect(healthcheck.test.join(' ')).toContain("/health'");
    expect(healthcheck.test.join(' ')).toContain('process.env.PORT');
  });

  it('publishes the api port only', () => {
    expect(compose.services.api.ports).toEqual(['3000:3000']);
    expect(compose.services.worker.ports).toBeUndefined();
  });
});
