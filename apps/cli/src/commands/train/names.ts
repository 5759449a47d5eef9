/**
 * `rnnkit train names`: conditional generation (a text given a condition, e.g. a name given its
 * language) from JSONL/CSV labelled texts (the label is the condition) or `--dataset
 * names-by-language`; a seeded `--val-split` share of each condition's texts is held out and scored
 * in bits per character.
 * `--seq-length` is the longest text kept.
 */
import { type ConditionalExample, conditionalGeneration } from '@rnnkit/tasks';
import { shuffledSplit } from '@rnnkit/windowing';
import { cappedOptions, dataEvent, readLabelledInput } from './input.js';
import type { TrainedModel, TrainRun } from './run.js';

export async function trainNames(run: TrainRun): Promise<TrainedModel> {
  const { settings, report } = run;
  const input = await readLabelledInput(settings, run, 'names');
  const examples = input.examples.map((e) => ({ text: e.text, condition: String(e.label) }));
  const { train, heldOut } = splitByCondition(
    examples,
    settings.valSplit,
    settings.model.seed ?? 0,
  );
  const conditions = new Set(examples.map((e) => e.condition));
  report.note(
    `data: ${input.source}, ${train.length} examples for training, ${heldOut.length} held out, ${conditions.size} conditions (val-split ${settings.valSplit}); backend ${settings.backend}`,
    dataEvent(settings, input.source, {
      trainExamples: train.length,
      heldOutExamples: heldOut.length,
      conditions: conditions.size,
    }),
  );
  const options = cappedOptions(settings, (seqLength) => ({ maxLength: seqLength }));
  // scored every epoch too (the epoch lines); not an option of the saved model
  const withValidation = heldOut.length ? { ...options, validation: heldOut } : options;
  report.setEpochs(conditionalGeneration.defaults(train.length, options).resolved.epochs);
  const g = await conditionalGeneration.train(train, withValidation, run.hooks);
  return {
    afterTraining: () => {
      if (heldOut.length === 0) return;
      const m = g.evaluate(heldOut);
      report.note(
        `validation: ${m.bitsPerChar.toFixed(4)} bits per char on ${m.examples} examples`,
        { type: 'validation', metrics: m },
      );
    },
    save: (dir, options) => g.save(dir, options),
    dispose: () => g.dispose(),
  };
}

/**
 * Holds out the share `valSplit` of each condition's examples, drawn with `seed`: a file sorted by
 * condition (names-by-language is) would otherwise hold out only its last conditions, which the
 * model never saw.
 */
function splitByCondition(examples: ConditionalExample[], valSplit: number, seed: number) {
  const groups = new Map<string, ConditionalExample[]>();
  for (const e of examples) {
    const group = groups.get(e.condition);
    if (group) group.push(e);
    else groups.set(e.condition, [e]);
  }
  const train: ConditionalExample[] = [];
  const heldOut: ConditionalExample[] = [];
  for (const group of groups.values()) {
    const split = shuffledSplit(group.length, { test: valSplit, seed });
    for (const i of split.train) train.push(group[i]!);
    for (const i of split.test) heldOut.push(group[i]!);
  }
  return { train, heldOut };
}
