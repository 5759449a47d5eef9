/**
 * `rnnkit generate <model>`: text from a model trained by `rnnkit train text`, each character
 * written to stdout as soon as it is drawn. The same seed gives the same text as the tasks
 * package's `generate` (less the special tokens `<pad>`, `<unk>`, which are not printed).
 * `--prime` is taken as typed (`--prime 007` starts with "007"); `--temperature 0` is greedy (the
 * most likely character every time, as `strategy: 'greedy'`).
 *
 * @example
 * ```sh
 * rnnkit generate out/lm --prime "The whale" --length 40 --temperature 0.8 --seed 1
 * # The whale ... (40 characters after the prime)
 * ```
 */
import { resolve } from 'node:path';
import { generate as generateTokens } from '@rnnkit/models';
import {
  type ConditionalGenerator,
  DEFAULT_GENERATE_LENGTH,
  DEFAULT_TEMPERATURE,
  loadTask,
  type TextGenerator,
} from '@rnnkit/tasks';
import { type BackendChoice, useBackend } from '../../backend.js';
import { CliError } from '../../errors.js';
import type { Io } from '../../io.js';
import { loadingModel } from '../../util/load-task.js';

/** The flags of `rnnkit generate`, checked by their parsers (cli.ts). */
export interface GenerateFlags {
  prime?: string;
  length?: number;
  /** 0: greedy. */
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  condition?: string;
  count?: number;
  backend?: BackendChoice;
}

export async function generate(model: string, flags: GenerateFlags, io: Io): Promise<void> {
  const length = flags.length ?? DEFAULT_GENERATE_LENGTH;
  const { topK, topP } = flags;
  const seed = flags.seed ?? 0;
  // temperature 0 is what people mean by greedy; the models package spells it as a strategy
  const sampling =
    flags.temperature === 0
      ? { strategy: 'greedy' as const }
      : { temperature: flags.temperature ?? DEFAULT_TEMPERATURE };
  const backend = await useBackend(flags.backend);
  const say = () => io.err(`${backend.line}\n`);
  const dir = resolve(io.cwd, model);
  const task = await loadingModel(dir, loadTask);
  try {
    if (task.task === 'conditional-generation') {
      const g = task as ConditionalGenerator;
      const { condition } = flags;
      if (condition === undefined || !g.conditions.includes(condition)) {
        throw new CliError(
          `${condition === undefined ? 'give --condition <name>' : `unknown condition ${JSON.stringify(condition)}`}: the conditions are ${g.conditions.join(', ')}`,
          2,
        );
      }
      say();
      const texts = g.generate(condition, {
        count: flags.count ?? 1,
        ...sampling,
        ...(topK !== undefined ? { topK } : {}),
        ...(topP !== undefined ? { topP } : {}),
        seed,
      });
      for (const t of texts) io.out(t);
      return;
    }
    if (task.task !== 'text-generation') {
      throw new CliError(
        `${dir} holds a ${task.task} model: generate needs a text or names model (rnnkit train text, rnnkit train names)`,
        2,
      );
    }
    const lm = task as TextGenerator;
    const words = lm.options.unit === 'word';
    // a word model starts from its most frequent word by default (a newline is no word)
    const prime = flags.prime ?? (words ? lm.vocab.tokenOf(lm.vocab.specials.length)! : '\n');
    const ids = lm.vocab.encode(prime);
    if (ids.length === 0) {
      throw new CliError(
        `--prime ${JSON.stringify(prime)} has no ${words ? 'word' : 'character'} the model knows: use ${words ? 'words' : 'characters'} of its training text`,
        2,
      );
    }
    say();
    io.write(prime);
    // each token is printed as what the tokenizer's detokenize adds after the last token shown (a
    // word model's words joined by single spaces, a char model's characters as they are): the
    // detokenizers join neighbours only, so two tokens suffice and each step costs the same.
    // Specials (an <unk> in the prime) print nothing and are passed over.
    const decode = (tokens: number[]) => lm.vocab.decode(tokens, { skipSpecials: true });
    let previous = [...ids].reverse().find((id) => decode([id]) !== '');
    const shown = (token: number): string => {
      if (decode([token]) === '') return '';
      const text =
        previous === undefined
          ? decode([token])
          : decode([previous, token]).slice(decode([previous]).length);
      previous = token;
      return text;
    };
    generateTokens(lm.model, {
      prompts: [ids],
      maxLength: length,
      ...sampling,
      ...(topK !== undefined ? { topK } : {}),
      ...(topP !== undefined ? { topP } : {}),
      suppress: [lm.vocab.padId, lm.vocab.unkId].filter((i) => i !== undefined),
      seed,
      onToken: (_row, token) => io.write(shown(token)),
    });
    io.write('\n');
  } finally {
    task.dispose();
  }
}
