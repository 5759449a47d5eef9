/**
 * `rnnkit train seq2seq`: an encoder-decoder (with attention) on TSV pairs or `--dataset
 * cmudict`. `--seq-length` caps the source and target lengths (longer pairs are dropped); the
 * last `--val-split` share of the pairs is held out, scored every epoch (teacher-forced loss and
 * token accuracy) and decoded after training (word accuracy, token error rate).
 */
import { resolve } from 'node:path';
import { seq2seq } from '@rnnkit/tasks';
import { writeAttentionMap } from '../predict/attention-map.js';
import { cappedOptions, dataEvent, holdOutLast, readPairsInput } from './input.js';
import type { TrainedModel, TrainRun } from './run.js';

export async function trainSeq2seq(run: TrainRun): Promise<TrainedModel> {
  const { settings, report } = run;
  const input = await readPairsInput(settings, run);
  const { train, heldOut } = holdOutLast(input.pairs, settings.valSplit);
  report.note(
    `data: ${input.source}, ${train.length} pairs for training, ${heldOut.length} held out (val-split ${settings.valSplit}); backend ${settings.backend}`,
    dataEvent(settings, input.source, { trainPairs: train.length, heldOutPairs: heldOut.length }),
  );
  const options = cappedOptions(settings, (seqLength) => ({
    maxSourceLength: seqLength,
    maxTargetLength: seqLength,
  }));
  report.setEpochs(seq2seq.defaults(train.length, options).resolved.epochs);
  // scored every epoch too (the epoch lines); not an option of the saved model
  const withValidation = heldOut.length ? { ...options, validation: heldOut } : options;
  const s = await seq2seq.train(train, withValidation, run.hooks);
  return {
    afterTraining: async () => {
      if (settings.attentionMap !== undefined) {
        // one input the model did not train on when there is one
        const first = (heldOut[0] ?? train[0])!.source;
        const source = typeof first === 'string' ? first : first.join(' ');
        const path = resolve(run.cwd, settings.attentionMap);
        await writeAttentionMap(s, source, path);
        report.note(`wrote ${path} (attention for ${JSON.stringify(source)})`, {
          type: 'attentionMap',
          path,
          source,
        });
      }
      if (heldOut.length === 0) return;
      const m = s.evaluate(heldOut);
      report.note(
        `validation: word accuracy ${m.wordAccuracy.toFixed(4)}, token error rate ${m.tokenErrorRate.toFixed(4)} on ${m.examples} pairs`,
        { type: 'validation', metrics: m },
      );
    },
    save: (dir, options) => s.save(dir, options),
    dispose: () => s.dispose(),
  };
}
