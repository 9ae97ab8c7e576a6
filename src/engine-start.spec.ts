import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The heap cap docs/performance.md measured (Sending) must be the one both ways of starting the engine use. */
describe('how the engine is started', () => {
  const root = join(import.meta.dirname, '..');
  const startScript = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start;
  const startFlags = /\bnode ((?:--\S+ )*)dist\/src\/main\.js/.exec(startScript)?.[1].trim().split(' ');
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'))?.[1];

  it('caps the V8 old space in npm start', () => {
    expect(startFlags).toEqual(expect.arrayContaining([expect.stringMatching(/^--max-old-space-size=\d+$/)]));
  });

  it('runs the Docker image with the same Node flags as npm start', () => {
    expect(JSON.parse(cmd ?? '[]')).toEqual(['node', ...(startFlags ?? []), 'dist/src/main.js']);
  });
});
