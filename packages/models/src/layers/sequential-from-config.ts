/**
 * A stand-in for tfjs-layers 4.22's `Sequential.fromConfig` that passes `customObjects` on to the
 * layers. The stock one deserialises every layer with `customObjects = undefined`, and the
 * fallback it then takes (tfjs's temporary global custom objects) looks up the literal key
 * 'className' and throws "undefined is not iterable"; so without this, a `Sequential` model that
 * holds rnnkit's layers cannot be loaded through `customObjects()`. The steps are the stock
 * ones (tfjs-layers `models.ts`, `Sequential.fromConfig`).
 *
 * Neighbours in `layers/`: `recurrent.ts` (the recurrent layers over the cells of `cells/`),
 * `recurrent-layer.ts` (their factory), `inputs.ts`, `attention.ts`, the initialisers, and
 * `custom-objects.ts` (what `load` needs to rebuild them).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from '../errors.js';

type Entry = [unknown, tf.serialization.FromConfigMethod<tf.serialization.Serializable>];
type Config = tf.serialization.ConfigDict;

/** One layer from `{ className, config }`: customObjects first, then tfjs's own registry. */
function deserializeLayer(conf: Config, custom: Record<string, Entry>): tfl.layers.Layer {
  const className = String(conf['className']);
  const entry =
    custom[className] ??
    (tf.serialization.SerializationMap.getMap().classNameMap[className] as Entry | undefined);
  if (entry == null) {
    throw new ModelsError(
      'UNKNOWN_LAYER',
      `unknown layer class '${className}' in the Sequential model: it is neither a tfjs-layers class nor one of rnnkit's (${Object.keys(custom).join(', ')})`,
    );
  }
  const [cls, fromConfig] = entry;
  // as tfjs's deserializeKerasObject: nested models read customObjects from their config
  const config = { ...(conf['config'] as Config), customObjects: custom } as Config;
  return fromConfig(
    cls as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
    config,
  ) as unknown as tfl.layers.Layer;
}

/** `[class, fromConfig]` for a `Sequential` entry of `customObjects()`. */
export function sequentialEntry(custom: () => Record<string, Entry>): Entry {
  const fromConfig = (
    cls: tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
    config: Config,
  ): tf.serialization.Serializable => {
    const layers = (Array.isArray(config) ? config : config['layers']) as Config[] | undefined;
    if (layers == null) {
      throw new ModelsError(
        'BAD_CONFIG',
        "a Sequential model's config has no 'layers' field: the model.json is not a tfjs Layers model",
      );
    }
    const { layers: _, customObjects: __, ...rest } = Array.isArray(config) ? {} : config;
    const model = new (cls as unknown as new (args: Config) => tfl.Sequential)(rest);
    const objects = custom();
    for (const conf of layers) model.add(deserializeLayer(conf, objects));
    return model;
  };
  return [tfl.Sequential, fromConfig as Entry[1]];
}
