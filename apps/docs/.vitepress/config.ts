import { defineConfig } from 'vitepress';

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
      { text: 'Theory', link: '/guide/theory' },
      { text: 'Demos', link: '/demos/char-model' },
      { text: 'Packages', link: '/packages/vocab' },
      { text: 'Performance', link: '/guide/performance' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Getting started', link: '/guide/getting-started' },
          { text: 'Theory: RNN, LSTM, GRU', link: '/guide/theory' },
          { text: 'The model artifact', link: '/guide/artifact' },
          { text: 'Performance', link: '/guide/performance' },
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
        ],
      },
    ],
  },
});
