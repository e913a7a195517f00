#!/usr/bin/env python3
"""Train small models and write the inference fidelity fixtures.

Every fixture is a directory under ``Tests/CapstanInferenceTests/Fixtures/<name>/`` holding

* the model file (``model.onnx``, ``model.json`` for XGBoost, ``model.txt`` for LightGBM),
* ``input.csv``: about 200 rows, header = column names, empty cell = missing (NaN),
* ``expected.csv``: what the reference runtime (onnxruntime, xgboost, lightgbm) outputs for
  ``input.csv``, laid out the way ``capstan predict`` must write it,
* ``meta.json``: format, task, which output columns are labels / probabilities / values, the
  reference runtime's version, ONNX opsets and operators, and notes.

Everything is seeded, single-threaded and deterministic: running the script twice writes the
same files.  Run it from any directory:

    python tests/fidelity/make_fixtures.py            # all fixtures
    python tests/fidelity/make_fixtures.py --only lightgbm xgboost   # groups: see FIXTURES

The functions ``read_csv``, ``reference_outputs`` and the formatting helpers are also used by
``test_fidelity.py`` to compute the reference outputs live; keep the heavy imports (sklearn,
torch, converters) inside the functions that train, so that importing this module only needs
numpy and the three runtimes.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import shutil
import sys
import warnings
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES_DIR = REPO_ROOT / "Tests" / "CapstanInferenceTests" / "Fixtures"
N_INPUT_ROWS = 200
N_THRESHOLD_ROWS = 24  # rows of input.csv whose values are set to exact split thresholds

MODEL_FILES = {"onnx": "model.onnx", "xgboost": "model.json", "lightgbm": "model.txt"}


# ============================================================================================
# CSV helpers (shared with test_fidelity.py)
# ============================================================================================
def format_value(v) -> str:
    """One output cell: integers as integers, floats as repr of the float64 value."""
    if isinstance(v, (str, np.str_)):
        return str(v)
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, (bool, np.bool_)):
        return "1" if v else "0"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    f = float(v)  # float32 -> float64 is exact
    if math.isnan(f):
        return "NaN"
    return repr(f)


def format_input_cell(v) -> str:
    """One input cell: like format_value, but a missing value (NaN/None) is an empty cell."""
    if v is None:
        return ""
    if isinstance(v, (float, np.floating)) and math.isnan(float(v)):
        return ""
    return format_value(v)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        r = csv.reader(fh)
        header = next(r)
        rows = [row for row in r if row]
    return header, rows


def column(header: list[str], rows: list[list[str]], name: str) -> list[str]:
    try:
        i = header.index(name)
    except ValueError:
        raise KeyError(f"input.csv has no column {name!r} (columns: {header})") from None
    return [row[i] for row in rows]


def parse_float(cell: str) -> float:
    return math.nan if cell.strip() == "" else float(cell)


def float_matrix(header, rows, names, dtype=np.float64) -> np.ndarray:
    cols = [[parse_float(c) for c in column(header, rows, n)] for n in names]
    return np.array(cols, dtype=np.float64).T.astype(dtype) if cols else np.zeros((len(rows), 0), dtype)


def write_input_csv(path: Path, names: list[str], columns: list) -> None:
    n = len(columns[0])
    rows = [[format_input_cell(col[i]) for col in columns] for i in range(n)]
    write_csv(path, names, rows)


# ============================================================================================
# Reference runtimes (shared with test_fidelity.py)
# ============================================================================================
def load_meta(fixture_dir: Path) -> dict:
    return json.loads((Path(fixture_dir) / "meta.json").read_text())


def reference_outputs(fixture_dir: Path, input_csv: Path | None = None) -> tuple[list[str], list[list[str]]]:
    """Run the fixture's model in its reference runtime on input.csv; return (header, rows)
    formatted exactly as expected.csv / ``capstan predict`` lay them out."""
    fixture_dir = Path(fixture_dir)
    meta = load_meta(fixture_dir)
    header, rows = read_csv(input_csv or fixture_dir / "input.csv")
    model = fixture_dir / meta["model"]
    fmt = meta["format"]
    if fmt == "onnx":
        return onnx_reference(model, header, rows)
    if fmt == "xgboost":
        return xgboost_reference(model, header, rows, meta["task"])
    if fmt == "lightgbm":
        return lightgbm_reference(model, header, rows, meta["task"])
    raise ValueError(f"unknown format {fmt!r}")


# ---- ONNX ----------------------------------------------------------------------------------
_ORT_TYPES = {
    "tensor(float)": np.float32,
    "tensor(double)": np.float64,
    "tensor(int64)": np.int64,
    "tensor(int32)": np.int32,
    "tensor(string)": object,
}


def _onnx_input_array(cells: list[str], ort_type: str) -> np.ndarray:
    dtype = _ORT_TYPES.get(ort_type)
    if dtype is None:
        raise TypeError(f"unsupported ONNX input type {ort_type}")
    if dtype is object:
        return np.array(cells, dtype=object)
    if dtype in (np.int64, np.int32):
        return np.array([int(c) for c in cells], dtype=dtype)
    # decimal -> float64 -> float32: inputs are written float32-exact, so no double rounding
    return np.array([parse_float(c) for c in cells], dtype=np.float64).astype(dtype)


def single_matrix_width(inputs) -> int | None:
    """F when the model has exactly one input of shape [N, F] with F > 1 (columns f0..f{F-1})."""
    if len(inputs) != 1:
        return None
    shape = inputs[0].shape
    if len(shape) == 2 and isinstance(shape[1], int) and shape[1] > 1:
        return shape[1]
    return None


def onnx_feeds(sess, header, rows) -> dict:
    inputs = sess.get_inputs()
    width = single_matrix_width(inputs)
    if width is not None:
        inp = inputs[0]
        names = [f"f{j}" for j in range(width)]
        cols = [_onnx_input_array(column(header, rows, n), inp.type) for n in names]
        return {inp.name: np.stack(cols, axis=1)}
    feeds = {}
    for inp in inputs:
        arr = _onnx_input_array(column(header, rows, inp.name), inp.type)
        if len(inp.shape) == 2:
            arr = arr.reshape(-1, 1)
        feeds[inp.name] = arr
    return feeds


def _zipmap_keys(model_proto) -> dict[str, list]:
    keys = {}
    for node in model_proto.graph.node:
        if node.op_type == "ZipMap":
            for a in node.attribute:
                if a.name == "classlabels_int64s":
                    keys[node.output[0]] = list(a.ints)
                elif a.name == "classlabels_strings":
                    keys[node.output[0]] = [s.decode("utf-8") for s in a.strings]
    return keys


def onnx_reference(model_path: Path, header, rows):
    import onnx
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(model_path), so, providers=["CPUExecutionProvider"])
    zipmap_keys = _zipmap_keys(onnx.load(str(model_path), load_external_data=False))
    results = sess.run(None, onnx_feeds(sess, header, rows))
    out_header: list[str] = []
    out_cols: list[list[str]] = []
    for out, value in zip(sess.get_outputs(), results):
        if out.type.startswith("seq(map("):
            keys = zipmap_keys.get(out.name) or list(value[0].keys())
            for k in keys:
                out_header.append(f"{out.name}_{k}")
                out_cols.append([format_value(m[k]) for m in value])
            continue
        arr = np.asarray(value)
        if arr.ndim == 1 or (arr.ndim == 2 and arr.shape[1] == 1):
            out_header.append(out.name)
            out_cols.append([format_value(v) for v in arr.reshape(-1)])
        elif arr.ndim == 2:
            for j in range(arr.shape[1]):
                out_header.append(f"{out.name}_{j}")
                out_cols.append([format_value(v) for v in arr[:, j]])
        else:
            raise ValueError(f"output {out.name} has rank {arr.ndim}")
    return out_header, [list(r) for r in zip(*out_cols)]


# ---- XGBoost -------------------------------------------------------------------------------
def xgboost_feature_names(booster) -> list[str]:
    return list(booster.feature_names) if booster.feature_names else [f"f{j}" for j in range(booster.num_features())]


def classifier_columns(prob: np.ndarray) -> tuple[list[str], list[list[str]]]:
    """label + probabilities_k from [N] (binary, P(class 1)) or [N, K] probabilities."""
    if prob.ndim == 1:
        p = prob.astype(np.float64)
        probs = np.stack([1.0 - p, p], axis=1)
        labels = (p > 0.5).astype(np.int64)
    else:
        probs = prob.astype(np.float64)
        labels = np.argmax(prob, axis=1)
    header = ["label"] + [f"probabilities_{k}" for k in range(probs.shape[1])]
    rows = [[format_value(labels[i])] + [format_value(v) for v in probs[i]] for i in range(len(labels))]
    return header, rows


def regression_columns(values: np.ndarray):
    return ["prediction"], [[format_value(v)] for v in values.reshape(-1)]


def xgboost_reference(model_path: Path, header, rows, task: str):
    import xgboost as xgb

    booster = xgb.Booster(model_file=str(model_path))
    booster.set_param({"nthread": 1})
    names = xgboost_feature_names(booster)
    x = float_matrix(header, rows, names)
    dm = xgb.DMatrix(x, missing=np.nan, feature_names=booster.feature_names)
    pred = booster.predict(dm)
    return classifier_columns(pred) if task == "classification" else regression_columns(pred)


# ---- LightGBM ------------------------------------------------------------------------------
def lightgbm_reference(model_path: Path, header, rows, task: str):
    import lightgbm as lgb

    booster = lgb.Booster(model_file=str(model_path))
    x = float_matrix(header, rows, booster.feature_name())
    pred = booster.predict(x, num_threads=1)
    return classifier_columns(pred) if task == "classification" else regression_columns(pred)


# ============================================================================================
# Model inspection: thresholds to put in input.csv, operators and attributes for the report
# ============================================================================================
def onnx_thresholds(model_proto) -> dict[int, list[float]]:
    from onnx import numpy_helper

    thr: dict[int, set] = {}
    for node in model_proto.graph.node:
        attrs = {a.name: a for a in node.attribute}
        if node.op_type in ("TreeEnsembleClassifier", "TreeEnsembleRegressor"):
            feats = list(attrs["nodes_featureids"].ints)
            modes = [m.decode() for m in attrs["nodes_modes"].strings]
            if "nodes_values" in attrs:
                vals = list(attrs["nodes_values"].floats)
            else:
                vals = numpy_helper.to_array(attrs["nodes_values_as_tensor"].t).tolist()
            for f, m, v in zip(feats, modes, vals):
                if m != "LEAF":
                    thr.setdefault(f, set()).add(float(v))
        elif node.op_type == "TreeEnsemble":
            feats = list(attrs["nodes_featureids"].ints)
            vals = numpy_helper.to_array(attrs["nodes_splits"].t).tolist()
            modes = numpy_helper.to_array(attrs["nodes_modes"].t).tolist()
            for f, m, v in zip(feats, modes, vals):
                if m != 6:  # 6 = MEMBER (set membership), not a threshold
                    thr.setdefault(f, set()).add(float(v))
    return {f: sorted(v) for f, v in thr.items() if v}


def xgboost_thresholds(model_json_path: Path) -> dict[int, list[float]]:
    model = json.loads(Path(model_json_path).read_text())
    thr: dict[int, set] = {}
    for tree in model["learner"]["gradient_booster"]["model"]["trees"]:
        for left, f, v in zip(tree["left_children"], tree["split_indices"], tree["split_conditions"]):
            if left != -1:  # XGBoost stores float32 conditions; the JSON has their shortest decimal
                thr.setdefault(int(f), set()).add(float(np.float32(v)))
    return {f: sorted(v) for f, v in thr.items()}


def lightgbm_thresholds(booster) -> dict[int, list[float]]:
    thr: dict[int, set] = {}

    def walk(node):
        if "split_feature" not in node:
            return
        if node["decision_type"] == "<=":
            thr.setdefault(int(node["split_feature"]), set()).add(float(node["threshold"]))
        walk(node["left_child"])
        walk(node["right_child"])

    for t in booster.dump_model()["tree_info"]:
        walk(t["tree_structure"])
    return {f: sorted(v) for f, v in thr.items()}


def inject_thresholds(x: np.ndarray, thresholds: dict[int, list[float]], n_rows: int = N_THRESHOLD_ROWS) -> None:
    """Set the first n_rows rows to exact split thresholds (each feature its own pick), so that
    '<=' versus '<' and float32 versus float64 comparisons show up in the outputs."""
    for r in range(min(n_rows, x.shape[0])):
        for f, vals in thresholds.items():
            x[r, f] = vals[(r * 7 + f * 3) % len(vals)]


LGBM_MISSING = {0: "None", 1: "Zero", 2: "NaN"}


def decode_lightgbm_decision_type(d: int) -> str:
    kind = "categorical" if d & 1 else "numerical"
    default_left = bool(d & 2)
    missing = LGBM_MISSING.get((d >> 2) & 3, "?")
    return f"{d}={kind},default_left={default_left},missing={missing}"


def lightgbm_decision_types(model_txt: Path) -> list[str]:
    seen: set[int] = set()
    for line in Path(model_txt).read_text().splitlines():
        if line.startswith("decision_type="):
            seen.update(int(v) for v in line.split("=", 1)[1].split())
    return [decode_lightgbm_decision_type(d) for d in sorted(seen)]


def onnx_summary(model_proto) -> dict:
    """Operators (domain:op_type), opsets and the tree-ensemble attributes worth knowing."""
    from onnx import numpy_helper

    ops = sorted({f"{n.domain or 'ai.onnx'}:{n.op_type}" for n in model_proto.graph.node})
    opsets = {(o.domain or "ai.onnx"): o.version for o in model_proto.opset_import}
    notes = []
    for node in model_proto.graph.node:
        attrs = {a.name: a for a in node.attribute}
        if node.op_type.startswith("TreeEnsemble"):
            info = {"op": node.op_type}
            for key in ("post_transform", "aggregate_function"):
                if key in attrs:
                    a = attrs[key]
                    info[key] = a.s.decode() if a.type == a.STRING else int(a.i)
            if "nodes_modes" in attrs:
                a = attrs["nodes_modes"]
                if a.type == a.STRINGS:
                    info["nodes_modes"] = sorted({m.decode() for m in a.strings})
                else:
                    info["nodes_modes"] = sorted(set(numpy_helper.to_array(a.t).tolist()))
            if "nodes_missing_value_tracks_true" in attrs:
                mv = list(attrs["nodes_missing_value_tracks_true"].ints)
                info["nodes_missing_value_tracks_true"] = f"{sum(1 for v in mv if v)} of {len(mv)} set"
            else:
                info["nodes_missing_value_tracks_true"] = "absent"
            for key in ("base_values", "base_values_as_tensor"):
                if key in attrs:
                    a = attrs[key]
                    vals = list(a.floats) if a.type == a.FLOATS else numpy_helper.to_array(a.t).tolist()
                    info[key] = [float(v) for v in vals]
            for key in ("nodes_values_as_tensor", "target_weights_as_tensor", "class_weights_as_tensor"):
                if key in attrs:
                    info.setdefault("double_tensors", []).append(key)
            if "nodes_treeids" in attrs:
                info["trees"] = len(set(attrs["nodes_treeids"].ints))
            if "tree_roots" in attrs:
                info["trees"] = len(attrs["tree_roots"].ints)
            notes.append(info)
        elif node.op_type in ("LinearClassifier", "LinearRegressor", "Scaler", "ZipMap", "OneHotEncoder",
                              "Normalizer", "ArrayFeatureExtractor", "Cast", "Softmax", "LogSoftmax", "ArgMax"):
            info = {"op": node.op_type}
            for a in node.attribute:
                if a.name in ("post_transform", "multi_class", "to", "axis", "keepdims", "zeros", "norm",
                              "select_last_index"):
                    info[a.name] = a.s.decode() if a.type == a.STRING else int(a.i)
            if len(info) > 1:
                notes.append(info)
    domains = [o.domain or "ai.onnx" for o in model_proto.opset_import]
    duplicates = sorted({f"{d} x{domains.count(d)}" for d in domains if domains.count(d) > 1})
    return {"operators": ops, "opsets": opsets, "attributes": notes, "duplicate_opset_imports": duplicates}


# ============================================================================================
# Fixture writing
# ============================================================================================
def versions() -> dict:
    import importlib.metadata as md

    out = {}
    for pkg in ("numpy", "scikit-learn", "skl2onnx", "onnx", "onnxruntime", "onnxmltools", "xgboost",
                "xgboost-cpu", "lightgbm"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            pass
    return out


def reference_name(fmt: str) -> str:
    v = versions()
    if fmt == "onnx":
        return f"onnxruntime {v['onnxruntime']}"
    if fmt == "xgboost":
        return f"xgboost {v.get('xgboost') or v.get('xgboost-cpu')}"
    return f"lightgbm {v['lightgbm']}"


def new_fixture_dir(name: str) -> Path:
    d = FIXTURES_DIR / name
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    return d


def finish_fixture(d: Path, fmt: str, task: str, source: str, label_outputs: tuple[str, ...] = (),
                   notes: list[str] | None = None, extra: dict | None = None) -> dict:
    """Compute expected.csv with the reference runtime and write meta.json."""
    model_file = MODEL_FILES[fmt]
    meta = {"format": fmt, "model": model_file, "task": task, "label_columns": [],
            "probability_columns": [], "value_columns": [], "reference": reference_name(fmt),
            "source": source, "notes": " ".join(notes or [])}
    # reference_outputs reads meta.json for format/model/task; write a first version.
    (d / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    header, rows = reference_outputs(d)
    write_csv(d / "expected.csv", header, rows)
    for col in header:
        if fmt == "onnx":
            base = col
            if base in label_outputs:
                meta["label_columns"].append(col)
            elif task == "classification":
                meta["probability_columns"].append(col)
            else:
                meta["value_columns"].append(col)
        elif col == "label":
            meta["label_columns"].append(col)
        elif col.startswith("probabilities_"):
            meta["probability_columns"].append(col)
        else:
            meta["value_columns"].append(col)
    if fmt == "onnx":
        import onnx

        summary = onnx_summary(onnx.load(str(d / model_file)))
        meta["opsets"] = summary["opsets"]
        meta["onnx_operators"] = summary["operators"]
        meta["onnx_attributes"] = summary["attributes"]
        if summary["duplicate_opset_imports"]:
            meta["notes"] += (" opset_import lists the same domain more than once ("
                              + ", ".join(summary["duplicate_opset_imports"]) + "), as skl2onnx writes it.")
    if extra:
        meta.update(extra)
    meta["generated_with"] = versions()
    (d / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    return meta


def save_onnx(model_proto, path: Path) -> None:
    """Check and save; make the bytes reproducible (skl2onnx names the graph with a random
    uuid and lists opset_import in hash order)."""
    import onnx

    model_proto.graph.name = path.parent.name
    opsets = sorted(((o.domain, o.version) for o in model_proto.opset_import))
    del model_proto.opset_import[:]
    for domain, version in opsets:
        model_proto.opset_import.add(domain=domain, version=version)
    onnx.checker.check_model(model_proto)
    onnx.save_model(model_proto, str(path))


def f32(a) -> np.ndarray:
    """Round to float32 and back: every input value is exactly representable in float32."""
    return np.asarray(a, dtype=np.float64).astype(np.float32).astype(np.float64)


def add_nans(x: np.ndarray, cols: list[int], frac: float, rng) -> None:
    for c in cols:
        x[rng.random(x.shape[0]) < frac, c] = np.nan


def numeric_classification(seed: int, n_features: int, n_classes: int, n_train: int, scale: float = 3.0):
    from sklearn.datasets import make_classification

    x, y = make_classification(n_samples=n_train + N_INPUT_ROWS, n_features=n_features,
                               n_informative=max(3, n_features - 2), n_redundant=1 if n_features > 4 else 0,
                               n_classes=n_classes, n_clusters_per_class=1, class_sep=1.0, flip_y=0.03,
                               random_state=seed)
    x = f32(x * scale)
    return x[:n_train], y[:n_train], x[n_train:].copy(), y[n_train:]


def numeric_regression(seed: int, n_features: int, n_train: int):
    from sklearn.datasets import make_regression

    x, y = make_regression(n_samples=n_train + N_INPUT_ROWS, n_features=n_features, n_informative=n_features,
                           noise=5.0, random_state=seed)
    x = f32(x)
    return x[:n_train], y[:n_train], x[n_train:].copy(), y[n_train:]


def positional_names(n: int) -> list[str]:
    return [f"f{j}" for j in range(n)]


def convert_sklearn(model, initial_types, target_opset, options=None):
    from skl2onnx import convert_sklearn as _convert

    patch_skl2onnx_bool_ints()
    onx = _convert(model, initial_types=initial_types, target_opset=target_opset, options=options)
    return declare_opsets(onx, target_opset.get(""), target_opset.get("ai.onnx.ml"))


def declare_opsets(model_proto, main: int | None = None, ml: int | None = None):
    """Raise the declared opsets of a converted model (skl2onnx declares the lowest versions its
    nodes need, whatever target_opset says).  The default domain goes through
    onnx.version_converter; ai.onnx.ml is re-declared only when no ml operator used changes
    meaning between the two versions (TreeEnsemble*Classifier/Regressor v3 only add optional
    *_as_tensor attributes)."""
    import onnx
    from onnx import defs, version_converter

    current = {(o.domain or ""): o.version for o in model_proto.opset_import}
    if main is not None and current.get("", 0) != main:
        if any((n.domain or "") == "" for n in model_proto.graph.node):
            model_proto = version_converter.convert_version(model_proto, main)
        else:
            for o in model_proto.opset_import:
                if (o.domain or "") == "":
                    o.version = main
    if ml is not None and current.get("ai.onnx.ml", ml) != ml:
        old = current["ai.onnx.ml"]
        for n in model_proto.graph.node:
            if n.domain == "ai.onnx.ml":
                a = defs.get_schema(n.op_type, old, "ai.onnx.ml").since_version
                b = defs.get_schema(n.op_type, ml, "ai.onnx.ml").since_version
                if a != b and n.op_type not in ("TreeEnsembleClassifier", "TreeEnsembleRegressor"):
                    raise ValueError(f"ai.onnx.ml:{n.op_type} changes between opset {old} and {ml}")
        for o in model_proto.opset_import:
            if o.domain == "ai.onnx.ml":
                o.version = ml
    onnx.checker.check_model(model_proto)
    return model_proto


_PATCHED = False


def patch_skl2onnx_bool_ints() -> None:
    """skl2onnx 1.20 passes Python bools for INTS attributes (nodes_missing_value_tracks_true of
    HistGradientBoosting); onnx >= 1.20's make_attribute rejects a bool in an int list.  Coerce."""
    global _PATCHED
    if _PATCHED:
        return
    import onnx.helper as oh

    original = oh.make_attribute

    def make_attribute(key, value, *args, **kwargs):
        if isinstance(value, np.ndarray) and value.dtype == np.bool_:
            value = value.astype(np.int64).tolist()
        elif isinstance(value, (list, tuple)) and any(isinstance(v, (bool, np.bool_)) for v in value):
            value = [int(v) if isinstance(v, (bool, np.bool_)) else v for v in value]
        return original(key, value, *args, **kwargs)

    oh.make_attribute = make_attribute
    import importlib

    for module_name in ("skl2onnx.common._container", "skl2onnx.common._onnx_optimisation_common"):
        try:  # modules that imported make_attribute by name
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if getattr(module, "make_attribute", None) is original:
            module.make_attribute = make_attribute
    _PATCHED = True


# ============================================================================================
# The fixtures
# ============================================================================================
def fx_sklearn_pipeline_logreg() -> dict:
    import pandas as pd
    from skl2onnx.common.data_types import FloatTensorType, Int64TensorType, StringTensorType
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    rng = np.random.default_rng(101)
    n = 1000 + N_INPUT_ROWS
    age = rng.integers(18, 80, n).astype(np.int64)
    income = f32(np.round(rng.lognormal(10.5, 0.5, n), 2)).astype(np.float32)
    score = f32(rng.normal(0.5, 0.2, n)).astype(np.float32)
    cities = np.array(["Lisbon", "Porto", "Braga", "Faro"])
    plans = np.array(["basic", "plus", "pro"])
    city = rng.choice(cities, n)
    plan = rng.choice(plans, n)
    city_eff = {"Lisbon": 0.6, "Porto": 0.1, "Braga": -0.4, "Faro": -0.2}
    plan_eff = {"basic": -0.7, "plus": 0.1, "pro": 0.8}
    logit = (0.04 * (age - 48) + 0.9 * (np.log(income) - 10.5) + 2.5 * (score - 0.5)
             + np.array([city_eff[c] for c in city]) + np.array([plan_eff[p] for p in plan])
             + rng.normal(0, 0.7, n))
    target = np.where(logit > 0, "churn", "stay")
    df = pd.DataFrame({"age": age, "income": income, "score": score, "city": city, "plan": plan})
    train, test = df.iloc[:1000], df.iloc[1000:].copy().reset_index(drop=True)
    # categories never seen in training: OneHotEncoder(handle_unknown='ignore') gives all zeros
    test.loc[[3, 50, 120], "city"] = "Coimbra"
    test.loc[[7, 50, 199], "plan"] = "enterprise"

    strings = ["city", "plan"]
    pipe = Pipeline([
        ("prep", ColumnTransformer([
            ("age", StandardScaler(), ["age"]),  # int64 input: its own scaler (Concat needs one type)
            ("num", StandardScaler(), ["income", "score"]),
            ("cat", OneHotEncoder(handle_unknown="ignore"), strings),
        ])),
        ("clf", LogisticRegression(max_iter=500, C=1.0)),
    ])
    pipe.fit(train, target[:1000])
    initial_types = [
        ("age", Int64TensorType([None, 1])),
        ("income", FloatTensorType([None, 1])),
        ("score", FloatTensorType([None, 1])),
        ("city", StringTensorType([None, 1])),
        ("plan", StringTensorType([None, 1])),
    ]
    onx = convert_sklearn(pipe, initial_types, {"": 13, "ai.onnx.ml": 1})
    d = new_fixture_dir("sklearn_pipeline_logreg")
    save_onnx(onx, d / "model.onnx")
    # columns deliberately NOT in the graph's input order: they are matched by name
    order = ["plan", "score", "city", "income", "age"]
    write_input_csv(d / "input.csv", order, [test[c].tolist() for c in order])
    return finish_fixture(
        d, "onnx", "classification",
        "sklearn Pipeline(ColumnTransformer[StandardScaler(age), StandardScaler(income,score), "
        "OneHotEncoder(handle_unknown=ignore)(city,plan)], "
        "LogisticRegression), string classes 'churn'/'stay', skl2onnx with one input per column and ZipMap",
        label_outputs=("output_label",),
        notes=["Inputs: age int64 [N,1], income float [N,1], score float [N,1], city/plan string [N,1].",
               "A double input was tried but skl2onnx then concatenates double and float (invalid Concat).",
               "input.csv columns are in a different order from the graph inputs (match by name).",
               "Rows 3, 50, 120 have city 'Coimbra' and rows 7, 50, 199 plan 'enterprise', unseen in training.",
               "output_probability is a sequence of maps (ZipMap) keyed by the string classes."])


def fx_sklearn_random_forest() -> dict:
    import onnx
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.ensemble import RandomForestClassifier

    xtr, ytr, xte, _ = numeric_classification(seed=202, n_features=8, n_classes=3, n_train=1000)
    model = RandomForestClassifier(n_estimators=100, max_depth=6, min_samples_leaf=3, random_state=0, n_jobs=1)
    model.fit(xtr.astype(np.float32), ytr)
    onx = convert_sklearn(model, [("input", FloatTensorType([None, 8]))], {"": 17, "ai.onnx.ml": 1},
                          options={id(model): {"zipmap": False}})
    d = new_fixture_dir("sklearn_random_forest")
    save_onnx(onx, d / "model.onnx")
    inject_thresholds(xte, onnx_thresholds(onnx.load(str(d / "model.onnx"))))
    write_input_csv(d / "input.csv", positional_names(8), [xte[:, j] for j in range(8)])
    return finish_fixture(
        d, "onnx", "classification",
        "RandomForestClassifier(n_estimators=100, max_depth=6, min_samples_leaf=3), 8 float features, "
        "3 classes, zipmap disabled (load-time benchmark model)",
        label_outputs=("label",),
        notes=[f"The first {N_THRESHOLD_ROWS} input rows hold exact split thresholds (BRANCH_LEQ: equal goes left)."])


def fx_sklearn_gbr() -> dict:
    import onnx
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.ensemble import GradientBoostingRegressor

    xtr, ytr, xte, _ = numeric_regression(seed=303, n_features=6, n_train=1000)
    model = GradientBoostingRegressor(n_estimators=60, max_depth=3, learning_rate=0.1, random_state=0)
    model.fit(xtr.astype(np.float32), ytr)
    # A double input is not an option: skl2onnx 1.20 then declares a double output for
    # TreeEnsembleRegressor, which onnxruntime rejects (the operator's output is float).
    onx = convert_sklearn(model, [("input", FloatTensorType([None, 6]))], {"": 15, "ai.onnx.ml": 3})
    d = new_fixture_dir("sklearn_gbr")
    save_onnx(onx, d / "model.onnx")
    inject_thresholds(xte, onnx_thresholds(onnx.load(str(d / "model.onnx"))))
    write_input_csv(d / "input.csv", positional_names(6), [xte[:, j] for j in range(6)])
    return finish_fixture(
        d, "onnx", "regression",
        "GradientBoostingRegressor(n_estimators=60, max_depth=3), 6 float features (make_regression)",
        notes=[f"The first {N_THRESHOLD_ROWS} input rows hold exact split thresholds.",
               "Output 'variable' is float [N,1]; base_values holds the initial prediction (training mean)."])


def _hgb(name: str, seed: int, n_classes: int, opset: dict, zipmap: bool) -> dict:
    import onnx
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(seed)
    xtr, ytr, xte, _ = numeric_classification(seed=seed, n_features=6, n_classes=n_classes, n_train=1000)
    add_nans(xtr, [1, 4], 0.15, rng)
    add_nans(xte, [1, 4], 0.15, rng)
    add_nans(xte, [2], 0.05, rng)  # NaN in a feature that had none in training
    model = HistGradientBoostingClassifier(max_iter=25 if n_classes == 2 else 15, max_leaf_nodes=15,
                                           max_depth=5, learning_rate=0.2, early_stopping=False, random_state=0)
    model.fit(xtr.astype(np.float32), ytr)
    options = None if zipmap else {id(model): {"zipmap": False}}
    onx = convert_sklearn(model, [("input", FloatTensorType([None, 6]))], opset, options=options)
    d = new_fixture_dir(name)
    save_onnx(onx, d / "model.onnx")
    thresholds = onnx_thresholds(onnx.load(str(d / "model.onnx")))
    # keep the NaNs of the first rows where they are, put thresholds elsewhere
    nan_mask = np.isnan(xte)
    inject_thresholds(xte, thresholds)
    xte[nan_mask] = np.nan
    write_input_csv(d / "input.csv", positional_names(6), [xte[:, j] for j in range(6)])
    kind = "binary" if n_classes == 2 else f"{n_classes}-class"
    return finish_fixture(
        d, "onnx", "classification",
        f"HistGradientBoostingClassifier ({kind}, max_leaf_nodes=15, max_depth=5), 6 float features with NaNs "
        f"in features 1 and 4 (training and input) and 2 (input only), zipmap {'on' if zipmap else 'off'}",
        label_outputs=("label", "output_label"),
        notes=["Missing values are routed by nodes_missing_value_tracks_true.",
               f"The first {N_THRESHOLD_ROWS} input rows hold exact split thresholds (NaN cells kept)."])


def fx_sklearn_hgb_binary() -> dict:
    return _hgb("sklearn_hgb_binary", 404, 2, {"": 18, "ai.onnx.ml": 3}, zipmap=True)


def fx_sklearn_hgb_multiclass() -> dict:
    # ai.onnx.ml 5 would need the TreeEnsemble operator, which skl2onnx 1.20 does not emit
    return _hgb("sklearn_hgb_multiclass", 505, 3, {"": 21, "ai.onnx.ml": 2}, zipmap=False)


def fx_sklearn_mlp() -> dict:
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.neural_network import MLPClassifier

    xtr, ytr, xte, _ = numeric_classification(seed=606, n_features=10, n_classes=3, n_train=1000, scale=1.0)
    model = MLPClassifier(hidden_layer_sizes=(32, 16), activation="relu", max_iter=300, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(xtr.astype(np.float32), ytr)
    onx = convert_sklearn(model, [("input", FloatTensorType([None, 10]))], {"": 19, "ai.onnx.ml": 2},
                          options={id(model): {"zipmap": False}})
    d = new_fixture_dir("sklearn_mlp")
    save_onnx(onx, d / "model.onnx")
    write_input_csv(d / "input.csv", positional_names(10), [xte[:, j] for j in range(10)])
    return finish_fixture(
        d, "onnx", "classification",
        "MLPClassifier(hidden_layer_sizes=(32, 16), relu, softmax output), 10 float features, 3 classes, "
        "zipmap disabled",
        label_outputs=("label",))


def _xgb_common(**kw):
    base = dict(tree_method="hist", n_jobs=1, random_state=0, learning_rate=0.3)
    base.update(kw)
    return base


def fx_xgboost(include_onnx: bool = True) -> list[dict]:
    import pandas as pd
    import xgboost as xgb

    out = []
    # --- multi:softprob, 3 classes, NaNs, no feature names (f0..f5) ---------------------------
    rng = np.random.default_rng(707)
    xtr, ytr, xte, _ = numeric_classification(seed=707, n_features=6, n_classes=3, n_train=1000)
    add_nans(xtr, [0, 3], 0.12, rng)
    add_nans(xte, [0, 3], 0.12, rng)
    clf = xgb.XGBClassifier(**_xgb_common(n_estimators=20, max_depth=4, objective="multi:softprob"))
    clf.fit(xtr, ytr)
    d = new_fixture_dir("xgboost_classifier_json")
    clf.get_booster().save_model(str(d / "model.json"))
    nan_mask = np.isnan(xte)
    inject_thresholds(xte, xgboost_thresholds(d / "model.json"))
    xte[nan_mask] = np.nan
    xgb_clf_input = xte.copy()
    write_input_csv(d / "input.csv", positional_names(6), [xte[:, j] for j in range(6)])
    out.append(finish_fixture(
        d, "xgboost", "classification",
        "XGBClassifier(objective=multi:softprob, 3 classes, n_estimators=20, max_depth=4, hist), 6 features "
        "without names, NaNs in features 0 and 3",
        notes=[f"The first {N_THRESHOLD_ROWS} input rows hold exact split conditions (XGBoost: x < split goes left).",
               "20 rounds x 3 classes = 60 trees; base_score is a per-class vector in the JSON."],
        extra={"objective": "multi:softprob"}))

    if include_onnx:
        try:
            out.append(_xgboost_onnx(clf, xgb_clf_input))
        except Exception as exc:  # noqa: BLE001 - reported, fixture skipped
            print(f"  xgboost_classifier_onnx: SKIPPED, onnxmltools failed: {exc!r}")

    # --- binary:logistic, named features from a DataFrame ------------------------------------
    rng = np.random.default_rng(808)
    names = ["temperature", "pressure", "humidity", "wind_speed", "load"]
    xtr, ytr, xte, _ = numeric_classification(seed=808, n_features=5, n_classes=2, n_train=800)
    add_nans(xtr, [2], 0.1, rng)
    add_nans(xte, [2], 0.1, rng)
    clf = xgb.XGBClassifier(**_xgb_common(n_estimators=15, max_depth=3, objective="binary:logistic"))
    clf.fit(pd.DataFrame(xtr, columns=names), ytr)
    d = new_fixture_dir("xgboost_binary_json")
    clf.get_booster().save_model(str(d / "model.json"))
    nan_mask = np.isnan(xte)
    inject_thresholds(xte, xgboost_thresholds(d / "model.json"))
    xte[nan_mask] = np.nan
    write_input_csv(d / "input.csv", names, [xte[:, j] for j in range(5)])
    out.append(finish_fixture(
        d, "xgboost", "classification",
        "XGBClassifier(objective=binary:logistic, n_estimators=15, max_depth=3, hist) trained on a DataFrame "
        "(feature names in the JSON), NaNs in 'humidity'",
        notes=["label = 1 if p > 0.5; probabilities_0 = 1 - p, probabilities_1 = p.",
               f"The first {N_THRESHOLD_ROWS} input rows hold exact split conditions."],
        extra={"objective": "binary:logistic"}))

    # --- reg:squarederror ------------------------------------------------------------------
    xtr, ytr, xte, _ = numeric_regression(seed=909, n_features=7, n_train=1000)
    reg = xgb.XGBRegressor(**_xgb_common(n_estimators=30, max_depth=4, objective="reg:squarederror"))
    reg.fit(xtr, ytr)
    d = new_fixture_dir("xgboost_regressor_json")
    reg.get_booster().save_model(str(d / "model.json"))
    inject_thresholds(xte, xgboost_thresholds(d / "model.json"))
    rng = np.random.default_rng(910)
    add_nans(xte[N_THRESHOLD_ROWS:], [1, 5], 0.05, rng)  # NaN at prediction only: default directions
    write_input_csv(d / "input.csv", positional_names(7), [xte[:, j] for j in range(7)])
    out.append(finish_fixture(
        d, "xgboost", "regression",
        "XGBRegressor(objective=reg:squarederror, n_estimators=30, max_depth=4, hist), 7 features",
        notes=["No NaNs in training; a few NaNs in input.csv follow the learned default directions.",
               f"The first {N_THRESHOLD_ROWS} input rows hold exact split conditions."],
        extra={"objective": "reg:squarederror"}))
    return out


def _xgboost_onnx(clf, x_input: np.ndarray) -> dict:
    import onnx
    from onnxmltools import convert_xgboost
    from onnxmltools.convert.common.data_types import FloatTensorType

    onx = convert_xgboost(clf, initial_types=[("input", FloatTensorType([None, 6]))], target_opset=14)
    d = new_fixture_dir("xgboost_classifier_onnx")
    save_onnx(onx, d / "model.onnx")
    write_input_csv(d / "input.csv", positional_names(6), [x_input[:, j] for j in range(6)])
    labels = tuple(o.name for o in onnx.load(str(d / "model.onnx")).graph.output if "label" in o.name)
    return finish_fixture(
        d, "onnx", "classification",
        "The xgboost_classifier_json model converted by onnxmltools.convert_xgboost; same input.csv",
        label_outputs=labels,
        notes=["Same model and input as xgboost_classifier_json: both fixtures must agree within tolerance."])


def _lgbm_common(**kw):
    base = dict(random_state=0, n_jobs=1, deterministic=True, force_col_wise=True, verbose=-1,
                min_child_samples=10)
    base.update(kw)
    return base


def fx_lightgbm() -> list[dict]:
    import lightgbm as lgb
    import pandas as pd

    out = []
    # --- multiclass with a categorical feature and NaNs --------------------------------------
    rng = np.random.default_rng(1111)
    xtr, ytr, xte, yte = numeric_classification(seed=1111, n_features=4, n_classes=3, n_train=1200)
    names = ["num_a", "num_b", "num_c", "num_d", "color"]

    def colors(y):  # a categorical feature that carries signal: class-dependent codes 0..5
        base = rng.integers(0, 6, len(y))
        shifted = (y * 2 + rng.integers(0, 2, len(y))) % 6
        return np.where(rng.random(len(y)) < 0.6, shifted, base).astype(np.float64)

    ctr, cte = colors(ytr), colors(yte)
    add_nans(xtr, [1], 0.12, rng)
    add_nans(xte, [1], 0.12, rng)
    dtr = pd.DataFrame(np.column_stack([xtr, ctr]), columns=names)
    dtr["color"] = dtr["color"].astype(np.int64)
    clf = lgb.LGBMClassifier(**_lgbm_common(n_estimators=25, num_leaves=15, learning_rate=0.1,
                                             min_data_per_group=20, cat_smooth=5.0))
    clf.fit(dtr, ytr, categorical_feature=["color"])
    d = new_fixture_dir("lightgbm_classifier")
    clf.booster_.save_model(str(d / "model.txt"))
    booster = lgb.Booster(model_file=str(d / "model.txt"))
    xin = np.column_stack([xte, cte])
    nan_mask = np.isnan(xin)
    inject_thresholds(xin, lightgbm_thresholds(booster))
    xin[nan_mask] = np.nan
    xin[[5, 60, 150], 4] = [6, 7, 9]  # categories never seen in training
    xin[[10, 90], 4] = np.nan  # missing category
    cols = [xin[:, j] for j in range(4)] + [[None if math.isnan(v) else int(v) for v in xin[:, 4]]]
    write_input_csv(d / "input.csv", booster.feature_name(), cols)
    out.append(finish_fixture(
        d, "lightgbm", "classification",
        "LGBMClassifier(multiclass, 3 classes, n_estimators=25, num_leaves=15) on 4 numeric features + "
        "integer-coded categorical 'color' (categorical_feature), NaNs in num_b",
        notes=["Rows 5, 60, 150 have unseen color codes 6, 7, 9; rows 10 and 90 a missing color.",
               f"The first {N_THRESHOLD_ROWS} input rows hold exact numerical thresholds (x <= threshold goes left).",
               "Decision types: " + "; ".join(lightgbm_decision_types(d / "model.txt")) + "."],
        extra={"objective": booster.dump_model()["objective"],
               "decision_types": lightgbm_decision_types(d / "model.txt")}))

    # --- regression, numpy input (feature names Column_0..), no NaN in training -------------
    xtr, ytr, xte, _ = numeric_regression(seed=1212, n_features=6, n_train=1000)
    reg = lgb.LGBMRegressor(**_lgbm_common(n_estimators=40, num_leaves=15, learning_rate=0.1))
    reg.fit(xtr, ytr)
    d = new_fixture_dir("lightgbm_regressor")
    reg.booster_.save_model(str(d / "model.txt"))
    booster = lgb.Booster(model_file=str(d / "model.txt"))
    inject_thresholds(xte, lightgbm_thresholds(booster))
    rng = np.random.default_rng(1213)
    add_nans(xte[N_THRESHOLD_ROWS:], [0, 3], 0.05, rng)
    write_input_csv(d / "input.csv", booster.feature_name(), [xte[:, j] for j in range(6)])
    out.append(finish_fixture(
        d, "lightgbm", "regression",
        "LGBMRegressor(objective=regression, n_estimators=40, num_leaves=15) on 6 numeric features given as a "
        "numpy array (default feature names Column_0..Column_5)",
        notes=["No NaNs in training (missing type None: a NaN input is treated as 0.0); a few NaNs in input.csv.",
               "Decision types: " + "; ".join(lightgbm_decision_types(d / "model.txt")) + "."],
        extra={"objective": booster.dump_model()["objective"],
               "decision_types": lightgbm_decision_types(d / "model.txt")}))

    # --- small binary with zero_as_missing ---------------------------------------------------
    rng = np.random.default_rng(1313)
    names = ["x_alpha", "x_beta", "x_gamma", "x_delta"]
    xtr, ytr, xte, _ = numeric_classification(seed=1313, n_features=4, n_classes=2, n_train=800)
    for x in (xtr, xte):  # exact zeros (treated as missing) and NaNs
        x[rng.random(len(x)) < 0.15, 0] = 0.0
        x[rng.random(len(x)) < 0.08, 2] = np.nan
    clf = lgb.LGBMClassifier(**_lgbm_common(n_estimators=10, num_leaves=7, learning_rate=0.2,
                                             zero_as_missing=True))
    clf.fit(pd.DataFrame(xtr, columns=names), ytr)
    d = new_fixture_dir("lightgbm_binary")
    clf.booster_.save_model(str(d / "model.txt"))
    booster = lgb.Booster(model_file=str(d / "model.txt"))
    special = np.isnan(xte) | (xte == 0.0)
    saved = xte.copy()
    inject_thresholds(xte, lightgbm_thresholds(booster))
    xte[special] = saved[special]
    write_input_csv(d / "input.csv", booster.feature_name(), [xte[:, j] for j in range(4)])
    out.append(finish_fixture(
        d, "lightgbm", "classification",
        "LGBMClassifier(objective=binary, n_estimators=10, num_leaves=7, zero_as_missing=True), 4 features "
        "with exact zeros in x_alpha and NaNs in x_gamma",
        notes=["zero_as_missing=True: 0.0 and NaN are both missing (missing type Zero).",
               "label = 1 if p > 0.5; probabilities_0 = 1 - p, probabilities_1 = p.",
               "Decision types: " + "; ".join(lightgbm_decision_types(d / "model.txt")) + "."],
        extra={"objective": booster.dump_model()["objective"],
               "decision_types": lightgbm_decision_types(d / "model.txt")}))
    return out


def fx_torch_mlp() -> dict | None:
    try:
        import torch
    except ImportError:
        print("  torch_mlp: SKIPPED (torch is not installed; the committed fixture is left as it is)")
        return None
    from torch import nn

    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    xtr, ytr, xte, _ = numeric_classification(seed=1414, n_features=8, n_classes=3, n_train=1000, scale=1.0)
    net = nn.Sequential(nn.Linear(8, 24), nn.ReLU(), nn.Linear(24, 12), nn.Tanh(), nn.Linear(12, 3),
                        nn.Softmax(dim=1))
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    xt = torch.tensor(xtr, dtype=torch.float32)
    yt = torch.tensor(ytr, dtype=torch.int64)
    for _epoch in range(150):
        opt.zero_grad()
        loss = nn.functional.nll_loss(torch.log(net(xt) + 1e-9), yt)
        loss.backward()
        opt.step()
    net.eval()
    d = new_fixture_dir("torch_mlp")
    export_kwargs = dict(input_names=["input"], output_names=["probabilities"], opset_version=17,
                         dynamic_axes={"input": {0: "batch"}, "probabilities": {0: "batch"}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter is deprecated in favour of dynamo
        try:  # dynamo=False: the dynamo exporter needs onnxscript, and writes a different graph
            torch.onnx.export(net, (torch.zeros(1, 8),), str(d / "model.onnx"), dynamo=False, **export_kwargs)
        except TypeError:  # torch without the dynamo keyword
            torch.onnx.export(net, (torch.zeros(1, 8),), str(d / "model.onnx"), **export_kwargs)
    write_input_csv(d / "input.csv", positional_names(8), [xte[:, j] for j in range(8)])
    return finish_fixture(
        d, "onnx", "classification",
        "torch nn.Sequential(Linear(8,24), ReLU, Linear(24,12), Tanh, Linear(12,3), Softmax) trained 150 Adam "
        "steps, exported with torch.onnx.export (TorchScript exporter, opset 17, dynamic batch)",
        notes=["Only output: probabilities [N,3]. No label output."],
        extra={"torch": torch.__version__})


FIXTURES = {
    "sklearn_pipeline_logreg": fx_sklearn_pipeline_logreg,
    "sklearn_random_forest": fx_sklearn_random_forest,
    "sklearn_gbr": fx_sklearn_gbr,
    "sklearn_hgb_binary": fx_sklearn_hgb_binary,
    "sklearn_hgb_multiclass": fx_sklearn_hgb_multiclass,
    "sklearn_mlp": fx_sklearn_mlp,
    "xgboost": fx_xgboost,  # xgboost_classifier_json, xgboost_classifier_onnx, xgboost_binary_json, xgboost_regressor_json
    "lightgbm": fx_lightgbm,  # lightgbm_classifier, lightgbm_regressor, lightgbm_binary
    "torch_mlp": fx_torch_mlp,
}


def fixture_dirs() -> list[Path]:
    return sorted(p for p in FIXTURES_DIR.iterdir() if (p / "meta.json").is_file()) if FIXTURES_DIR.is_dir() else []


def print_report() -> None:
    all_ops: set[str] = set()
    total = 0
    print("\nfixture                      size(KB)  format    opsets / notes")
    for d in fixture_dirs():
        meta = load_meta(d)
        size = sum(f.stat().st_size for f in d.iterdir())
        total += size
        extra = meta.get("opsets") or meta.get("decision_types") or meta.get("objective", "")
        print(f"{d.name:28s} {size / 1024:8.1f}  {meta['format']:8s}  {extra}")
        all_ops.update(meta.get("onnx_operators", []))
    print(f"{'total':28s} {total / 1024:8.1f}")
    print("\nONNX operators across all fixtures:")
    for op in sorted(all_ops):
        print(f"  {op}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", choices=sorted(FIXTURES), help="generate only these groups")
    args = parser.parse_args(argv)
    FIXTURES_DIR.mkdir(parents=True, exist_ok=True)
    for name, fn in FIXTURES.items():
        if args.only and name not in args.only:
            continue
        print(f"== {name}")
        fn()
    print_report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
