"""Runs the TensorFlow.js converter's own Keras conversion on Keras fixtures, for
@rnnkit/interop's tests of the converter's model.json.

The `tensorflowjs` wheel is not in the test environment's pip mirror, and the
@tensorflow/tfjs-converter npm package holds no Python, so this script takes the converter's
Python source from a checkout of the TensorFlow.js repository (tfjs-converter/python) and loads
only the modules the Keras path uses (keras_h5_conversion, write_weights and what they import),
without the package's __init__ (which imports the SavedModel converters and their extra
dependencies). Run with the pinned environment's python (`node scripts/python-env.mjs`):

    python packages/interop/scripts/tfjs_converter_fixtures.py TFJS_PYTHON SRC OUT [NAME.ext ...]

For each SRC/NAME.keras (the converter's Keras v3 path) and SRC/NAME.h5 (its legacy HDF5 path),
named or all, it writes OUT/NAME_keras/ or OUT/NAME_h5/: model.json and its weight shards, as
`tensorflowjs_converter --input_format keras` does. The committed fixtures in
src/keras/fixtures/tfjs-converter were made from the TensorFlow.js repository at commit
0fc04d958 with
`... src/keras/fixtures src/keras/fixtures/tfjs-converter lstm_seq.keras bidi_sum_masked.keras
state_concat.keras` and, for the HDF5 path, from `keras_fixtures.py build OUT --only
lstm_seq,bidi_sum_masked` (the same models: the builds are seeded) with `lstm_seq.h5
bidi_sum_masked.h5`.
"""

import json
import os
import shutil
import sys
import tempfile
import types
import zipfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")


def load_converter(python_dir):
    """tensorflowjs.converters.keras_h5_conversion from source, without the packages' __init__."""
    for package, path in (
        ("tensorflowjs", os.path.join(python_dir, "tensorflowjs")),
        ("tensorflowjs.converters", os.path.join(python_dir, "tensorflowjs", "converters")),
    ):
        if not os.path.isdir(path):
            sys.exit(f"{path} is not a folder: give the tfjs-converter/python folder of a TensorFlow.js checkout")
        module = types.ModuleType(package)
        module.__path__ = [path]
        sys.modules[package] = module
    from tensorflowjs.converters import keras_h5_conversion  # noqa: E402

    return keras_h5_conversion


def convert(conversion, src, out, file):
    import h5py  # noqa: E402

    name, ext = os.path.splitext(file)
    target = os.path.join(out, f"{name}_{ext[1:]}")
    os.makedirs(target, exist_ok=True)
    if ext == ".h5":
        with h5py.File(os.path.join(src, file), "r") as h5:
            model_json, groups = conversion.h5_merged_saved_model_to_tfjs_format(h5)
            conversion.write_artifacts(model_json, groups, target)
        return
    tmp = tempfile.mkdtemp()
    try:
        zipfile.ZipFile(os.path.join(src, file)).extractall(tmp)
        with open(os.path.join(tmp, "metadata.json")) as meta, open(os.path.join(tmp, "config.json")) as config:
            meta_json, config_json = json.load(meta), json.load(config)
        with h5py.File(os.path.join(tmp, "model.weights.h5"), "r") as h5:
            model_json, groups = conversion.h5_v3_merged_saved_model_to_tfjs_format(h5, meta_json, config_json)
            conversion.write_artifacts(model_json, groups, target)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit("usage: tfjs_converter_fixtures.py TFJS_PYTHON SRC OUT [NAME.keras|NAME.h5 ...]")
    python_dir, src, out = sys.argv[1:4]
    files = sys.argv[4:] or sorted(
        f for f in os.listdir(src) if f.endswith((".keras", ".h5")) and ".rnnkit." not in f
    )
    conversion = load_converter(python_dir)
    for f in files:
        convert(conversion, src, out, f)
        print("converted", f)
