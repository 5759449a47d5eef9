/** Types of scripts/python-env.mjs for the TypeScript suites that run Python. */
export const REQUIREMENTS: string;
export function pythonEnvDir(): string;
/**
 * The environment's python: created when missing; null when this machine has no python3 (skip
 * with a message); undefined with `create: false` when it does not exist yet. Throws when Python
 * is there but the environment could not be made.
 */
export function ensurePythonEnv(options?: {
  create?: boolean;
  log?: (line: string) => void;
}): string | null | undefined;
