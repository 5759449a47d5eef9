/**
 * `rnnkit train text`: a character language model (or, with `--unit word`, a word one) on a text
 * file or `--dataset moby-dick`; the last `--val-split` share of the text is held out and scored
 * in bits per character (perplexity per word) every epoch.
 */
import { textGeneration } from '@rnnkit/tasks';
import { wordTokenizer } from '@rnnkit/vocab';
import { dataEvent, readTextInput } from './input.js';
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
    dataEvent(settings, input.source, {
      trainChars: trainText.length,
      heldOutChars: heldOut.length,
    }),
  );
  const size =
    settings.text.unit === 'word' ? wordTokenizer().tokenize(trainText).length : trainText.length;
  const model = { ...settings.model, ...settings.text };
  report.setEpochs(textGeneration.defaults(size, model).resolved.epochs);
  // scored every epoch too (the epoch lines); not an option of the saved model
  const options = { ...model, progressEvery: 1 };
  const lm = await textGeneration.train(
    trainText,
    heldOut ? { ...options, validation: heldOut } : options,
    run.hooks,
  );
  return {
    afterTraining: () => {
      if (!heldOut) return;
      const m = lm.evaluate(heldOut);
      const line =
        m['perplexity'] !== undefined
          ? `validation: perplexity ${m['perplexity'].toFixed(2)} per word on ${m['words']} words`
          : `validation: ${m['bitsPerChar']!.toFixed(4)} bits per char on ${m['chars']} chars`;
      report.note(line, { type: 'validation', metrics: m });
    },
    save: (dir, options) => lm.save(dir, options),
    dispose: () => lm.dispose(),
  };
}
