{
  "targets": [
    {
      "target_name": "rnnkit_native",
      "sources": ["csrc/addon.cc", "csrc/gemm.cc", "csrc/recurrence.cc", "csrc/train.cc"],
      "cflags_cc": ["-std=c++17", "-O3", "-fno-math-errno", "-ffp-contract=off", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
