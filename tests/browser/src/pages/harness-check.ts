/**
 * A tiny page (no tfjs) for the harness's own tests: it logs, errors and throws on request, so the
 * tests can see that the harness collects what a page does wrong.
 */
import { expose } from '../page-api.js';

expose({
  echo: (arg: unknown) => ({ got: arg, userAgent: navigator.userAgent }),
  consoleError: (arg: { text: string }) => {
    console.error(arg.text);
    return null;
  },
  uncaught: (arg: { text: string }) => {
    setTimeout(() => {
      throw new Error(arg.text);
    }, 0);
    return new Promise((ok) => setTimeout(ok, 50));
  },
  rejects: (arg: { text: string }) => Promise.reject(new Error(arg.text)),
  fetchMissing: async () => (await fetch('/missing.json')).status,
});
