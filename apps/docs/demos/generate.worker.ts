/**
 * Demo 4's worker: loads the pretrained char model shipped with the site (over http), generates
 * text with temperature and top-k, and saves the model to IndexedDB and loads it back from there.
 */
import {
  type ArtifactMeta,
  generate,
  type LoadedModel,
  load,
  type StatefulLM,
  save,
  statefulLM,
} from '@rnnkit/models';
import { type BackendChoice, pickBackend } from './backend.js';
import type { DemoBackend } from './defaults.js';

export type ToGenerator =
  | { type: 'load'; url: string; backend: DemoBackend | null }
  | {
      type: 'generate';
      prompt: string;
      maxLength: number;
      temperature: number;
      topK: number;
      seed: number;
    }
  | { type: 'roundTrip'; url: string };

export type FromGenerator =
  | {
      type: 'loaded';
      choice: BackendChoice;
      source: string;
      vocabSize: number;
      metrics: Record<string, number>;
    }
  | { type: 'progress'; message: string }
  /** One generated character as it is drawn, and the most likely characters it was drawn from. */
  | { type: 'token'; char: string; top: { char: string; p: number }[] }
  | { type: 'text'; text: string; ms: number }
  | { type: 'error'; message: string };

/** The worker's global scope, typed by the messages it exchanges. */
const scope = self as unknown as {
  postMessage(m: FromGenerator): void;
};
const post = (m: FromGenerator) => scope.postMessage(m);

let loaded: LoadedModel | null = null;
let choice: BackendChoice = { backend: 'cpu', probe: null };

function use(next: LoadedModel, source: string): void {
  loaded?.model.dispose();
  loaded = next;
  post({
    type: 'loaded',
    choice,
    source,
    vocabSize: next.vocab?.size ?? 0,
    metrics: next.meta.training?.metrics ?? {},
  });
}

/** The 5 most likely next characters and their probabilities at `temperature` (before top-k). */
function topChars(
  logits: Float32Array,
  temperature: number,
  vocab: { decode(ids: number[]): string },
): { char: string; p: number }[] {
  const max = Math.max(...logits);
  const e = Array.from(logits, (l) => Math.exp((l - max) / temperature));
  const total = e.reduce((a, b) => a + b, 0);
  return e
    .map((v, id) => ({ id, p: v / total }))
    .sort((a, b) => b.p - a.p)
    .slice(0, 5)
    .map(({ id, p }) => ({ char: vocab.decode([id]), p }));
}

async function run(msg: ToGenerator): Promise<void> {
  if (msg.type === 'load') {
    // the shipped model is an LSTM(64): four gate blocks of 64
    choice = await pickBackend(msg.backend, 256, (b) =>
      post({ type: 'progress', message: `timing the ${b} backend` }),
    );
    post({ type: 'progress', message: `loading the model on ${choice.backend}` });
    use(await load(msg.url), msg.url);
  } else if (msg.type === 'generate') {
    if (!loaded?.vocab) throw new Error('the model is not loaded yet: wait for "loaded"');
    const t0 = performance.now();
    const { vocab, model } = loaded;
    const prompt = vocab.encode(msg.prompt.length > 0 ? msg.prompt : ' ');
    // the stepper, watched: each step's logits are kept so that every drawn character goes to the
    // page at once (streaming) with the distribution it was drawn from (the bars)
    const lm = statefulLM(model);
    let logits: Float32Array = new Float32Array(0);
    const watched = new Proxy(lm, {
      get(target, key) {
        if (key === 'step')
          return (tokens: ArrayLike<number>) => {
            logits = target.step(tokens);
            return logits;
          };
        const v = Reflect.get(target, key) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as StatefulLM;
    const { generations } = generate(watched, {
      onToken: (_, token) =>
        post({
          type: 'token',
          char: vocab.decode([token]),
          top: topChars(logits, msg.temperature, vocab),
        }),
      prompts: [prompt],
      maxLength: msg.maxLength,
      temperature: msg.temperature,
      topK: msg.topK > 0 ? msg.topK : undefined,
      suppress: [vocab.padId, vocab.unkId].filter((i) => i !== undefined),
      seed: msg.seed,
    });
    lm.dispose();
    const text = msg.prompt + vocab.decode(generations[0]!.tokens);
    post({ type: 'text', text, ms: performance.now() - t0 });
  } else {
    // save the current model to IndexedDB, then replace it by the copy loaded back from there
    if (!loaded) throw new Error('the model is not loaded yet: wait for "loaded"');
    const { format: _f, formatVersion: _v, createdWith: _c, ...meta } = loaded.meta;
    await save(loaded.model, msg.url, meta as ArtifactMeta);
    use(await load(msg.url), msg.url);
  }
}

/** The demo worker (`demo.worker.ts`) passes each message from the page here. */
export function handle(data: ToGenerator): void {
  run(data).catch((err: unknown) =>
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
}
