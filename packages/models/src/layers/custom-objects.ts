/**
 * The layer classes rnnkit builds that plain tfjs does not know (or knows differently), by the
 * class name written in `model.json`. `load()` passes this map to `tfl.models.modelFromJSON`, so
 * rnnkit's own classes are used when rnnkit loads a model, without replacing tfjs's global
 * registrations (a program that also uses stock `tf.layers.lstm` keeps getting stock layers).
 *
 * Every module that defines such a class adds it here.
 *
 * Neighbours in `layers/`: `recurrent.ts` (the recurrent layers over the cells of `cells/`),
 * `recurrent-layer.ts` (their factory), `inputs.ts`, `attention.ts`, the initialisers, and
 * `custom-objects.ts` (what `load` needs to rebuild them).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { BroadcastTime } from '../topologies/one-to-many.js';
import { ReverseTime } from '../topologies/stack.js';
import { AdditiveAttention, DotAttention, PaddingMask } from './attention.js';
import { GivenMask } from './inputs.js';
import { GRU, LSTM, SimpleRNN } from './recurrent.js';
import { sequentialEntry } from './sequential-from-config.js';

type LayerClass = typeof tfl.layers.Layer & { className: string };

const classes = new Map<string, LayerClass>();

/** Adds a class under the name it is saved as (its static `className`). */
export function registerCustomObject(cls: LayerClass): void {
  classes.set(cls.className, cls);
}

type Entry = ReturnType<typeof sequentialEntry>;

/**
 * The map for `tfl.models.modelFromJSON(json, customObjects())`. tfjs-layers 4.22 reads each entry
 * as a `[class, fromConfig]` pair, like its own registry (`deserializeKerasObject`); a bare class
 * there fails with "Unknown layer". It also holds a `Sequential` entry, because stock
 * `Sequential.fromConfig` drops customObjects (see `layers/sequential-from-config.ts`).
 */
export function customObjects(): Record<string, Entry> {
  const entries: [string, Entry][] = [...classes].map(([name, cls]) => [
    name,
    [cls, cls.fromConfig as Entry[1]],
  ]);
  return Object.fromEntries([...entries, ['Sequential', sequentialEntry(customObjects)]]);
}

// rnnkit's recurrent layers, saved under the stock names (SimpleRNN, LSTM, GRU): loading through
// customObjects() runs them on rnnkit's recurrence kernels and builds GRU with resetAfter true.
for (const cls of [SimpleRNN, LSTM, GRU]) registerCustomObject(cls);

// The topologies' own layers, saved as 'rnnkit>ReverseTime' and so on: models that use them
// (bidirectional sequences, the condition at every step, attention) need rnnkit to load.
for (const cls of [
  ReverseTime,
  BroadcastTime,
  DotAttention,
  AdditiveAttention,
  PaddingMask,
  GivenMask,
]) {
  registerCustomObject(cls);
}
