/**
 * The deployment package's lock, cut out of a root lock (scripts/package-lock-subset.ts): what npm
 * would find from each package, with the flags of the new tree.
 */
import { describe, expect, it } from 'vitest';
import { lockSubset, type LockEntry, type Lockfile } from '../../scripts/package-lock-subset.js';

const entry = (version: string, fields: Partial<LockEntry> = {}): LockEntry => ({
  version,
  resolved: `https://registry.npmjs.org/x/-/x-${version}.tgz`,
  integrity: `sha512-${version}`,
  ...fields,
});

const root: Lockfile = {
  name: 'app',
  version: '1.0.0',
  lockfileVersion: 3,
  requires: true,
  packages: {
    '': { name: 'app', version: '1.0.0', dependencies: { img: '^2.0.0', other: '^1.0.0' } },
    'node_modules/img': entry('2.1.0', {
      dependencies: { semver: '^7.0.0', libc: '^1.0.0' },
      optionalDependencies: { 'img-linux': '2.1.0' },
    }),
    // The root's semver is another major: img's own sits under it, as npm placed it.
    'node_modules/semver': entry('5.7.0', { dev: true }),
    'node_modules/img/node_modules/semver': entry('7.6.0'),
    // Shared with dev tooling in the root: dev there, required here.
    'node_modules/libc': entry('1.2.0', { devOptional: true }),
    'node_modules/img-linux': entry('2.1.0', { optional: true, os: ['linux'], cpu: ['x64'], dependencies: { runtime: '^1.0.0' } }),
    'node_modules/runtime': entry('1.0.0'),
    'node_modules/other': entry('1.0.0'),
  },
};

describe("the deployment package's lock", () => {
  it('pins each dependency to the version the root lock installs, and holds exactly its tree, found as npm finds it', () => {
    const { dependencies, lock } = lockSubset(root, { name: 'app', version: '1.0.0', engines: { node: '>=20' }, dependencies: ['img'] });
    expect(dependencies).toEqual({ img: '2.1.0' });
    expect(lock.packages['']).toEqual({ name: 'app', version: '1.0.0', dependencies: { img: '2.1.0' }, engines: { node: '>=20' } });
    expect(Object.keys(lock.packages).sort()).toEqual([
      '',
      'node_modules/img',
      'node_modules/img-linux',
      'node_modules/img/node_modules/semver',
      'node_modules/libc',
      'node_modules/runtime',
    ]);
    expect(lock.packages['node_modules/img/node_modules/semver']).toEqual(root.packages['node_modules/img/node_modules/semver']);
  });

  it('marks optional what only optional dependencies reach, and nothing dev', () => {
    const { lock } = lockSubset(root, { name: 'app', version: '1.0.0', dependencies: ['img'] });
    expect(lock.packages['node_modules/img-linux']).toMatchObject({ optional: true, os: ['linux'], cpu: ['x64'] });
    expect(lock.packages['node_modules/runtime']).toMatchObject({ optional: true });
    expect(lock.packages['node_modules/libc']).toEqual(entry('1.2.0'));
    expect(lock.packages['node_modules/img']).toEqual(root.packages['node_modules/img']);
  });

  it('refuses a dependency the root lock does not install, and a required one missing from its tree', () => {
    expect(() => lockSubset(root, { name: 'app', version: '1.0.0', dependencies: ['absent'] })).toThrow(/absent is not installed/);
    const { 'node_modules/libc': _libc, ...withoutLibc } = root.packages;
    expect(() => lockSubset({ ...root, packages: withoutLibc }, { name: 'app', version: '1.0.0', dependencies: ['img'] })).toThrow(
      /no entry for libc \(needed from node_modules\/img\)/,
    );
  });
});
