import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import packageJson from '../../../package.json' with { type: 'json' };

const root = fileURLToPath(new URL('../../../', import.meta.url));
const committed = 'web/src/api/schema.d.ts';

describe('the typed web client', () => {
  it('is generated from the current openapi/openapi.json (else: run npm run client:generate)', async () => {
    const script = packageJson.scripts['client:generate'];
    expect(script).toContain(committed);
    const [command, ...args] = script.split(' ');
    expect(command).toBe('openapi-typescript');
    const dir = await mkdtemp(join(tmpdir(), 'waitlist-client-'));
    try {
      const output = join(dir, 'schema.d.ts');
      await promisify(execFile)(
        join(root, 'node_modules', '.bin', 'openapi-typescript'),
        args.map((a) => (a === committed ? output : a)),
        {
          cwd: root,
        },
      );
      const [fresh, current] = await Promise.all([readFile(output, 'utf8'), readFile(join(root, committed), 'utf8')]);
      expect(current === fresh, `${committed} is stale: run npm run client:generate and commit it`).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
