/**
 * The table of cells: every engine finds a cell here by its name. Adding a cell is one file
 * beside this one (see `rnn.ts` for the smallest) and one entry in `CELLS`, or, from outside the
 * package, `registerCell(definition)`. Neighbours: `cell.ts` (what a cell defines),
 * `layouts.ts` (their weight layouts for the format converters).
 */
import { ModelsError } from '../errors.js';
import type { BaseLayout, CellDefinition } from './cell.js';
import { gru } from './gru.js';
import { lstm } from './lstm.js';
import { rnn } from './rnn.js';

export const CELLS = { rnn, lstm, gru } as const;

export type CellType = keyof typeof CELLS;

/** The cell types, for messages and CLI choices. */
export const CELL_TYPES = Object.keys(CELLS) as readonly CellType[];

/** Cells added at run time by `registerCell` (tests, and cells kept outside the package). */
const registered = new Map<string, AnyCell>();

/** A cell of the table or a registered one (whose layout may lack PyTorch and ONNX orders). */
export type AnyCell = CellDefinition<string, BaseLayout>;

/**
 * Adds a cell under `definition.name` for the layers, the reference kernel and the step
 * engines (the fast kernel runs only rnn, lstm and gru: for another cell it runs the reference
 * kernel, the fast one hands a cell it does not know to the reference kernel). Throws
 * `BAD_OPTION` when the name is taken.
 */
export function registerCell(definition: AnyCell): void {
  if (definition.name in CELLS || registered.has(definition.name)) {
    throw new ModelsError(
      'BAD_OPTION',
      `a cell named '${definition.name}' is already defined: give the new cell another name`,
    );
  }
  registered.set(definition.name, definition);
}

/** The definition of a cell by name; throws `BAD_OPTION` listing the known cells. */
export function cellOf(name: string): AnyCell {
  const def = (CELLS as Record<string, AnyCell>)[name] ?? registered.get(name);
  if (def === undefined) {
    const known = [...CELL_TYPES, ...registered.keys()];
    throw new ModelsError(
      'BAD_OPTION',
      `cell must be one of ${known.join(', ')}, got ${JSON.stringify(name)}: e.g. cell: 'lstm'`,
    );
  }
  return def;
}

/** The definition of the cell whose layer is saved under `className` ('LSTM'), or undefined. */
export function cellOfClass(className: string): AnyCell | undefined {
  return [...Object.values(CELLS), ...registered.values()].find((c) => c.className === className);
}
