/**
 * The type declarations as a TypeScript user gets them: a strict consumer file that uses every
 * package compiles against the installed tarballs, with rnnkit's declarations themselves checked
 * (`skipLibCheck: false`), under Node's resolution (`nodenext`; arethetypeswrong checks that
 * the bundler resolution finds the same declarations, so one compile is enough).
 * tfjs 4.22's own declarations do not pass a strict check (`Long`, `PyJsonValue` index
 * signatures): errors inside `node_modules/@tensorflow/` are left out, as `skipLibCheck` (which
 * every tfjs user sets) would.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { ROOT, runAsync } from './workspace.js';

const { fullProject } = inject('packaging');

/** Uses a typed value from each package, so a missing or wrong declaration fails to compile. */
const CONSUMER = `import { charTokenizer, Vocab } from '@rnnkit/vocab';
import { nextTokenWindows, type NextTokenWindows } from '@rnnkit/windowing';
import { manyToMany, type ManyToManyModel } from '@rnnkit/models';
import { setup, train, type TrainHistory } from '@rnnkit/training';
import { co2, type MonthlySeries } from '@rnnkit/datasets';
import { loadTask, textGeneration, type TextGenerator } from '@rnnkit/tasks';

const vocab: Vocab = Vocab.fromTexts(['hello'], { tokenizer: charTokenizer() });
const ids: Int32Array = vocab.encode('hello');
const windows: NextTokenWindows = nextTokenWindows(ids, { seqLength: 2 });
const lm: ManyToManyModel = manyToMany({
  units: 4,
  classes: vocab.size,
  input: { type: 'oneHot', vocabSize: vocab.size },
});
export async function use(): Promise<[TrainHistory, MonthlySeries, TextGenerator, string]> {
  await setup({ backend: 'cpu' });
  const history = await train(lm.model, windows, {
    loss: 'sparseCategoricalCrossentropy',
    optimizer: { type: 'adam' },
  });
  const { data } = await co2();
  const task = await textGeneration.train('hello hello', { epochs: 1 });
  const loaded = await loadTask('out/lm');
  return [history, data, task, loaded.task];
}
`;

function tsconfig(module: string, moduleResolution: string): string {
  return JSON.stringify({
    compilerOptions: {
      strict: true,
      target: 'es2022',
      lib: ['es2022', 'dom'],
      module,
      moduleResolution,
      noEmit: true,
      skipLibCheck: false,
    },
    files: ['consumer.ts'],
  });
}

describe('type declarations', () => {
  it.each([['nodenext', 'nodenext']])(
    'a strict consumer compiles (module %s, moduleResolution %s)',
    async (module, resolution) => {
      const dir = fullProject;
      writeFileSync(join(dir, 'consumer.ts'), CONSUMER);
      const config = `tsconfig.${resolution}.json`;
      writeFileSync(join(dir, config), tsconfig(module, resolution));
      const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const r = await runAsync(process.execPath, [tsc, '-p', config, '--pretty', 'false'], {
        cwd: dir,
      });
      // one diagnostic per line that starts with its file; continuation lines are indented
      const ours = `${r.stdout}${r.stderr}`
        .split(/\n(?=\S)/)
        .filter((d) => d.trim() !== '' && !d.startsWith('node_modules/@tensorflow/'));
      expect(ours).toEqual([]);
      expect(r.code === 0 || ours.length === 0).toBe(true);
    },
  );
});
