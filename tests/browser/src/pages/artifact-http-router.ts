/**
 * The artifact page plus one reference to `tf.io.http`. Vite 8 (rolldown) drops tfjs-core's
 * `io/http.js` from a bundle that never names one of its exports, and with it the module's
 * top-level `registerLoadRouter(httpRouter)`, so `load('http://...')` finds no handler. Naming
 * `tf.io.http` keeps the module, and its router, in the bundle (see `artifact.test.ts`). Vite 7
 * (Rollup) keeps the router without this.
 */
import * as tf from '@tensorflow/tfjs-core';
import './artifact.js';

// read once so the bundler keeps io/http.js (and its router registration)
(window as unknown as { __tfHttp: unknown }).__tfHttp = tf.io.http;
