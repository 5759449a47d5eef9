import { describe, expect, it } from 'vitest';
import { activationFn, activationGradFromOutput } from './fast-gates.js';

describe('fast-gates activations', () => {
  const points = Array.from({ length: 20001 }, (_, i) => -20 + i * 0.002);

  it('table sigmoid and tanh stay within 5e-7 of the exact functions', () => {
    const sig = activationFn('sigmoid');
    const tanh = activationFn('tanh');
    let eSig = 0;
    let eTanh = 0;
    for (const v of points) {
      eSig = Math.max(eSig, Math.abs(sig(v) - 1 / (1 + Math.exp(-v))));
      eTanh = Math.max(eTanh, Math.abs(tanh(v) - Math.tanh(v)));
    }
    expect(eSig).toBeLessThan(5e-7);
    expect(eTanh).toBeLessThan(5e-7);
    expect(Number.isNaN(sig(Number.NaN))).toBe(true);
    expect(sig(1e9)).toBe(1);
    expect(sig(-1e9)).toBe(0);
  });

  it('hardSigmoid, relu and linear follow tfjs-layers', () => {
    const hs = activationFn('hardSigmoid');
    expect([-3, -2.5, 0, 1, 2.5, 3].map(hs)).toEqual([0, 0, 0.5, 0.7, 1, 1]);
    expect([-1, 0, 2].map(activationFn('relu'))).toEqual([0, 0, 2]);
    expect(activationFn('linear')(-1.5)).toBe(-1.5);
  });

  it('derivatives from outputs match finite differences', () => {
    for (const name of ['sigmoid', 'tanh', 'relu', 'linear', 'hardSigmoid'] as const) {
      const f = activationFn(name);
      const d = activationGradFromOutput(name);
      for (const v of [-1.3, -0.2, 0.4, 1.7]) {
        const fd = (f(v + 1e-4) - f(v - 1e-4)) / 2e-4;
        expect(Math.abs(d(f(v)) - fd), `${name} at ${v}`).toBeLessThan(1e-3);
      }
    }
  });
});
