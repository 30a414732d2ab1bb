import { expect, it } from 'vitest';
import { redoclyLint } from '../support/redocly.js';
import { spectralLint } from '../support/spectral.js';

it('passes redocly lint (recommended rules, redocly.yaml) with no errors or warnings', async () => {
  const { problems, totals } = await redoclyLint('openapi/openapi.json');
  expect(problems).toEqual([]);
  expect(totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
}, 60_000);

it('passes Spectral (spectral:oas recommended and the OWASP API Security ruleset, test/support/spectral.ts) with no errors', async () => {
  const findings = await spectralLint();
  const errors = findings.filter((f) => f.severity === 'error').map((f) => `${f.rule} at ${f.path}: ${f.message}`);
  expect(errors).toEqual([]);
}, 60_000);
