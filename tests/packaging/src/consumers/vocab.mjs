// @rnnkit/vocab as installed from its tarball: build a vocab, round-trip text and JSON.
import assert from 'node:assert/strict';
import { charTokenizer, Vocab, VocabError, wordTokenizer } from '@rnnkit/vocab';

const text = 'hello, wörld 👋🏽';
const vocab = Vocab.fromTexts([text], { tokenizer: charTokenizer({ unit: 'grapheme' }) });
const ids = vocab.encode(text);
assert.equal(vocab.decode(ids), text);
const again = Vocab.fromJSON(JSON.stringify(vocab));
assert.deepEqual(Array.from(again.encode(text)), Array.from(ids));
assert.throws(() => Vocab.fromJSON('{"format":"nope"}'), VocabError);
const words = Vocab.fromTexts(['Call me Ishmael.', 'Call me, Ahab!'], {
  tokenizer: wordTokenizer(),
});
console.log(
  `vocab ok: ${vocab.size} tokens, ids ${Array.from(ids).join(' ')}; words ${words.tokens.join(' ')}`,
);
