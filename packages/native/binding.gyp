{
  "target_defaults": {
    "cflags_cc": ["-std=c++17", "-O3", "-fno-math-errno", "-ffp-contract=off", "-fexceptions"],
    "cflags_cc!": ["-fno-exceptions"],
    "defines": ["NAPI_VERSION=8"]
  },
  "targets": [
    {
      "target_name": "rows_avx512",
      "type": "static_library",
      "sources": ["csrc/rows_avx512.cc"],
      "conditions": [
        ["target_arch=='x64'", {
          "cflags_cc": ["-mavx512f", "-mavx512vl", "-mavx512bw", "-mavx512dq", "-mavx2", "-mfma",
                        "-mprefer-vector-width=512"]
        }]
      ]
    },
    {
      "target_name": "rows_avx2",
      "type": "static_library",
      "sources": ["csrc/rows_avx2.cc"],
      "conditions": [["target_arch=='x64'", { "cflags_cc": ["-mavx2", "-mfma"] }]]
    },
    {
      "target_name": "rnnkit_native",
      "dependencies": ["rows_avx512", "rows_avx2"],
      "sources": ["csrc/addon.cc", "csrc/gemm.cc", "csrc/recurrence.cc", "csrc/train.cc",
                  "csrc/head.cc", "csrc/rows_generic.cc"]
    }
  ]
}
