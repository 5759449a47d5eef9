/**
 * Weights stored by layer name, in each layer's own order: the legacy Keras `.h5` (the group
 * `model_weights/<layer>` lists its datasets in the attribute `weight_names`) and a TensorFlow.js
 * converter `model.json` (the manifest lists `<layer>/...` weights in the same order). The order is
 * the one a `.keras` file numbers `vars/<i>` by (kernel, recurrent kernel, bias; a Bidirectional's
 * forward layer then its backward layer), so the `.keras` paths that `toTopology` asks for are
 * answered by position, whatever the names inside (`lstm_cell/kernel`, `kernel:0`, ...).
 */
import { InteropError } from '../errors.js';
import type { KerasLayer } from './graph.js';
import type { WeightSource } from './to-rnnkit.js';

export interface NamedWeight {
  name: string;
  shape: number[];
  /** Reads the values; called only once the shape has been checked. */
  read(): Float32Array;
}

/** A `WeightSource` over weights grouped by layer name (each group in the layer's order). */
export function namedWeightSource(
  layers: KerasLayer[],
  byLayer: Map<string, NamedWeight[]>,
  file: string,
): { read: WeightSource; unused(): string[] } {
  const byPath = new Map(layers.filter((l) => l.weightPath).map((l) => [l.weightPath, l.name]));
  const used = new Set<string>();
  const read: WeightSource = (path, shape) => {
    // layers/<snake>[_N] [/forward_layer|/backward_layer] [/cell|/layer] /vars/<i>
    const m =
      /^(layers\/[^/]+)(?:\/(forward_layer|backward_layer))?(?:\/(?:cell|layer))?\/vars\/(\d+)$/.exec(
        path,
      );
    const layer = m ? byPath.get(m[1]!) : undefined;
    const list = layer === undefined ? undefined : byLayer.get(layer);
    if (!m || layer === undefined || list === undefined) {
      throw new InteropError(
        'MALFORMED',
        `${file}: no weights for ${layer ?? path}, which the config needs: the weights and the config come from different models`,
      );
    }
    const half = list.length / 2;
    const index = Number(m[3]) + (m[2] === 'backward_layer' ? half : 0);
    const w = list[index];
    if (w === undefined) {
      throw new InteropError(
        'MALFORMED',
        `${file}: layer '${layer}' has ${list.length} weights, but its config needs more: the weights and the config come from different models`,
      );
    }
    if (w.shape.join() !== shape.join()) {
      throw new InteropError(
        'MALFORMED',
        `${file}: weight ${w.name} is [${w.shape}] in the file but the config declares [${shape}]: the weights and the config come from different models`,
      );
    }
    used.add(`${layer}#${index}`);
    return w.read();
  };
  const unused = () =>
    [...byLayer].flatMap(([layer, list]) =>
      list.filter((_, i) => !used.has(`${layer}#${i}`)).map((w) => w.name),
    );
  return { read, unused };
}
