// @ts-check
/**
 * Local TypeDoc plugin for the API reference (apps/docs/typedoc.json).
 *
 * 1. A package's `src/index.ts` header comment (`@rnnkit/x`: ..., with its `@example`) carries no
 *    `@packageDocumentation` tag, so TypeDoc attaches it to the first export; it is moved back to
 *    the package's page.
 * 2. Shape comments such as `[token [batch, 1](, features)]` or a line starting with
 *    `[batch, time, units]: ...` are Markdown links or link definitions to a Markdown renderer: their
 *    brackets are escaped in the generated pages, so VitePress shows them as written.
 */
import { Converter, ReflectionKind } from 'typedoc';
import { MarkdownPageEvent } from 'typedoc-plugin-markdown';

/** @param {import('typedoc').Comment | undefined} comment */
const isPackageHeader = (comment) => /^`@rnnkit\//.test(comment?.summary[0]?.text ?? '');

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

  app.renderer.on(MarkdownPageEvent.END, (page) => {
    if (!page.contents) return;
    let inFence = false;
    page.contents = page.contents
      .split('\n')
      .map((line) => {
        if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
        if (inFence || line.startsWith('    ')) return line;
        return (
          line
            // `[a, b](, c)`: not a link (its target is no page, URL or anchor)
            .replace(
              /\[([^\]\n]*)\]\(((?![a-z]+:|#|\.{0,2}\/)[^)\n]*)\)/gi,
              (whole, text, target) =>
                /\.md(#.*)?$/.test(target) ? whole : `\\[${text}\\](${decodeURI(target)})`,
            )
            // `[batch, time, units]: h_t ...` at the start of a line: not a link definition
            .replace(/^(\s*)\[([^\]\n]*)\]:/, '$1\\[$2\\]:')
        );
      })
      .join('\n');
  });
}
