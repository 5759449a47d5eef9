// Install footprint of each library package, as a user gets it: packed with `pnpm pack`, installed
// alone with plain `npm install` into a fresh project outside the workspace (tfjs from the
// registry; the package's own @rnnkit/* dependencies from their tarballs). The packing, installing
// and counting are the packaging tests' (tests/packaging/src/npm-project.mjs), not a second copy.
// - install.<package>.packages: packages npm put in node_modules besides tfjs, the package itself
//   included; install.<package>.bytes: their bytes on disk (apparent sizes, like `du -sb`).
// - install.<package>.tfjs_packages / tfjs_bytes: tfjs counted separately: the @tensorflow/*
//   packages npm installs for a package that takes them as peer dependencies, and what only they
//   pull in (vocab and datasets use none).
// Needs the registry (or a warm npm cache) for tfjs. Run: pnpm bench install
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  footprintLines,
  LIBRARIES,
  libraryFootprints,
  packLibraries,
} from '@rnnkit/packaging-tests/npm-project';

const tmp = mkdtempSync(path.join(tmpdir(), 'rnnkit-install-bench-'));
try {
  const footprints = await libraryFootprints(tmp, packLibraries(path.join(tmp, 'tarballs')));
  for (const lib of LIBRARIES) {
    console.log(footprintLines(lib.name, footprints[lib.name]).join('\n'));
    console.log(`# ${lib.npmName}: ${footprints[lib.name].names.join(' ')}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
