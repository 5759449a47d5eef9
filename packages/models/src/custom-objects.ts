/**
 * The layer classes rnnkit builds that plain tfjs does not know (or knows differently), by the
 * class name written in `model.json`. `load()` passes this map to `tfl.models.modelFromJSON`, so
 * rnnkit's own classes are used when rnnkit loads a model, without replacing tfjs's global
 * registrations (a program that also uses stock `tf.layers.lstm` keeps getting stock layers).
 *
 * Every module that defines such a class adds it here.
 */
import type * as tfl from '@tensorflow/tfjs-layers';

type LayerClass = typeof tfl.layers.Layer & { className: string };

const classes = new Map<string, LayerClass>();

/** Adds a class under the name it is saved as (its static `className`). */
export function registerCustomObject(cls: LayerClass): void {
  classes.set(cls.className, cls);
}

/** The map for `tfl.models.modelFromJSON(json, customObjects())`. */
export function customObjects(): Record<string, LayerClass> {
  return Object.fromEntries(classes);
}
