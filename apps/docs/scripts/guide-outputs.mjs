// @ts-check
/**
 * The sample outputs of the task guides: runs the real `rnnkit` command (the workspace's CLI,
 * `apps/cli/dist/bin.js`, so `pnpm build` first) on small data in a temporary folder, and writes
 * what each command printed (standard output and error, in order) into its guide, between
 * `<!-- sample-output -->` and `<!-- /sample-output -->`. The runs are short (one or two epochs on
 * part of the data), seeded and on the wasm backend; the progress bar is shortened to its last
 * line per epoch. `test/guide-outputs.test.ts` runs this script again and checks that the guides
 * still show output of the same shape (the numbers and the sampled text may differ).
 *
 * Usage: node scripts/guide-outputs.mjs           rewrites the four guides
 *        node scripts/guide-outputs.mjs --print   prints { guide: block } as JSON, writes nothing
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cmuDict, mobyDick } from '@rnnkit/datasets';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve('rnnkit/package.json')), 'dist/bin.js');

export const BEGIN = '<!-- sample-output -->';
export const END = '<!-- /sample-output -->';

/**
 * Per guide, the commands run (after `rnnkit`), in order. `text: true` marks a command whose
 * standard output is sampled or predicted text.
 * @type {Record<string, { args: string[]; text?: boolean }[]>}
 */
export const GUIDES = {
  'text-generation': [
    {
      args: [
        'train',
        'text',
        '--data',
        'moby-20k.txt',
        '--epochs',
        '2',
        '--backend',
        'wasm',
        '--out',
        'out/moby',
      ],
    },
    {
      args: [
        'generate',
        'out/moby',
        '--prime',
        'The whale',
        '--length',
        '80',
        '--temperature',
        '0.8',
        '--backend',
        'wasm',
      ],
      text: true,
    },
  ],
  classification: [
    {
      args: [
        'train',
        'classify',
        '--dataset',
        'sentiment-sentences',
        '--epochs',
        '2',
        '--backend',
        'wasm',
        '--out',
        'out/sentiment',
      ],
    },
    { args: ['predict', 'out/sentiment', 'a lovely film', 'dull and long', '--backend', 'wasm'] },
  ],
  'conditional-generation': [
    {
      args: [
        'train',
        'names',
        '--dataset',
        'names-by-language',
        '--epochs',
        '1',
        '--backend',
        'wasm',
        '--out',
        'out/names',
      ],
    },
    {
      args: ['generate', 'out/names', '--condition', 'fr', '--count', '5', '--backend', 'wasm'],
      text: true,
    },
  ],
  seq2seq: [
    {
      args: [
        'train',
        'seq2seq',
        '--data',
        'cmudict-3k.tsv',
        '--epochs',
        '3',
        '--backend',
        'wasm',
        '--out',
        'out/g2p',
      ],
    },
    { args: ['predict', 'out/g2p', 'whale', 'ocean', '--backend', 'wasm'], text: true },
  ],
};

/** The small data files the commands read: 20 000 characters of Moby-Dick, every 40th CMUdict word. */
async function writeData(dir) {
  writeFileSync(join(dir, 'moby-20k.txt'), (await mobyDick()).data.slice(0, 20_000));
  const words = (await cmuDict()).data.filter((_, i) => i % 40 === 0);
  writeFileSync(
    join(dir, 'cmudict-3k.tsv'),
    words.map((r) => `${r.word}\t${r.phonemes.join(' ')}`).join('\n'),
  );
}

const PROGRESS = /^\[[#.]+\]/;

/** Keeps the last line of each run of progress-bar lines (the rest only repeat it). */
function shortenProgress(lines) {
  return lines.filter((l, i) => !(PROGRESS.test(l) && PROGRESS.test(lines[i + 1] ?? '')));
}

/** Runs one command in `dir`; its stdout and stderr interleaved as written, with `dir/` cut. */
function run(dir, args) {
  const file = join(dir, '.output');
  const fd = openSync(file, 'w');
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const out = readFileSync(file, 'utf8').replaceAll(`${dir}/`, '').trimEnd();
  if (r.status !== 0) throw new Error(`rnnkit ${args.join(' ')} exited ${r.status}:\n${out}`);
  return shortenProgress(out.split('\n'));
}

const quote = (a) => (/^[\w./,-]+$/.test(a) ? a : `"${a}"`);

/** Runs every guide's commands; returns the text block of each guide. */
export async function sampleOutputs() {
  const dir = mkdtempSync(join(tmpdir(), 'rnnkit-guides-'));
  try {
    await writeData(dir);
    /** @type {Record<string, string>} */
    const blocks = {};
    for (const [guide, commands] of Object.entries(GUIDES)) {
      blocks[guide] = commands
        .map(({ args }) => [`$ rnnkit ${args.map(quote).join(' ')}`, ...run(dir, args)].join('\n'))
        .join('\n\n');
    }
    return blocks;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The block shown in a guide now (between the markers, without the code fence). */
export function shownBlock(guide) {
  const md = readFileSync(join(root, 'tasks', `${guide}.md`), 'utf8');
  const m = md.match(/<!-- sample-output -->\n```text\n([\s\S]*?)\n```\n<!-- \/sample-output -->/);
  if (!m) throw new Error(`tasks/${guide}.md has no ${BEGIN} ... ${END} block`);
  return m[1];
}

function writeBlock(guide, block) {
  const file = join(root, 'tasks', `${guide}.md`);
  const md = readFileSync(file, 'utf8');
  const fenced = `${BEGIN}\n\`\`\`text\n${block}\n\`\`\`\n${END}`;
  const next = md.replace(/<!-- sample-output -->[\s\S]*?<!-- \/sample-output -->/, fenced);
  if (next === md && !md.includes(fenced))
    throw new Error(`tasks/${guide}.md has no ${BEGIN} marker`);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, next);
  // atomic: a reader never sees half a guide
  renameSync(tmp, file);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const blocks = await sampleOutputs();
  if (process.argv.includes('--print')) console.log(JSON.stringify(blocks, null, 2));
  else
    for (const [guide, block] of Object.entries(blocks)) {
      writeBlock(guide, block);
      console.log(`guide-outputs: tasks/${guide}.md (${block.split('\n').length} lines)`);
    }
}
