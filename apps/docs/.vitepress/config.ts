import { existsSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitepress';

type SidebarItem = { text: string; link: string };

/**
 * The API reference's pages, one per package, as `scripts/prepare.mjs` (TypeDoc) wrote them to
 * `api/` (generated at build time, not committed). Empty before the first `pnpm build`/`pnpm dev`.
 */
function apiSidebar(): SidebarItem[] {
  const file = new URL('../api/typedoc-sidebar.json', import.meta.url);
  if (!existsSync(file)) return [];
  const items = JSON.parse(readFileSync(file, 'utf8')) as SidebarItem[];
  return items.map(({ text, link }) => ({ text, link: link.replace(/\.md$/, '') }));
}

export default defineConfig({
  title: 'rnnkit',
  description: 'Recurrent sequence models (RNN, LSTM, GRU) on TensorFlow.js, with live demos',
  cleanUrls: false,
  // the favicon as data: keeps the browser from requesting /favicon.ico (a 404 in the test)
  head: [['link', { rel: 'icon', href: 'data:,' }]],
  markdown: { math: true },
  vite: {
    // the demo workers import tfjs in chunks: ES module workers
    worker: { format: 'es' },
    build: { chunkSizeWarningLimit: 4000 },
  },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'Tasks', link: '/tasks/' },
      { text: 'Theory', link: '/guide/theory' },
      { text: 'Demos', link: '/demos/char-model' },
      { text: 'Packages', link: '/packages/vocab' },
      { text: 'API', link: '/api/' },
      { text: 'Performance', link: '/guide/performance' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Getting started', link: '/guide/getting-started' },
          { text: 'Theory: RNN, LSTM, GRU', link: '/guide/theory' },
          { text: 'The model artifact', link: '/guide/artifact' },
          { text: 'Choosing a backend', link: '/guide/backends' },
          { text: 'Bring a Keras model', link: '/guide/keras' },
          { text: 'Outgrow one machine (PyTorch)', link: '/guide/pytorch' },
          { text: 'Deploy with ONNX Runtime', link: '/guide/onnx' },
          { text: 'Performance', link: '/guide/performance' },
        ],
      },
      {
        text: 'Tasks',
        items: [
          { text: 'Overview and results', link: '/tasks/' },
          { text: 'Text generation', link: '/tasks/text-generation' },
          { text: 'Classification', link: '/tasks/classification' },
          { text: 'Forecasting', link: '/tasks/forecasting' },
          { text: 'Conditional generation', link: '/tasks/conditional-generation' },
          { text: 'Sequence to sequence', link: '/tasks/seq2seq' },
        ],
      },
      {
        text: 'Live demos',
        items: [
          { text: '1. Character model', link: '/demos/char-model' },
          { text: '2. Window regression', link: '/demos/window-regression' },
          { text: '3. RNN cell explorer', link: '/demos/rnn-cell' },
          { text: '4. Text generation', link: '/demos/generate' },
        ],
      },
      {
        text: 'Packages',
        items: [
          { text: '@rnnkit/vocab', link: '/packages/vocab' },
          { text: '@rnnkit/windowing', link: '/packages/windowing' },
          { text: '@rnnkit/models', link: '/packages/models' },
          { text: '@rnnkit/training', link: '/packages/training' },
          { text: '@rnnkit/datasets', link: '/packages/datasets' },
          { text: '@rnnkit/tasks', link: '/packages/tasks' },
        ],
      },
      {
        text: 'API reference',
        collapsed: true,
        items: [{ text: 'All packages', link: '/api/' }, ...apiSidebar()],
      },
    ],
  },
});
