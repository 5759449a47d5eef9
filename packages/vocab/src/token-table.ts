/**
 * An open-addressing hash table from substrings to dense indices, internal to the word fast path:
 * it finds `s.slice(start, end)` without making that string, so counting and encoding a known
 * word allocate nothing (a `Map<string, _>` needs a fresh string, hashed anew, per occurrence).
 *
 * @example
 * ```ts
 * const table = new TokenTable();
 * table.find('the whale', 4, 9, true); // 0 (inserted 'whale')
 * table.find('a whale', 2, 7, false); // 0
 * table.keys; // ['whale']
 * ```
 */
import { FNV_OFFSET, fnv } from './word-scan.js';

export class TokenTable {
  /** Index -> token. */
  readonly keys: string[] = [];
  private hashes: number[] = []; // index -> hash, to grow without rehashing strings
  private slots = new Int32Array(1024); // slot -> index + 1, 0 = empty
  private mask = 1023;

  /** Index of `s.slice(start, end)`; inserted when absent and `insert`, else -1. */
  find(s: string, start: number, end: number, insert: boolean): number {
    let h = FNV_OFFSET;
    for (let i = start; i < end; i++) h = fnv(h, s.charCodeAt(i));
    return this.findHashed(s, start, end, h, insert);
  }

  /** As `find`, with `h` the FNV-1a hash of the substring's units, computed by the caller. */
  findHashed(s: string, start: number, end: number, h: number, insert: boolean): number {
    const len = end - start;
    const slots = this.slots;
    const mask = this.mask;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot]!;
      if (entry === 0) break;
      const index = entry - 1;
      if (this.hashes[index] !== h) continue;
      const key = this.keys[index]!;
      if (key.length !== len) continue;
      let same = true;
      for (let j = 0; j < len; j++) {
        if (key.charCodeAt(j) !== s.charCodeAt(start + j)) {
          same = false;
          break;
        }
      }
      if (same) return index;
    }
    if (!insert) return -1;
    return this.insert(detach(start === 0 && end === s.length ? s : s.slice(start, end)), h);
  }

  private insert(key: string, h: number): number {
    const index = this.keys.length;
    this.keys.push(key);
    this.hashes.push(h);
    // Keep the load factor under 1/2 so probe runs stay short.
    if (this.keys.length * 2 > this.slots.length) this.grow();
    else this.place(h, index);
    return index;
  }

  private place(h: number, index: number): void {
    let slot = h & this.mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = index + 1;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    for (let i = 0; i < this.keys.length; i++) this.place(this.hashes[i]!, i);
  }
}

/**
 * A copy of `s` that does not point into a larger string. V8 makes a slice of 13 or more units a
 * view of its parent, so one long word kept in a vocab would keep a whole 64 KB stream chunk
 * alive; concatenating and slicing again flattens it into a string of its own.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : `${s} `.slice(0, -1);
}
