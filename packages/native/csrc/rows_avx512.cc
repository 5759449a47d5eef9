// The gate steps (rows.inc) built for avx512 (its flags: scripts/build.mjs, binding.gyp).
#define ROWS_NS rows512
#include "rows.inc"
