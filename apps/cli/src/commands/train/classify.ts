/**
 * `rnnkit train classify`: a many-to-one text classifier on JSONL or CSV labelled texts (or
 * `--dataset sentiment-sentences`); the task holds out `--val-split` for validation every epoch.
 */
import { classification } from '@rnnkit/tasks';
import { dataEvent, readLabelledInput } from './input.js';
import type { TrainedModel, TrainRun } from './run.js';

export async function trainClassify(run: TrainRun): Promise<TrainedModel> {
  const { settings, report } = run;
  const input = await readLabelledInput(settings, run);
  const labels = new Set(input.examples.map((e) => e.label));
  report.note(
    `data: ${input.source}, ${input.examples.length} examples, ${labels.size} labels, the share ${settings.valSplit} for validation; backend ${settings.backend}`,
    dataEvent(settings, input.source, { examples: input.examples.length, labels: labels.size }),
  );
  const options = { ...settings.model, validationShare: settings.valSplit, progressEvery: 1 };
  report.setEpochs(classification.defaults(input.examples, options).resolved.epochs);
  const c = await classification.train(input.examples, options, run.hooks);
  return { save: (dir, options) => c.save(dir, options), dispose: () => c.dispose() };
}
