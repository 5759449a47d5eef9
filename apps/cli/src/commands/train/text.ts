/**
 * `rnnkit train text`: a character language model on a text file or `--dataset moby-dick`; the
 * last `--val-split` share of the text is held out and scored in bits per character every epoch.
 */
import { textGeneration } from '@rnnkit/tasks';
import { readTextInput } from './input.js';
import type { TrainedModel, TrainRun } from './run.js';

export async function trainText(run: TrainRun): Promise<TrainedModel> {
  const { settings, report } = run;
  const input = await readTextInput(settings, run);
  // validation: the last share of the text (the model never reads it while training)
  const cut = Math.round(input.text.length * (1 - settings.valSplit));
  const heldOut = input.text.length - cut >= 2 ? input.text.slice(cut) : '';
  const trainText = heldOut ? input.text.slice(0, cut) : input.text;
  report.note(
    `data: ${input.source}, ${trainText.length} chars for training, ${heldOut.length} held out (val-split ${settings.valSplit}); backend ${settings.backend}`,
    {
      type: 'data',
      source: input.source,
      trainChars: trainText.length,
      heldOutChars: heldOut.length,
      valSplit: settings.valSplit,
      backend: settings.backend,
    },
  );
  report.setEpochs(textGeneration.defaults(trainText.length, settings.model).resolved.epochs);
  // scored every epoch too (the epoch lines); not an option of the saved model
  const options = { ...settings.model, progressEvery: 1 };
  const lm = await textGeneration.train(
    trainText,
    heldOut ? { ...options, validation: heldOut } : options,
    run.hooks,
  );
  return {
    afterTraining: () => {
      if (!heldOut) return;
      const m = lm.evaluate(heldOut);
      report.note(`validation: ${m.bitsPerChar.toFixed(4)} bits per char on ${m.chars} chars`, {
        type: 'validation',
        metrics: m,
      });
    },
    save: (dir) => lm.save(dir),
    dispose: () => lm.dispose(),
  };
}
