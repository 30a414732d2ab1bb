/**
 * The package-lock.json of the deployment package: the root lock's entries for the dependency trees
 * of the packages the platform installs (sharp), with their versions, tarball URLs and integrity
 * hashes unchanged, so the platform's `npm install` installs exactly what the repository tested.
 * Derived offline: nothing is resolved anew.
 */

/** One `packages` entry of a lockfile v3, as far as this reads it; every other field is copied as it is. */
export interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly link?: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { optional?: boolean }>>;
  readonly [field: string]: unknown;
}

export interface Lockfile {
  readonly name: string;
  readonly version: string;
  readonly lockfileVersion: 3;
  readonly requires: true;
  readonly packages: Readonly<Record<string, LockEntry>>;
}

/**
 * Where Node (and npm) finds `name` from the package at `location` ('' is the root): its own
 * node_modules, then each enclosing one.
 */
function resolveFrom(packages: Lockfile['packages'], location: string, name: string): string | undefined {
  for (let dir = location; ;) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (candidate in packages) return candidate;
    if (dir === '') return undefined;
    const parent = dir.lastIndexOf('/node_modules/');
    dir = parent === -1 ? '' : dir.slice(0, parent);
  }
}

/** A package's edges: each dependency's name and whether a missing one is allowed (optional). */
function edgesOf(entry: LockEntry): { name: string; optional: boolean }[] {
  const peers = Object.keys(entry.peerDependencies ?? {}).map((name) => ({
    name,
    optional: entry.peerDependenciesMeta?.[name]?.optional === true,
  }));
  return [
    ...Object.keys(entry.dependencies ?? {}).map((name) => ({ name, optional: false })),
    ...Object.keys(entry.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
    ...peers,
  ];
}

/** The root's dependencies' entries, walked from each root dependency, with whether only optional edges reach each. */
function walk(packages: Lockfile['packages'], roots: readonly string[]): Map<string, { optional: boolean }> {
  const reached = new Map<string, { optional: boolean }>();
  const queue = roots.map((name) => ({ from: '', name, optional: false }));
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const location = resolveFrom(packages, next.from, next.name);
    if (location === undefined) {
      if (next.optional) continue;
      throw new Error(`package-lock.json has no entry for ${next.name} (needed from ${next.from || 'the root'}): run npm install`);
    }
    const entry = packages[location] ?? {};
    if (entry.link === true) throw new Error(`${location} is a link in package-lock.json; the platform installs from the registry only`);
    const seen = reached.get(location);
    // Visited already, and not first reached through optional edges only to be required now.
    if (seen !== undefined && (!seen.optional || next.optional)) continue;
    reached.set(location, { optional: next.optional });
    for (const edge of edgesOf(entry)) queue.push({ from: location, name: edge.name, optional: next.optional || edge.optional });
  }
  return reached;
}

/**
 * The lockfile of a package named `name`@`version` that depends on exactly `dependencies` (names of
 * root dependencies), each pinned to the version the root lock installs. Each entry's flags are
 * those of the new tree: `optional` where only optional dependencies lead to it, never `dev`.
 */
export function lockSubset(
  root: Lockfile,
  manifest: { name: string; version: string; engines?: unknown; dependencies: readonly string[] },
): { dependencies: Record<string, string>; lock: Lockfile } {
  const dependencies = Object.fromEntries(
    manifest.dependencies.map((name) => {
      const version = root.packages[`node_modules/${name}`]?.version;
      if (version === undefined) throw new Error(`${name} is not installed at the root of package-lock.json: run npm install`);
      return [name, version];
    }),
  );
  const packages: Record<string, LockEntry> = {
    '': {
      name: manifest.name,
      version: manifest.version,
      dependencies,
      ...(manifest.engines === undefined ? {} : { engines: manifest.engines }),
    },
  };
  const reached = walk(root.packages, manifest.dependencies);
  for (const location of [...reached.keys()].sort()) {
    const { dev: _dev, devOptional: _devOptional, optional: _optional, peer: _peer, ...entry } = root.packages[location] ?? {};
    packages[location] = reached.get(location)?.optional === true ? { ...entry, optional: true } : entry;
  }
  return { dependencies, lock: { name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages } };
}
