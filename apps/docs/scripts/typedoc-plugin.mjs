// @ts-check
/**
 * Local TypeDoc plugin for the API reference (apps/docs/typedoc.json).
 *
 * 1. A package's `src/index.ts` header comment (`@rnnkit/x`: ..., with its `@example`) carries no
 *    `@packageDocumentation` tag, so TypeDoc attaches it to the names of the first export
 *    statement; it is moved back to the package's page.
 * 2. The header comment of every other source file (what the file is for, with a runnable
 *    `@example` and its expected output) is followed by `import`s, so TypeDoc keeps it nowhere;
 *    each package page gets them as "Modules", one collapsed section per file the index exports
 *    from, at the end of the page: the page leads with what users call (functions, then classes,
 *    `groupOrder` in typedoc.json), and the notes for whoever works on a file come last.
 * 3. Members the typed errors inherit from `Error` are left out.
 * 4. Maths (`$...$`) keeps its TeX braces, which `sanitizeComments` escapes.
 * 5. Shape comments such as `[token [batch, 1](, features)]` or a line starting with
 *    `[batch, time, units]: ...` are Markdown links or link definitions to a Markdown renderer:
 *    their brackets are escaped in the generated pages, so VitePress shows them as written.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Converter, ReflectionKind } from 'typedoc';
import { MarkdownPageEvent } from 'typedoc-plugin-markdown';

const packagesDir = fileURLToPath(new URL('../../../packages/', import.meta.url));

/** What a class that extends Error inherits from Node's and the DOM's `ErrorConstructor`. */
const ERROR_STATICS = new Set(['captureStackTrace', 'prepareStackTrace', 'stackTraceLimit']);

/** @param {import('typedoc').Comment | undefined} comment */
const isPackageHeader = (comment) => /^`@rnnkit\//.test(comment?.summary[0]?.text ?? '');

/**
 * The file's header comment as Markdown, or undefined when the file has none (a leading doc
 * comment directly followed by a declaration documents that declaration, which TypeDoc renders).
 * @param {string} source
 */
function fileHeader(source) {
  const m = source.match(/^\s*\/\*\*([\s\S]*?)\*\/\s*\n(\s*)(\S+)/);
  if (!m || !['import', '//', '/**', '/*'].some((s) => m[3]?.startsWith(s))) return undefined;
  const lines = (m[1] ?? '').split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
  return lines
    .map((l) =>
      l.replace(/^@example\b\s*(.*)$/, (_, title) => `**Example${title ? `: ${title}` : ''}**\n`),
    )
    .map((l) => l.replace(/\{@link\s+([^}|\s]+)(?:[\s|][^}]*)?\}/g, '`$1`'))
    .filter((l) => !/^@(packageDocumentation|module)\b/.test(l))
    .join('\n')
    .trim();
}

/**
 * "Modules" of a package: the header of each file `src/index.ts` exports from, in its order.
 * @param {string} pkg short name, e.g. 'vocab'
 */
function modulesSection(pkg) {
  const src = join(packagesDir, pkg, 'src');
  let index;
  try {
    index = readFileSync(join(src, 'index.ts'), 'utf8');
  } catch {
    return '';
  }
  const files = [...new Set([...index.matchAll(/from '\.\/([^']+)\.js'/g)].map((m) => m[1]))];
  const parts = [];
  for (const file of files) {
    const header = fileHeader(readFileSync(join(src, `${file}.ts`), 'utf8'));
    if (header)
      parts.push(`### ${file}.ts\n\n::: details What ${file}.ts is for\n\n${header}\n\n:::\n`);
  }
  if (parts.length === 0) return '';
  return `## Modules\n\nWhat each source file of the package is for, from its header comment (notes for\nwhoever changes the package; click to open).\n\n${parts.join('\n')}\n`;
}

/**
 * Applies `f` to each line of Markdown outside fenced code blocks.
 * @param {string} markdown
 * @param {(line: string) => string} f
 */
function mapTextLines(markdown, f) {
  let inFence = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        inFence = !inFence;
        return line;
      }
      return inFence ? line : f(line);
    })
    .join('\n');
}

/**
 * Applies `f` to the text of each line outside code fences and inline code.
 * @param {string} markdown
 * @param {(text: string) => string} f
 */
const mapPlainText = (markdown, f) =>
  mapTextLines(markdown, (line) =>
    line
      .split(/(`[^`]*`)/)
      .map((part, i) => (i % 2 === 1 ? part : f(part)))
      .join(''),
  );

/**
 * Escapes brackets that a Markdown renderer would take for a link, outside code.
 * @param {string} markdown
 */
const escapeLinks = (markdown) =>
  mapTextLines(markdown, (line) =>
    line.startsWith('    ')
      ? line
      : line
          // `[a, b](, c)`: not a link (its target is no page, URL or anchor)
          .replace(/\[([^\]\n]*)\]\(((?![a-z]+:|#|\.{0,2}\/)[^)\n]*)\)/gi, (whole, text, target) =>
            /\.md(#.*)?$/.test(target) ? whole : `\\[${text}\\](${decodeURI(target)})`,
          )
          // `[batch, time, units]: h_t ...` at the start of a line: not a link definition
          .replace(/^(\s*)\[([^\]\n]*)\]:/, '$1\\[$2\\]:'),
  );

/**
 * `<pad>` or `{{` in plain text would be HTML or a Vue interpolation to VitePress: escaped outside
 * code fences and inline code (the generated pages' own text is sanitised by the markdown plugin).
 * @param {string} markdown
 */
const escapeHtml = (markdown) =>
  mapPlainText(markdown, (text) =>
    text.replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\{\{/g, '&#123;&#123;'),
  );

/**
 * Maths in comments, `$...$` (inline) and `$$...$$` (display), as TeX: `sanitizeComments` escapes
 * the braces of TypeDoc's own comments (`\{`, `\}`), which TeX would read as literal braces, so
 * `$\operatorname{score}$` reached VitePress as `$\operatorname\{score\}$`. Inside maths outside
 * code the braces are put back; VitePress's MathJax (`markdown.math` in `.vitepress/config.ts`)
 * renders the formula. Write `<` and `>` in a formula as `\lt` and `\gt`.
 * @param {string} markdown
 */
const restoreMath = (markdown) =>
  mapPlainText(markdown, (text) =>
    text.replace(/\$\$?[^$\n]+\$\$?/g, (math) => math.replace(/\\([{}])/g, '$1')),
  );

/**
 * Removes a heading with nothing under it (a group emptied by the removals above), i.e. followed
 * by a heading of the same or a higher level.
 * @param {string} markdown
 */
function dropEmptyHeadings(markdown) {
  const lines = markdown.split('\n');
  const level = (/** @type {string | undefined} */ l) => /^(#{1,6}) /.exec(l ?? '')?.[1]?.length;
  return lines
    .filter((line, i) => {
      const own = level(line);
      if (!own) return true;
      let j = i + 1;
      while (j < lines.length && lines[j]?.trim() === '') j++;
      const next = level(lines[j]);
      return !(next && next <= own);
    })
    .join('\n');
}

/**
 * The anchors VitePress gives the page's headings (its slugify: lower case, each run of other
 * characters a '-', a repeated slug numbered -1, -2, ...) and the explicit `<a id>`s.
 * @param {string} markdown
 */
function pageAnchors(markdown) {
  const ids = new Set([...markdown.matchAll(/<a id="([^"]+)">/g)].map((m) => m[1]));
  const seen = new Map();
  for (const m of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = (m[1] ?? '')
      .replace(/[`*]/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}_]+/gu, '-')
      .replace(/^-+|-+$/g, '');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    ids.add(n === 0 ? base : `${base}-${n}`);
  }
  return ids;
}

/**
 * typedoc-plugin-markdown numbers a link `#name-1` when another anchor of the page is `name` (a
 * property's `<a id>`, say), but VitePress numbers only repeated headings: such a link that hits
 * nothing goes to the heading `#name` when that one exists.
 * @param {string} markdown
 */
function fixNumberedAnchors(markdown) {
  const ids = pageAnchors(markdown);
  return markdown.replace(/\]\(#([^)\s]+)-(\d+)\)/g, (whole, base, n) =>
    !ids.has(`${base}-${n}`) && ids.has(base) ? `](#${base})` : whole,
  );
}

/** @param {import('typedoc-plugin-markdown').MarkdownApplication} app */
export function load(app) {
  // packages mode converts each package as its own project (then merges them): the project is
  // the package here
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const project = context.project;
    for (const owner of [project, ...project.getReflectionsByKind(ReflectionKind.Module)]) {
      if (owner.comment || !('children' in owner)) continue;
      const children = /** @type {import('typedoc').DeclarationReflection[]} */ (
        owner.children ?? []
      );
      // every name of the first `export { ... }` statement gets the comment: take it off all of them
      const carriers = children.filter((c) => isPackageHeader(c.comment));
      if (carriers.length === 0) continue;
      owner.comment = carriers[0]?.comment;
      for (const c of carriers) c.comment = undefined;
    }
  });

  // the typed errors extend Error: its static members (captureStackTrace, prepareStackTrace,
  // stackTraceLimit) and `cause`/`stack` are Node's and the browser's, not rnnkit's API
  app.converter.on(
    Converter.EVENT_RESOLVE_END,
    (context) => {
      for (const cls of context.project.getReflectionsByKind(ReflectionKind.Class)) {
        // a copy: removeReflection takes them out of `children` while we walk it
        for (const m of cls.isDeclaration() ? [...(cls.children ?? [])] : []) {
          if (m.inheritedFrom && ERROR_STATICS.has(m.name)) context.project.removeReflection(m);
        }
      }
    },
    -100,
  );

  app.renderer.on(MarkdownPageEvent.END, (page) => {
    if (!page.contents) return;
    let contents = page.contents;
    const pkg =
      page.model.kind === ReflectionKind.Module && page.model.name.match(/^@rnnkit\/(\S+)$/);
    if (pkg?.[1]) {
      const modules = modulesSection(pkg[1]);
      // after the exports: the page leads with the package's own text and what users call
      if (modules) contents = `${contents}\n${escapeHtml(modules)}`;
    }
    page.contents = fixNumberedAnchors(dropEmptyHeadings(escapeLinks(restoreMath(contents))));
  });
}
