/**
 * The live suites' Python: the pinned environment of scripts/python-env.mjs (PyTorch, TensorFlow,
 * Keras, ONNX Runtime), created when missing. Only a machine with no python3 at all skips them,
 * saying so; where Python is there, a failure to make the environment fails the suite.
 */
import { spawnSync } from 'node:child_process';
import { ensurePythonEnv } from '../../../scripts/python-env.mjs';

/** The environment's python, or null (with a message on stderr) where there is no python3. */
export function livePython(): string | null {
  const py = ensurePythonEnv();
  if (py === null) {
    process.stderr.write('interop live suite skipped: no python3 on this machine\n');
    return null;
  }
  return py as string;
}

/** Runs a Python script with arguments; throws with its stderr when it fails. */
export function runPython(py: string, code: string, args: string[] = []): string {
  const r = spawnSync(py, ['-c', code, ...args], {
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', CUDA_VISIBLE_DEVICES: '' },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) {
    throw new Error(`python failed (exit ${r.status}):\n${r.stderr.slice(-4000)}`);
  }
  return r.stdout;
}
