import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Serves the web console (web/, built by `npm run build` into dist/web) at `/`. The console is static
 * files only: it asks for the API token in the browser and reads /v1 with it, so the files need no
 * token. Strict CSP: scripts and styles only from this origin, no inline script, no eval.
 */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/**
 * dist/web next to the compiled engine (dist/src/console → dist/web), or the repository's dist/web
 * when the engine runs from its sources (tests: src/console → dist/web). Null when not built.
 */
export function consoleRoot(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '..', '..', 'dist', 'web'), resolve(here, '..', '..', 'web')];
  return candidates.find((folder) => existsSync(join(folder, 'index.html')) && existsSync(join(folder, 'assets'))) ?? null;
}

const NOT_BUILT =
  '<!doctype html><meta charset="utf-8"><title>Console not built</title>' +
  '<p>The web console is not built. Run <code>npm run build</code> (or <code>npm start</code>, which builds) and reload.</p>';

export async function serveConsole(app: NestFastifyApplication): Promise<void> {
  const root = consoleRoot();
  const fastify = app.getHttpAdapter().getInstance();
  if (!root) {
    fastify.get('/', async (_request, reply) => reply.headers({ ...CONSOLE_HEADERS, 'cache-control': 'no-store' }).type('text/html').send(NOT_BUILT));
    return;
  }
  await app.register(fastifyStatic as never, {
    root,
    prefix: '/',
    decorateReply: false, // @nestjs/swagger registers the plugin for /docs too
    wildcard: false, // one route per built file: nothing else under / is answered from disk
    index: ['index.html'],
    // @fastify/static 10 hands the Fastify reply here.
    setHeaders: (reply: { header(name: string, value: string): unknown }, path: string) => {
      for (const [name, value] of Object.entries(CONSOLE_HEADERS)) reply.header(name, value);
      // Assets carry a content hash in their name; index.html must be re-read to find new ones.
      reply.header('cache-control', path.includes(`${join('/', 'assets', '/')}`) ? 'public, max-age=31536000, immutable' : 'no-store');
    },
  });
}
