import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrations } from '../../migrations/index.js';

describe('migrations/index.ts', () => {
  it('lists every migration file once, in timestamp order', () => {
    const files = readdirSync(join(import.meta.dirname, '..', '..', 'migrations'))
      .filter((file) => /^\d+-\w+\.ts$/.test(file))
      .sort();
    const expected = files.map((file) => file.replace(/^(\d+)-(\w+)\.ts$/, '$2$1'));
    expect(migrations.map((migration) => migration.name)).toEqual(expected);
  });
});
