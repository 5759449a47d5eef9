/**
 * Demo 4's worker: loads the pretrained char model shipped with the site (over http), generates
 * text with temperature and top-k, and saves the model to IndexedDB and loads it back from there.
 */
import { type ArtifactMeta, generate, type LoadedModel, load, save } from '@rnnkit/models';
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
    const { generations } = generate(model, {
      prompts: [prompt],
      maxLength: msg.maxLength,
      temperature: msg.temperature,
      topK: msg.topK > 0 ? msg.topK : undefined,
      suppress: [vocab.padId, vocab.unkId].filter((i) => i !== undefined),
      seed: msg.seed,
    });
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
