"""``capstan evaluate`` against scikit-learn 1.9.1, every number of its JSON report.

Generated prediction files (binary with 0/1 codes and with text labels, a positive class
that sorts first, multiclass text with a class only the model predicts, multiclass integer
codes, regression with and without zeros in the target) are scored by ``capstan evaluate
--format json`` and by ``sklearn.metrics`` on the same file as pandas reads it:
``accuracy_score``, ``precision_recall_fscore_support`` (binary with ``pos_label``, macro,
micro, weighted; ``zero_division=0``, which is what the default "warn" yields),
``confusion_matrix``, ``roc_auc_score``, ``average_precision_score``, ``log_loss``,
``mean_absolute_error``, ``root_mean_squared_error``, ``mean_absolute_percentage_error``,
``r2_score``. Each must agree to a relative 1e-9 (absolutely, within 1e-12, where
scikit-learn's value is 0). MAPE: scikit-learn divides by max(|y|, eps) with eps =
``np.finfo(np.float64).eps``, and so does Capstan, so zero targets are compared too.

Bad input (missing file or column, ragged row, missing or non-numeric cell, a score outside
[0, 1], a score with one class or more than two) must exit with code 2 and a message naming
the file, the column and the line.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics

from test_fidelity import capstan  # noqa: F401  (the binary fixture)

REL = 1e-9


def close(got, want) -> bool:
    want = float(want)
    if want == 0:
        return abs(got) <= 1e-12
    return abs(got - want) <= REL * abs(want)


def run(capstan: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(capstan), "evaluate", *args], capture_output=True, text=True, timeout=120)


def evaluate(capstan: Path, path: Path, *args: str) -> dict:
    proc = run(capstan, "--data", str(path), *args, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def label(value):
    """A label as the JSON report writes it: numbers as numbers, text as text."""
    return value.item() if isinstance(value, np.generic) else value


# --- data -------------------------------------------------------------------------------

def binary_frame(rng: np.random.Generator, rows: int, labels: tuple) -> pd.DataFrame:
    """A scorer whose probability of labels[1] is informative but noisy, rounded to two
    decimals so that many scores tie (ROC and PR curves collapse ties), with some exact 0s
    and 1s (log loss clips them)."""
    truth = rng.random(rows) < 0.35
    score = np.clip(np.where(truth, rng.normal(0.65, 0.2, rows), rng.normal(0.35, 0.2, rows)), 0, 1).round(2)
    predicted = np.where(rng.random(rows) < 0.1, ~truth, score >= 0.5)
    return pd.DataFrame({
        "y": np.where(truth, labels[1], labels[0]),
        "pred": np.where(predicted, labels[1], labels[0]),
        "p": score,
    })


def multiclass_frame(rng: np.random.Generator, rows: int, classes: list, extra: object | None) -> pd.DataFrame:
    """Mostly right, with confusions; `extra` is a class only the model ever predicts."""
    truth = rng.choice(classes, rows, p=np.linspace(1, 2, len(classes)) / np.linspace(1, 2, len(classes)).sum())
    predicted = truth.copy()
    wrong = rng.random(rows) < 0.3
    predicted[wrong] = rng.choice(classes + ([extra] if extra is not None else []), wrong.sum())
    return pd.DataFrame({"y": truth, "pred": predicted})


def regression_frame(rng: np.random.Generator, rows: int, zeros: bool) -> pd.DataFrame:
    truth = rng.normal(40, 12, rows)
    if zeros:
        truth[rng.random(rows) < 0.05] = 0.0
    return pd.DataFrame({"y": truth, "pred": truth + rng.normal(0, 4, rows)})


# --- comparisons ------------------------------------------------------------------------

def check_classification(report: dict, data: pd.DataFrame, pos_label=None, score: str | None = None) -> None:
    y, pred = data["y"].to_numpy(), data["pred"].to_numpy()
    got = report["metrics"]
    classes = np.unique(np.concatenate([y, pred]))
    assert report["task"] == "classification" and report["rows"] == len(data)
    assert got["classes"] == [label(c) for c in classes]
    assert close(got["accuracy_score"], metrics.accuracy_score(y, pred))
    for average in ("macro", "micro", "weighted"):
        p, r, f, _ = metrics.precision_recall_fscore_support(y, pred, average=average, zero_division=0.0)
        assert [close(got[average][k], v) for k, v in [("precision", p), ("recall", r), ("f1", f)]] == [True] * 3, (average, got[average], (p, r, f))
    if len(classes) == 2:
        positive = classes[1] if pos_label is None else pos_label
        assert got["pos_label"] == label(positive)
        p, r, f, _ = metrics.precision_recall_fscore_support(y, pred, average="binary", pos_label=positive, zero_division=0.0)
        assert [close(got["binary"][k], v) for k, v in [("precision", p), ("recall", r), ("f1", f)]] == [True] * 3, (got["binary"], (p, r, f))
    else:
        assert got["pos_label"] is None and got["binary"] is None
    matrix = metrics.confusion_matrix(y, pred, labels=classes)
    assert got["confusion_matrix"] == {"labels": [label(c) for c in classes], "counts": matrix.tolist()}
    if score is None:
        assert (got["roc_auc"], got["average_precision"], got["log_loss"]) == (None, None, None)
        return
    positive = classes[1] if pos_label is None else pos_label
    s = data[score].to_numpy()
    assert close(got["roc_auc"], metrics.roc_auc_score(y == positive, s))
    assert close(got["average_precision"], metrics.average_precision_score(y, s, pos_label=positive))
    assert close(got["log_loss"], metrics.log_loss(y == positive, s))


def check_regression(report: dict, data: pd.DataFrame) -> None:
    y, pred = data["y"].to_numpy(dtype=float), data["pred"].to_numpy(dtype=float)
    got = report["metrics"]
    assert report["task"] == "regression" and report["rows"] == len(data)
    want = {
        "mean_absolute_error": metrics.mean_absolute_error(y, pred),
        "root_mean_squared_error": metrics.root_mean_squared_error(y, pred),
        "mean_absolute_percentage_error": metrics.mean_absolute_percentage_error(y, pred),
        "r2_score": metrics.r2_score(y, pred),
    }
    assert set(got) == set(want)
    for name, value in want.items():
        assert close(got[name], value), (name, got[name], value)


# --- classification ---------------------------------------------------------------------

@pytest.mark.parametrize("rows", [37, 2000])
def test_binary_codes_with_scores(capstan, tmp_path, rows):  # noqa: F811  (fixture)
    path = tmp_path / "predictions.csv"
    binary_frame(np.random.default_rng(rows), rows, (0, 1)).to_csv(path, index=False)
    data = pd.read_csv(path)
    report = evaluate(capstan, path, "--target", "y", "--prediction", "pred", "--score", "p")
    check_classification(report, data, score="p")
    assert report["metrics"]["pos_label"] == 1
    # Ties and exact 0/1 scores are what the curves and the clipping must handle.
    assert data["p"].duplicated().any() and data["p"].isin([0.0, 1.0]).any()


def test_binary_text_labels_default_positive_is_the_greater(capstan, tmp_path):  # noqa: F811
    path = tmp_path / "predictions.csv"
    binary_frame(np.random.default_rng(7), 800, ("no", "yes")).to_csv(path, index=False)
    report = evaluate(capstan, path, "--target", "y", "--prediction", "pred", "--score", "p")
    check_classification(report, pd.read_csv(path), score="p")
    assert report["metrics"]["pos_label"] == "yes"


def test_binary_positive_label_that_sorts_first(capstan, tmp_path):  # noqa: F811
    # The score is the probability of "churn", which sorts before "stay".
    path = tmp_path / "predictions.csv"
    binary_frame(np.random.default_rng(8), 600, ("stay", "churn")).to_csv(path, index=False)
    report = evaluate(capstan, path, "--target", "y", "--prediction", "pred", "--score", "p", "--pos-label", "churn")
    check_classification(report, pd.read_csv(path), pos_label="churn", score="p")


def test_binary_without_score(capstan, tmp_path):  # noqa: F811
    path = tmp_path / "predictions.csv"
    binary_frame(np.random.default_rng(9), 300, (0, 1)).to_csv(path, index=False)
    report = evaluate(capstan, path, "--target", "y", "--prediction", "pred", "--pos-label", "0")
    check_classification(report, pd.read_csv(path), pos_label=0)


def test_multiclass_text_labels_with_a_class_only_predicted(capstan, tmp_path):  # noqa: F811
    path = tmp_path / "predictions.csv"
    multiclass_frame(np.random.default_rng(10), 1500, ["cat", "dog", "bird", "fish"], extra="eel").to_csv(path, index=False)
    data = pd.read_csv(path)
    report = evaluate(capstan, path, "--target", "y", "--prediction", "pred")
    check_classification(report, data)
    # "eel" is never true: its recall is 0/0, which counts as 0 in the macro mean.
    assert "eel" in report["metrics"]["classes"] and "eel" not in set(data["y"])
    assert report["task_reason"].startswith("inferred: the target holds text")


def test_multiclass_integer_codes_are_inferred_as_classification(capstan, tmp_path):  # noqa: F811
    path = tmp_path / "predictions.csv"
    multiclass_frame(np.random.default_rng(11), 900, [1, 2, 3, 4, 5], extra=None).to_csv(path, index=False)
    report = evaluate(capstan, path, "--target", "y", "--prediction", "pred")
    check_classification(report, pd.read_csv(path))
    assert report["metrics"]["classes"] == [1, 2, 3, 4, 5]


# --- regression -------------------------------------------------------------------------

@pytest.mark.parametrize("zeros", [False, True], ids=["no-zeros", "zeros"])
def test_regression(capstan, tmp_path, zeros):  # noqa: F811
    path = tmp_path / "predictions.csv"
    regression_frame(np.random.default_rng(12), 1200, zeros).to_csv(path, index=False)
    data = pd.read_csv(path)
    report = evaluate(capstan, path, "--target", "y", "--prediction", "pred")
    check_regression(report, data)
    if zeros:
        # A miss on a zero target is divided by eps: MAPE is astronomical, as in scikit-learn.
        assert (data["y"] == 0).any() and report["metrics"]["mean_absolute_percentage_error"] > 1e12


def test_whole_number_regression_targets(capstan, tmp_path):  # noqa: F811
    rng = np.random.default_rng(13)
    many = pd.DataFrame({"y": rng.integers(0, 500, 400)})
    many["pred"] = many["y"] + rng.integers(-20, 20, 400)
    few = pd.DataFrame({"y": rng.integers(0, 6, 400)})
    few["pred"] = few["y"] + rng.normal(0, 0.7, 400)
    many.to_csv(tmp_path / "many.csv", index=False)
    few.to_csv(tmp_path / "few.csv", index=False)
    # More than 20 distinct whole numbers: taken for regression.
    report = evaluate(capstan, tmp_path / "many.csv", "--target", "y", "--prediction", "pred")
    check_regression(report, pd.read_csv(tmp_path / "many.csv"))
    # A few whole numbers look like class codes; --task says otherwise.
    report = evaluate(capstan, tmp_path / "few.csv", "--target", "y", "--prediction", "pred", "--task", "regression")
    check_regression(report, pd.read_csv(tmp_path / "few.csv"))
    assert report["task_reason"] == "given by --task"


def test_text_output(capstan, tmp_path):  # noqa: F811
    path = tmp_path / "predictions.csv"
    binary_frame(np.random.default_rng(14), 200, (0, 1)).to_csv(path, index=False)
    proc = run(capstan, "--data", str(path), "--target", "y", "--prediction", "pred", "--score", "p")
    assert proc.returncode == 0, proc.stderr
    accuracy = metrics.accuracy_score(*pd.read_csv(path)[["y", "pred"]].to_numpy().T)
    assert f"accuracy: {accuracy:.6g}" in proc.stdout and "Confusion matrix" in proc.stdout


# --- bad input --------------------------------------------------------------------------

def test_bad_input_exits_2_naming_file_column_and_line(capstan, tmp_path):  # noqa: F811
    good = tmp_path / "good.csv"
    binary_frame(np.random.default_rng(15), 50, (0, 1)).to_csv(good, index=False)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("y,pred\n1,1\n0\n")
    # A blank line before the bad row: the line named is the file's, not the row's index.
    text_target = tmp_path / "text_target.csv"
    text_target.write_text("y,pred\n1.5,1.4\n\n2.5,2.0\nabc,3.0\n")
    missing_target = tmp_path / "missing_target.csv"
    missing_target.write_text('y,pred\nyes,yes\n"no",no\n,yes\n')
    one_class = tmp_path / "one_class.csv"
    one_class.write_text("y,pred,p\n1,1,0.9\n1,0,0.4\n")
    bad_score = tmp_path / "bad_score.csv"
    bad_score.write_text("y,pred,p\n1,1,0.9\n0,0,1.5\n")
    multiclass = tmp_path / "multiclass.csv"
    multiclass.write_text("y,pred,p\na,a,0.9\nb,c,0.4\nc,c,0.3\n")
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("y,pred\n1,yes\n0,no\n")
    cases = [
        ([str(tmp_path / "nope.csv"), "y", "pred"], [], f"{tmp_path / 'nope.csv'}: cannot read the file"),
        ([str(good), "label", "pred"], [], f"{good}:1 (column 'label'): --target names a column the file does not have"),
        ([str(good), "y", "pred"], ["--score", "prob"], f"{good}:1 (column 'prob'): --score names a column"),
        ([str(ragged), "y", "pred"], [], f"{ragged}:3: the row has 1 field; the header has 2"),
        ([str(text_target), "y", "pred"], ["--task", "regression"], f"{text_target}:5 (column 'y'): regression needs numbers"),
        ([str(missing_target), "y", "pred"], [], f"{missing_target}:4 (column 'y'): the target is missing"),
        ([str(one_class), "y", "pred"], ["--score", "p"], f"{one_class} (column 'y'): --score needs both classes in the target"),
        ([str(bad_score), "y", "pred"], ["--score", "p"], f"{bad_score}:3 (column 'p'): --score must be the probability"),
        ([str(multiclass), "y", "pred"], ["--score", "p"], f"{multiclass} (column 'p'): --score is the probability of the positive class of a binary task, but there are 3 classes"),
        ([str(good), "y", "pred"], ["--pos-label", "7"], f"{good} (column 'y'): --pos-label '7' is not one of the classes (0, 1)"),
        ([str(mixed), "y", "pred"], [], f"{mixed} (column 'pred'): the target holds numbers but the prediction holds text"),
    ]
    for (data, target, prediction), extra, message in cases:
        proc = run(capstan, "--data", data, "--target", target, "--prediction", prediction, *extra)
        assert proc.returncode == 2 and message in proc.stderr, (message, proc.returncode, proc.stderr)
