"""Keras 3 fixtures and checks for @rnnkit/interop's Keras import and export.

Run with the pinned environment's python (`node scripts/python-env.mjs` prints its path):

    python packages/interop/scripts/keras_fixtures.py build OUT [--only a,b]  # models + inputs + Keras outputs
    python packages/interop/scripts/keras_fixtures.py check OUT               # Keras's outputs of OUT/*.rnnkit.keras
    python packages/interop/scripts/keras_fixtures.py charlm OUT              # a trained char LSTM and Keras's greedy text
    python packages/interop/scripts/keras_fixtures.py tasks OUT               # trained forecasters and classifiers, Keras's task predictions

`build` writes, per architecture NAME: NAME.keras (keras model.save), NAME.h5 (the legacy
HDF5 format, unless --no-h5) and NAME.json
({"inputs": [...], "dtype": "int32"|"float32", "outputs": [...]}, Keras's predict on the inputs).
`check` loads every OUT/NAME.rnnkit.keras (written by rnnkit's exportKeras) with
keras.saving.load_model (safe mode) and writes OUT/NAME.keras-out.json: Keras's outputs on
NAME.json's inputs (or on NAME.rnnkit.json's inputs when present) and the layer classes.
The committed fixtures of src/keras/fixtures were made by
`build packages/interop/src/keras/fixtures --only lstm_seq,gru_reset_before,bidi_sum_masked,state_concat,masking_lstm --no-h5`.
"""

import json
import os
import sys
import zlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers as L  # noqa: E402

T = 6  # time steps of every architecture
B = 3  # rows of every input batch


def ids_input(vocab, rng):
    """Token ids with padding (0): one row padded at the end, one at the start, one full."""
    x = rng.integers(1, vocab, size=(B, T)).astype("int32")
    x[0, 4:] = 0
    x[1, :2] = 0
    return x


def features_input(f, rng, pad=False):
    x = rng.normal(size=(B, T, f)).astype("float32")
    if pad:
        x[0, 4:] = 0.0
        x[2, :1] = 0.0
    return x


def architectures():
    """name -> (model builder, input maker). Small on purpose: every check runs on 2 cores."""
    seq = keras.Sequential

    def emb(vocab=12, dims=5, mask=True):
        return L.Embedding(vocab, dims, mask_zero=mask)

    def functional_state_concat():
        i = keras.Input((T,), dtype="int32")
        x = emb()(i)
        _, h, c = L.LSTM(4, return_state=True)(x)
        y = L.Concatenate()([h, c])
        return keras.Model(i, L.Dense(3, activation="softmax")(y))

    def functional_gru_state():
        i = keras.Input((T, 3))
        y, h = L.GRU(4, return_sequences=True, return_state=True, go_backwards=True)(i)
        z = L.SimpleRNN(3)(y)
        return keras.Model(i, L.Dense(2)(L.Concatenate()([z, h])))

    def bidi_state():
        # Bidirectional(return_state) gives [y, fh, fc, bh, bc] (masked input); the states join
        # the next layer's output
        i = keras.Input((T,), dtype="int32")
        x = emb()(i)
        y, fh, fc, bh, bc = L.Bidirectional(L.LSTM(4, return_sequences=True, return_state=True))(x)
        z = L.LSTM(4)(y)
        return keras.Model(i, L.Dense(2)(L.Concatenate()([z, fh, bh, bc])))

    def stacked_bidi_ave():
        i = keras.Input((T,), dtype="int32")
        x = emb()(i)
        x = L.Bidirectional(L.LSTM(4, return_sequences=True), merge_mode="ave")(x)
        x = L.Dropout(0.2)(x)
        x = L.LSTM(3)(x)
        return keras.Model(i, L.Dense(1)(x))

    return {
        "lstm_seq": (lambda: seq([keras.Input((T, 3)), L.LSTM(5), L.Dense(2)]), "f3"),
        "gru_reset_after_td": (
            lambda: seq([
                keras.Input((T, 3)),
                L.GRU(4, return_sequences=True),
                L.TimeDistributed(L.Dense(3)),
                L.Activation("softmax"),
            ]),
            "f3",
        ),
        "gru_reset_before": (
            lambda: seq([keras.Input((T, 2)), L.GRU(4, reset_after=False), L.Dense(2, activation="tanh")]),
            "f2",
        ),
        "simple_rnn_stack": (
            lambda: seq([
                keras.Input((T, 3)),
                L.SimpleRNN(4, return_sequences=True),
                L.SimpleRNN(3, activation="relu"),
                L.Dense(2),
            ]),
            "f3",
        ),
        "emb_mask_lstm_seq": (
            lambda: seq([
                keras.Input((T,), dtype="int32"),
                emb(),
                L.LSTM(4, return_sequences=True),
                L.Dropout(0.1),
                L.Dense(12),
            ]),
            "ids",
        ),
        "bidi_concat_lstm": (
            lambda: seq([keras.Input((T, 3)), L.Bidirectional(L.LSTM(4)), L.Dense(2)]),
            "f3",
        ),
        "bidi_sum_masked": (
            lambda: seq([
                keras.Input((T,), dtype="int32"),
                emb(),
                L.Bidirectional(L.GRU(4, return_sequences=True), merge_mode="sum"),
                L.TimeDistributed(L.Dense(2, activation="sigmoid")),
            ]),
            "ids",
        ),
        "bidi_mul_rnn": (
            lambda: seq([
                keras.Input((T, 2)),
                L.Bidirectional(L.SimpleRNN(3, return_sequences=True), merge_mode="mul"),
                L.Dense(2),
            ]),
            "f2",
        ),
        "bidi_ave_stacked": (stacked_bidi_ave, "ids"),
        "bidi_return_state": (bidi_state, "ids"),
        "state_concat": (functional_state_concat, "ids"),
        "gru_state_backwards": (functional_gru_state, "f3"),
        "masking_lstm": (
            lambda: seq([keras.Input((T, 3)), L.Masking(0.0), L.LSTM(4, return_sequences=True), L.LSTM(3), L.Dense(1)]),
            "f3pad",
        ),
        "go_backwards_lstm": (
            lambda: seq([keras.Input((T, 2)), L.LSTM(4, go_backwards=True, return_sequences=True), L.Activation("tanh"), L.Dense(2)]),
            "f2",
        ),
        "bidi_gru_before_masked": (
            lambda: seq([
                keras.Input((T,), dtype="int32"),
                emb(),
                L.Bidirectional(L.GRU(3, reset_after=False)),
                L.Dense(2),
            ]),
            "ids",
        ),
        # The Keras guides' quick-start models at reduced size.
        "guide_imdb_bidi_lstm": (
            lambda: seq([
                keras.Input((None,), dtype="int32"),
                L.Embedding(50, 8),
                L.Bidirectional(L.LSTM(6, return_sequences=True)),
                L.Bidirectional(L.LSTM(6)),
                L.Dense(1, activation="sigmoid"),
            ]),
            "ids50",
        ),
        "guide_char_lstm": (
            lambda: seq([keras.Input((T, 12)), L.LSTM(8), L.Dense(12, activation="softmax")]),
            "f12",
        ),
        "guide_timeseries_lstm": (
            lambda: seq([keras.Input((T, 3)), L.LSTM(8), L.Dense(1)]),
            "f3",
        ),
        "guide_seq2seq_lstm": (guide_seq2seq, "seq2seq"),
        # Masked encoders whose states start the decoder: Keras 3 runs a layer given
        # initial_state without a mask, whether its own input is masked or not.
        "s2s_masked_encoder": (lambda: masked_seq2seq(decoder_mask=False), "ids2"),
        "s2s_masked_both": (lambda: masked_seq2seq(decoder_mask=True), "ids2"),
        # An unmasked recurrent branch beside a masked one: Keras masks only the masked branch.
        "two_branch_masked": (two_branch, "f3ids"),
    }


def guide_seq2seq():
    """The Keras 'character-level seq2seq' training model: encoder states start the decoder."""
    ei = keras.Input((None, 7))
    _, h, c = L.LSTM(6, return_state=True)(ei)
    di = keras.Input((None, 5))
    y = L.LSTM(6, return_sequences=True)(di, initial_state=[h, c])
    return keras.Model([ei, di], L.Dense(5, activation="softmax")(y))


def masked_seq2seq(decoder_mask):
    """An encoder-decoder on token ids, mask_zero in the encoder (and the decoder)."""
    ei = keras.Input((T,), dtype="int32")
    di = keras.Input((T,), dtype="int32")
    _, h, c = L.LSTM(4, return_state=True)(L.Embedding(12, 5, mask_zero=True)(ei))
    y = L.Embedding(10, 5, mask_zero=decoder_mask)(di)
    y = L.LSTM(4, return_sequences=True)(y, initial_state=[h, c])
    return keras.Model([ei, di], L.Dense(10)(y))


def two_branch():
    """Features through an LSTM (no mask) and ids through Embedding(mask_zero) and an LSTM."""
    fi = keras.Input((T, 3))
    ii = keras.Input((T,), dtype="int32")
    y = L.LSTM(4)(fi)
    x = L.LSTM(4)(L.Embedding(12, 5, mask_zero=True)(ii))
    return keras.Model([fi, ii], L.Dense(2)(L.Concatenate()([y, x])))


def make_input(kind, rng):
    if kind == "ids":
        return ids_input(12, rng)
    if kind == "ids50":
        return ids_input(50, rng)
    if kind == "f3pad":
        return features_input(3, rng, pad=True)
    if kind == "f3ids":
        return [features_input(3, rng), ids_input(12, rng)]
    if kind == "ids2":
        target = ids_input(10, rng)
        target[2, 5:] = 0
        return [ids_input(12, rng), target]
    if kind == "seq2seq":
        return [features_input(7, rng), features_input(5, rng)]
    return features_input(int(kind[1:]), rng)


def perturb(model, rng):
    """Non-trivial weights everywhere (biases and embeddings start at 0 or tiny)."""
    for w in model.weights:
        w.assign(rng.normal(scale=0.5, size=w.shape).astype("float32"))


def build(out, only, with_h5=True):
    os.makedirs(out, exist_ok=True)
    keras.utils.set_random_seed(0)
    for name, (make, kind) in architectures().items():
        if only and name not in only:
            continue
        rng = np.random.default_rng(zlib.crc32(name.encode()))
        model = make()
        perturb(model, rng)
        x = make_input(kind, rng)
        y = model.predict(x, verbose=0)
        model.save(os.path.join(out, f"{name}.keras"))
        if with_h5:
            model.save(os.path.join(out, f"{name}.h5"))  # the legacy HDF5 format, same weights
        xs = x if isinstance(x, list) else [x]
        with open(os.path.join(out, f"{name}.json"), "w") as f:
            json.dump(
                {
                    "inputs": [a.tolist() for a in xs],
                    "dtypes": [str(a.dtype) for a in xs],
                    "outputs": np.asarray(y).tolist(),
                },
                f,
            )
    print("built", out)


CHAR_TEXT = (
    "the quick brown fox jumps over the lazy dog. "
    "a recurrent network reads one character at a time and keeps a state. "
    "the state carries what it has read so far, and the next character comes from it. "
) * 6


def charlm(out, prime="the ", length=200):
    """A Keras-trained character LSTM (Embedding -> LSTM -> Dense softmax), its chars in id
    order, and Keras's own greedy loop: predict on the text so far, take the argmax of the last
    step, append, 200 times."""
    os.makedirs(out, exist_ok=True)
    keras.utils.set_random_seed(0)
    chars = sorted(set(CHAR_TEXT))
    ids = np.array([chars.index(c) for c in CHAR_TEXT], dtype="int32")
    L_ = 40
    x = np.stack([ids[i : i + L_] for i in range(0, len(ids) - L_ - 1, 3)])
    y = np.stack([ids[i + 1 : i + L_ + 1] for i in range(0, len(ids) - L_ - 1, 3)])
    model = keras.Sequential([
        keras.Input((None,), dtype="int32"),
        L.Embedding(len(chars), 16),
        L.LSTM(64, return_sequences=True),
        L.Dense(len(chars), activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=32, epochs=15, verbose=0)
    model.save(os.path.join(out, "char_lstm.keras"))
    with open(os.path.join(out, "chars.json"), "w") as f:
        json.dump(chars, f)
    seq = [chars.index(c) for c in prime]
    for _ in range(length):
        p = model.predict(np.array([seq], dtype="int32"), verbose=0)[0, -1]
        seq.append(int(np.argmax(p)))
    with open(os.path.join(out, "greedy.json"), "w") as f:
        json.dump({"prime": prime, "text": "".join(chars[i] for i in seq)}, f)
    print("charlm", out)


def series_values(n=240):
    """A seasonal series with a trend and noise (period 12), float64."""
    rng = np.random.default_rng(5)
    t = np.arange(n)
    return 10 + 0.02 * t + 3 * np.sin(2 * np.pi * t / 12) + rng.normal(scale=0.3, size=n)


def recursive_forecast(model, values, scale, unscale, window, steps, lag=0):
    """Keras's own recursive loop: scale the last window, predict, unscale, append, repeat."""
    s = [float(v) for v in values]
    out = []
    while len(out) < steps:
        x = [scale(s[t] - (s[t - lag] if lag else 0)) for t in range(len(s) - window, len(s))]
        y = model.predict(np.array(x, dtype="float32").reshape(1, window, 1), verbose=0)[0]
        for z in y:
            if len(out) == steps:
                break
            v = unscale(float(z)) + (s[-lag] if lag else 0)
            s.append(v)
            out.append(v)
    return out


def train_forecaster(model, values, scale, window, lag=0, horizon=1):
    z = [scale(values[t] - (values[t - lag] if lag else 0)) for t in range(lag, len(values))]
    idx = range(len(z) - window - horizon + 1)
    x = np.array([z[i : i + window] for i in idx], dtype="float32")[..., None]
    y = np.array([z[i + window : i + window + horizon] for i in idx], dtype="float32")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    model.fit(x, y, batch_size=32, epochs=4, verbose=0)


TEXTS = [
    ("a lovely film, warm and funny.", "pos"),
    ("I loved the music and the acting!", "pos"),
    ("great story; the cast is wonderful.", "pos"),
    ("what a fine and moving picture", "pos"),
    ("dull, slow and far too long.", "neg"),
    ("the plot is a mess and the acting is bad", "neg"),
    ("I hated it: boring from start to end.", "neg"),
    ("a weak script and a tired cast", "neg"),
    ("it is a film about a town.", "meh"),
    ("the film has a cast and a plot", "meh"),
]


def tasks(out):
    """Keras-trained task models and Keras's predictions of them, as rnnkit's tasks make them:
    forecasters (z-scores with a fixed window; min-max into [-1, 1] on seasonal differences with
    a free window and 3 steps at once) forecast 12 steps recursively from the series; classifiers
    (TextVectorization ids, mask_zero; a softmax head over 3 labels, and a one-unit sigmoid)
    score held-out texts."""
    os.makedirs(out, exist_ok=True)
    keras.utils.set_random_seed(0)
    values = series_values()
    with open(os.path.join(out, "series.json"), "w") as f:
        json.dump(values.tolist(), f)
    with open(os.path.join(out, "series.csv"), "w") as f:
        f.write("value\n" + "".join(f"{v!r}\n" for v in values.tolist()))
    result = {}
    # z-scores of the values, windows of 12, one step
    mean, std = float(values.mean()), float(values.std())
    a = keras.Sequential([keras.Input((12, 1)), L.LSTM(8), L.Dense(1)])
    train_forecaster(a, values, lambda v: (v - mean) / std, 12)
    a.save(os.path.join(out, "forecaster_z.keras"))
    result["forecaster_z"] = {
        "scaler": {"mean": mean, "std": std},
        "forecast": recursive_forecast(a, values, lambda v: (v - mean) / std, lambda z: z * std + mean, 12, 12),
    }
    # min-max of the seasonal differences into [-1, 1], any window length (8 used), 3 steps
    d = values[12:] - values[:-12]
    lo, hi = float(d.min()), float(d.max())
    mm = lambda v: (v - lo) / (hi - lo) * 2 - 1  # noqa: E731
    b = keras.Sequential([keras.Input((None, 1)), L.GRU(6), L.Dense(3)])
    train_forecaster(b, values, mm, 8, lag=12, horizon=3)
    b.save(os.path.join(out, "forecaster_mm.keras"))
    result["forecaster_mm"] = {
        "scaler": {"min": lo, "max": hi, "range": [-1, 1]},
        "forecast": recursive_forecast(b, values, mm, lambda z: (z + 1) / 2 * (hi - lo) + lo, 8, 12, lag=12),
    }
    texts = [t for t, _ in TEXTS]
    labels = ["neg", "meh", "pos"]
    vec = L.TextVectorization(output_sequence_length=10)
    vec.adapt(texts)
    vocab = vec.get_vocabulary()
    x = np.asarray(vec(np.array(texts)))
    y = np.array([labels.index(lab) for _, lab in TEXTS])
    held_out = ["a warm and lovely cast", "boring, bad and slow!", "the unknown zebra film", "a film"]
    hx = np.asarray(vec(np.array(held_out)))
    c = keras.Sequential([
        keras.Input((10,), dtype="int32"),
        L.Embedding(len(vocab), 8, mask_zero=True),
        L.LSTM(8),
        L.Dense(3, activation="softmax"),
    ])
    c.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy")
    c.fit(x, y, epochs=5, verbose=0)
    c.save(os.path.join(out, "classifier_softmax.keras"))
    result["classifier_softmax"] = {"labels": labels, "probabilities": c.predict(hx, verbose=0).tolist()}
    binary = np.array([1 if lab == "pos" else 0 for _, lab in TEXTS])
    s = keras.Sequential([
        keras.Input((10,), dtype="int32"),
        L.Embedding(len(vocab), 8, mask_zero=True),
        L.Bidirectional(L.LSTM(6)),
        L.Dense(1, activation="sigmoid"),
    ])
    s.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy")
    s.fit(x, binary, epochs=5, verbose=0)
    s.save(os.path.join(out, "classifier_sigmoid.keras"))
    p = s.predict(hx, verbose=0)[:, 0].astype("float64")
    result["classifier_sigmoid"] = {"labels": ["other", "pos"], "probabilities": np.stack([1 - p, p], 1).tolist()}
    with open(os.path.join(out, "vocab.json"), "w") as f:
        json.dump(vocab, f)
    with open(os.path.join(out, "tasks.json"), "w") as f:
        json.dump({"held_out": held_out, "tasks": result}, f)
    print("tasks", out)


def check(out):
    results = {}
    for file in sorted(os.listdir(out)):
        if not file.endswith(".rnnkit.keras"):
            continue
        name = file[: -len(".rnnkit.keras")]
        model = keras.saving.load_model(os.path.join(out, file))
        src = os.path.join(out, f"{name}.rnnkit.json")
        if not os.path.exists(src):
            src = os.path.join(out, f"{name}.json")
        with open(src) as f:
            spec = json.load(f)
        xs = [np.asarray(a, dtype=d) for a, d in zip(spec["inputs"], spec["dtypes"])]
        y = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        results[name] = {
            "outputs": np.asarray(y).tolist(),
            "classes": [type(l).__name__ for l in model.layers],
        }
    with open(os.path.join(out, "keras-out.json"), "w") as f:
        json.dump(results, f)
    print("checked", len(results))


if __name__ == "__main__":
    cmd, out = sys.argv[1], sys.argv[2]
    only = sys.argv[4].split(",") if len(sys.argv) > 4 and sys.argv[3] == "--only" else []
    if cmd == "build":
        build(out, only, "--no-h5" not in sys.argv)
    elif cmd == "charlm":
        charlm(out)
    elif cmd == "tasks":
        tasks(out)
    elif cmd == "check":
        check(out)
    else:
        sys.exit(f"unknown command {cmd}: use build or check")
