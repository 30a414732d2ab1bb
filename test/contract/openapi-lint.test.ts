import { expect, it } from 'vitest';
import { redoclyLint } from '../support/redocly.js';

it('passes redocly lint (recommended rules, redocly.yaml) with no errors or warnings', async () => {
  const { problems, totals } = await redoclyLint('openapi/openapi.json');
  expect(problems).toEqual([]);
  expect(totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
}, 60_000);
