import { existsSync, readFileSync } from 'node:fs';
import { defineConfig, type MarkdownRenderer } from 'vitepress';

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

/**
 * The package READMEs (included by `packages/*.md`) end their header with `Docs:
 * https://rnnkit.dev/packages/<name>` for readers on npm; on this site that line points at the page
 * the reader is on, on a domain that is not set up, so the site leaves the paragraph out.
 */
const DOCS_LINE = /^Docs: https:\/\/rnnkit\.dev\/\S*$/;

function dropDocsLine(md: MarkdownRenderer): void {
  md.core.ruler.push('rnnkit-drop-docs-line', (state) => {
    const t = state.tokens;
    for (let i = 0; i + 2 < t.length; i++) {
      if (
        t[i]!.type === 'paragraph_open' &&
        t[i + 1]!.type === 'inline' &&
        DOCS_LINE.test(t[i + 1]!.content)
      ) {
        t.splice(i, 3);
        i--;
      }
    }
  });
}

/**
 * Lighter maths. A lone symbol in running text (`$h_t$`) becomes HTML italics with a subscript.
 * MathJax marks its output with attributes HTML does not know (`jax`, `display`, `unselectable`
 * on its `mjx-*` elements). Vue keeps any element with such an attribute as a node built by the
 * page's JavaScript instead of static HTML, so every formula was shipped twice (in the HTML and
 * in the page's script). As `data-*` attributes (the display styles are inline anyway) the
 * formulas are static: the theory page's script gets much lighter.
 */
/** A lone symbol with an optional plain subscript: `h`, `W_x`, `h_{t-1}`, `b_{rh}`. */
const SIMPLE_MATH = /^([A-Za-z])(?:_(?:([A-Za-z0-9])|\{([A-Za-z0-9+-]+)\}))?$/;

function staticMath(md: MarkdownRenderer): void {
  for (const rule of ['math_inline', 'math_block'] as const) {
    const render = md.renderer.rules[rule];
    if (!render) continue;
    md.renderer.rules[rule] = (...args) => {
      // a lone symbol in running text as HTML italics: the same look, a fraction of MathJax's SVG
      const simple = rule === 'math_inline' && SIMPLE_MATH.exec(args[0][args[1]]!.content.trim());
      if (simple) {
        const sub = (simple[2] ?? simple[3])?.replace('-', '−');
        return `<span class="rk-math"><i>${simple[1]}</i>${sub ? `<sub>${sub}</sub>` : ''}</span>`;
      }
      return render(...args).replace(
        /<(mjx-[\w-]+)([^>]*)>/g,
        (_, tag: string, attrs: string) =>
          `<${tag}${attrs.replace(/ (jax|display|unselectable)="/g, ' data-$1="')}>`,
      );
    };
  }
}

export default defineConfig({
  title: 'rnnkit',
  description: 'Recurrent sequence models (RNN, LSTM, GRU) on TensorFlow.js, with live demos',
  cleanUrls: false,
  // the favicon as data: keeps the browser from requesting /favicon.ico (a 404 in the test)
  head: [['link', { rel: 'icon', href: 'data:,' }]],
  // the docs app's own README is for its developers, not a page of the site
  srcExclude: ['README.md'],
  // MathJax's SVG with each formula's glyphs defined once and reused (`local`; the plugin's
  // default, `none`, repeats every glyph's path): the theory page's JavaScript is half as heavy
  markdown: {
    math: { svg: { fontCache: 'local' } },
    config: (md) => {
      dropDocsLine(md);
      staticMath(md);
    },
  },
  // no prefetching of the linked pages' JavaScript: a page downloads its own (the home page would
  // otherwise fetch the theory page's formulas and every linked page as soon as it shows)
  router: { prefetchLinks: false },
  vite: {
    // the demo workers import tfjs in chunks: ES module workers
    worker: { format: 'es' },
    build: { chunkSizeWarningLimit: 4000 },
  },
  // the theory, getting started and the demos' explanations in Korean, the tutorial's language
  locales: {
    root: { label: 'English', lang: 'en' },
    ko: {
      label: '한국어',
      lang: 'ko',
      link: '/ko/',
      description: 'TensorFlow.js 위의 순환 신경망(RNN, LSTM, GRU)과 라이브 데모',
      themeConfig: {
        nav: [
          { text: '시작하기', link: '/ko/guide/getting-started' },
          { text: '이론', link: '/ko/guide/theory' },
          { text: '데모', link: '/ko/demos/char-model' },
          { text: 'English', link: '/' },
        ],
        sidebar: [
          {
            text: '가이드',
            items: [
              { text: '시작하기', link: '/ko/guide/getting-started' },
              { text: '이론: RNN, LSTM, GRU', link: '/ko/guide/theory' },
            ],
          },
          {
            text: '라이브 데모',
            items: [
              { text: '1. 문자 모델', link: '/ko/demos/char-model' },
              { text: '2. 윈도 회귀', link: '/ko/demos/window-regression' },
              { text: '3. RNN 셀 들여다보기', link: '/ko/demos/rnn-cell' },
              { text: '4. 글 생성', link: '/ko/demos/generate' },
              { text: '5. 게이트 속', link: '/ko/demos/cell-explorer' },
            ],
          },
        ],
        outline: { label: '이 페이지에서' },
        docFooter: { prev: '이전', next: '다음' },
      },
    },
  },
  themeConfig: {
    // the language menu goes to the other locale's home: most pages exist in English only
    i18nRouting: false,
    search: { provider: 'local' },
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
          { text: '5. Inside the gates', link: '/demos/cell-explorer' },
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
