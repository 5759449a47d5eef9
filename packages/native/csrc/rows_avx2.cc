// The gate steps (rows.inc) built for avx2 (its flags: scripts/build.mjs, binding.gyp).
#define ROWS_NS rows256
#include "rows.inc"
