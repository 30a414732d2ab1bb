import { cp, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeApimOpenApi } from '../../scripts/openapi-apim.js';
import { repoRoot, run } from './arm.js';

export const bicepScript = join(repoRoot, 'scripts', 'bicep.sh');
const requireBicep = process.env.WAITLIST_REQUIRE_BICEP === '1';

/**
 * Whether the Bicep CLI answers. Without it the checks are skipped with a warning saying why, unless
 * WAITLIST_REQUIRE_BICEP=1 (CI), where its absence fails the file.
 */
export async function bicepAvailable(checks: string): Promise<boolean> {
  const version = await run('bash', [bicepScript, '--version']);
  if (version.code === 0) return true;
  const reason = `Bicep CLI unavailable, so the ${checks} checks are skipped:\n${version.output}`;
  if (requireBicep) throw new Error(reason);
  console.warn(reason);
  return false;
}

/**
 * A temporary copy of infra/ with the 3.0 rendition of the contract APIM imports beside it, made as
 * `npm run openapi:apim` makes it before a deployment, so no ARM JSON lands in the repository. The
 * caller removes it.
 */
export async function infraWorkspace(prefix: string): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), prefix));
  await cp(join(repoRoot, 'infra'), join(work, 'infra'), { recursive: true });
  await mkdir(join(work, 'openapi'));
  await writeApimOpenApi(join(repoRoot, 'openapi', 'openapi.json'), join(work, 'openapi', 'openapi.apim.json'));
  return work;
}
