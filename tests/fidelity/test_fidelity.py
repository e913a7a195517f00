"""Inference fidelity: ``capstan predict`` against the reference runtimes.

For every fixture directory under ``Tests/CapstanInferenceTests/Fixtures`` (written by
``make_fixtures.py``) this suite

* recomputes the reference outputs LIVE (onnxruntime for ``.onnx``, xgboost for ``.json``,
  lightgbm for ``.txt``) on the fixture's ``input.csv`` and checks them against the committed
  ``expected.csv`` (catches a reference-runtime upgrade that changes answers);
* runs ``capstan predict --model MODEL --input input.csv --output OUT.csv`` and compares OUT.csv
  with the live reference outputs and with ``expected.csv``.

It also checks that an unsupported ONNX operator and a missing input column make
``capstan predict`` fail with a message naming the operator / the column.

The binary is ``$CAPSTAN_BIN`` (default ``<repo>/.build/debug/capstan``); the tests that need it
are skipped when it does not exist.

Comparison rules: labels identical; probabilities max |diff| <= 1e-5; regression values
|diff| <= 1e-5 * max(1, |reference|).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import make_fixtures as mf  # noqa: E402  (shared CSV layout and reference-runtime code)

REPO_ROOT = HERE.parents[1]
PROBABILITY_ABS_TOL = 1e-5
VALUE_REL_TOL = 1e-5
PREDICT_TIMEOUT = float(os.environ.get("CAPSTAN_PREDICT_TIMEOUT", "300"))

FIXTURE_DIRS = mf.fixture_dirs()


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def capstan_path() -> Path:
    return Path(os.environ.get("CAPSTAN_BIN") or REPO_ROOT / ".build" / "debug" / "capstan")


@pytest.fixture(scope="session")
def capstan() -> Path:
    path = capstan_path()
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.skip(f"Capstan binary not found at {path}: build it with `swift build` or set CAPSTAN_BIN")
    return path


def run_predict(capstan: Path, model: Path, input_csv: Path, output_csv: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(capstan), "predict", "--model", str(model), "--input", str(input_csv), "--output", str(output_csv)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=PREDICT_TIMEOUT,
    )


def describe(proc: subprocess.CompletedProcess) -> str:
    return f"exit code {proc.returncode}\n--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"


def parse_number(cell: str) -> float:
    c = cell.strip()
    if c == "" or c.lower() in ("nan", "-nan"):
        return math.nan
    return float(c)


def labels_equal(ref: str, got: str) -> bool:
    if ref == got:
        return True
    try:  # the same integer written differently ("1" vs "1.0" is NOT accepted, "+1"/"01" are)
        return int(ref) == int(got)
    except ValueError:
        return False


def column_kinds(meta: dict) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for key, kind in (("label_columns", "label"), ("probability_columns", "probability"),
                      ("value_columns", "value")):
        for col in meta.get(key, []):
            assert col not in kinds, f"meta.json lists column {col!r} twice"
            kinds[col] = kind
    return kinds


def compare_outputs(meta: dict, ref: tuple[list[str], list[list[str]]], got: tuple[list[str], list[list[str]]],
                    what: str) -> list[str]:
    """Problems found comparing `got` with the reference `ref`; empty when they agree."""
    ref_header, ref_rows = ref
    got_header, got_rows = got
    if got_header != ref_header:
        return [f"{what}: columns {got_header} != expected {ref_header}"]
    if len(got_rows) != len(ref_rows):
        return [f"{what}: {len(got_rows)} rows, expected {len(ref_rows)}"]
    for i, row in enumerate(got_rows):
        if len(row) != len(ref_header):
            return [f"{what}: row {i + 1} has {len(row)} cells, expected {len(ref_header)}"]
    kinds = column_kinds(meta)
    problems = []
    for j, col in enumerate(ref_header):
        kind = kinds.get(col)
        if kind is None:
            problems.append(f"{what}: meta.json does not say whether column {col!r} is a label, probability or value")
            continue
        bad = []
        worst = 0.0
        for i, (r_row, g_row) in enumerate(zip(ref_rows, got_rows)):
            r, g = r_row[j], g_row[j]
            if kind == "label":
                if not labels_equal(r, g):
                    bad.append(f"row {i}: {g!r} != {r!r}")
                continue
            try:
                rv, gv = parse_number(r), parse_number(g)
            except ValueError:
                bad.append(f"row {i}: {g!r} is not a number (expected {r!r})")
                continue
            if math.isnan(rv) or math.isnan(gv):
                if not (math.isnan(rv) and math.isnan(gv)):
                    bad.append(f"row {i}: {g!r} != {r!r}")
                continue
            diff = abs(gv - rv)
            tol = PROBABILITY_ABS_TOL if kind == "probability" else VALUE_REL_TOL * max(1.0, abs(rv))
            worst = max(worst, diff if kind == "probability" else diff / max(1.0, abs(rv)))
            if not diff <= tol:
                bad.append(f"row {i}: {gv!r} vs {rv!r} (|diff| {diff:.3g} > {tol:.3g})")
        if bad:
            problems.append(f"{what}: column {col!r} ({kind}) differs in {len(bad)} of {len(ref_rows)} rows "
                            f"(worst {worst:.3g}); first: " + "; ".join(bad[:5]))
    return problems


def fixture_params():
    return [pytest.param(d, id=d.name) for d in FIXTURE_DIRS]


# --------------------------------------------------------------------------------------------
# the fixtures themselves and the reference runtimes (no Capstan binary needed)
# --------------------------------------------------------------------------------------------
def test_fixtures_exist():
    assert FIXTURE_DIRS, f"no fixtures under {mf.FIXTURES_DIR}: run tests/fidelity/make_fixtures.py"


@pytest.mark.parametrize("fixture_dir", fixture_params())
def test_fixture_is_complete(fixture_dir: Path):
    meta = mf.load_meta(fixture_dir)
    assert meta["format"] in mf.MODEL_FILES
    assert meta["model"] == mf.MODEL_FILES[meta["format"]]
    assert (fixture_dir / meta["model"]).is_file()
    assert meta["task"] in ("classification", "regression")
    in_header, in_rows = mf.read_csv(fixture_dir / "input.csv")
    assert in_rows and all(len(r) == len(in_header) for r in in_rows)
    exp_header, exp_rows = mf.read_csv(fixture_dir / "expected.csv")
    assert len(exp_rows) == len(in_rows)
    assert set(column_kinds(meta)) == set(exp_header), "meta.json must classify every expected.csv column"


@pytest.mark.parametrize("fixture_dir", fixture_params())
def test_reference_runtime_matches_committed_expected(fixture_dir: Path):
    meta = mf.load_meta(fixture_dir)
    live = mf.reference_outputs(fixture_dir)
    committed = mf.read_csv(fixture_dir / "expected.csv")
    problems = compare_outputs(meta, committed, live, f"live {meta['reference'].split()[0]} vs expected.csv")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------------------------
# capstan predict
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fixture_dir", fixture_params())
def test_capstan_predict_matches_reference(capstan: Path, fixture_dir: Path, tmp_path: Path):
    meta = mf.load_meta(fixture_dir)
    out = tmp_path / "OUT.csv"
    proc = run_predict(capstan, fixture_dir / meta["model"], fixture_dir / "input.csv", out)
    assert proc.returncode == 0, f"capstan predict failed on {fixture_dir.name}: {describe(proc)}"
    assert out.is_file(), f"capstan predict exited 0 but wrote no {out}"
    got = mf.read_csv(out)
    live = mf.reference_outputs(fixture_dir)
    committed = mf.read_csv(fixture_dir / "expected.csv")
    problems = compare_outputs(meta, live, got, f"capstan vs live {meta['reference']}")
    problems += compare_outputs(meta, committed, got, "capstan vs committed expected.csv")
    assert not problems, "\n".join(problems)


def test_predict_writes_through_to_a_pipe_and_leaves_it_a_pipe(capstan: Path, tmp_path: Path):
    """`--output` to a device or pipe (/dev/null, a FIFO) must write into it, not rename a
    new file over it, which would replace the device for every program on the machine."""
    import stat
    import threading

    fixture_dir = mf.FIXTURES_DIR / "sklearn_random_forest"
    fifo = tmp_path / "predictions.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    proc = run_predict(capstan, fixture_dir / "model.onnx", fixture_dir / "input.csv", fifo)
    reader.join(timeout=60)
    assert proc.returncode == 0, describe(proc)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced by a regular file"
    assert received and received[0].startswith(b"label,probabilities_0"), received[:1]


def _unsupported_operator_model(path: Path) -> None:
    """x [N,3] float -> Einsum('ij->i') -> y [N]: valid ONNX that Capstan does not implement."""
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Einsum", ["x"], ["y"], equation="ij->i")],
        "unsupported_op",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save_model(model, str(path))


def test_unsupported_operator_is_named(capstan: Path, tmp_path: Path):
    import numpy as np
    import onnxruntime as ort

    model = tmp_path / "model.onnx"
    _unsupported_operator_model(model)
    # the model is valid: the reference runtime runs it
    sess = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    (y,) = sess.run(None, {"x": np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32)})
    assert y.tolist() == [6.0, 15.0]
    inp = tmp_path / "input.csv"
    mf.write_csv(inp, ["f0", "f1", "f2"], [["1.0", "2.0", "3.0"], ["4.0", "5.0", "6.0"]])
    proc = run_predict(capstan, model, inp, tmp_path / "OUT.csv")
    assert proc.returncode != 0, f"capstan predict accepted a model with an unsupported operator: {describe(proc)}"
    assert "Einsum" in proc.stdout + proc.stderr, f"the error does not name the operator 'Einsum': {describe(proc)}"


MISSING_COLUMN_CASES = [
    ("sklearn_pipeline_logreg", "city"),      # ONNX, one string input per column
    ("sklearn_pipeline_logreg", "income"),    # ONNX, one double input per column
    ("xgboost_binary_json", "humidity"),      # XGBoost with feature names
    ("lightgbm_classifier", "num_c"),         # LightGBM feature_names=
]


@pytest.mark.parametrize("fixture_name,missing", MISSING_COLUMN_CASES, ids=[f"{f}-{c}" for f, c in MISSING_COLUMN_CASES])
def test_missing_column_is_named(capstan: Path, tmp_path: Path, fixture_name: str, missing: str):
    fixture_dir = mf.FIXTURES_DIR / fixture_name
    if not (fixture_dir / "meta.json").is_file():
        pytest.skip(f"fixture {fixture_name} not generated")
    meta = mf.load_meta(fixture_dir)
    header, rows = mf.read_csv(fixture_dir / "input.csv")
    assert missing in header
    keep = [j for j, name in enumerate(header) if name != missing]
    inp = tmp_path / "input.csv"
    mf.write_csv(inp, [header[j] for j in keep], [[row[j] for j in keep] for row in rows])
    proc = run_predict(capstan, fixture_dir / meta["model"], inp, tmp_path / "OUT.csv")
    assert proc.returncode != 0, f"capstan predict accepted input without column {missing!r}: {describe(proc)}"
    assert missing in proc.stdout + proc.stderr, f"the error does not name the column {missing!r}: {describe(proc)}"
