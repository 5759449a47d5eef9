// The gate steps (rows.inc) built for generic (its flags: scripts/build.mjs, binding.gyp).
#define ROWS_NS rowsGeneric
#include "rows.inc"
