/**
 * Finds the files that data set packages ship, wherever the package manager put them: resolve the
 * package's `package.json` from this module (the same lookup `import` does), then join the path
 * inside the package. Nothing is fetched from the network.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DatasetError } from './errors.js';

const require = createRequire(import.meta.url);

/** The installed copy of a package: its folder and version. */
export interface InstalledPackage {
  dir: string;
  version: string;
}

/** Locates an installed dependency of this package. */
export function installedPackage(name: string): InstalledPackage {
  let manifest: string;
  try {
    manifest = require.resolve(`${name}/package.json`);
  } catch {
    throw new DatasetError(
      'FILE_NOT_READABLE',
      `the data set package ${name} is not installed next to @rnnkit/datasets: reinstall ` +
        '@rnnkit/datasets (it lists the package as a dependency), e.g. `pnpm install`',
    );
  }
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { dir: dirname(manifest), version };
}

/** Absolute path of a file inside an installed package. */
export function packageFile(pkg: InstalledPackage, file: string): string {
  return join(pkg.dir, file);
}

/** Loads a CommonJS module of an installed package (e.g. `names/de.js`). */
export function requirePackageModule(pkg: InstalledPackage, file: string): unknown {
  return require(packageFile(pkg, file));
}

/** The error for a shipped file that no longer looks as this loader expects. */
export function unexpectedData(
  what: string,
  pkg: string,
  expected: string,
  got: string,
): DatasetError {
  return new DatasetError(
    'UNEXPECTED_DATA',
    `${what} from ${pkg}: expected ${expected}, got ${got}; @rnnkit/datasets pins the exact ` +
      'version it was written for: make sure that version is the one installed',
  );
}
