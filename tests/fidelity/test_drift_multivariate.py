"""Multivariate drift fidelity: ``capstan drift --multivariate`` against scikit-learn.

Capstan's domain classifier (NannyML's multivariate drift check: a classifier trained to
tell reference rows from current rows, scored by cross-validated ROC AUC) is its own
pure-Swift histogram gradient boosting. The reference here is the same recipe written with
scikit-learn: ``HistGradientBoostingClassifier`` with Capstan's settings (100 rounds,
learning rate 0.1, depth-3 trees, 64 bins, 20 rows a leaf, no early stopping; missing
numbers and categories handled natively rather than by Capstan's median imputation plus
indicator and one-hot encoding), ``StratifiedKFold(5)``, and ``roc_auc_score`` once over
all out-of-fold scores, as NannyML computes it. Column importance on that side is the
permutation importance (drop in AUC) on each held-out fold, summed over folds; HGB has no
gain importance.

The two learners see the same rows but split them into other folds and trees, so their
AUCs differ by noise: they must agree within ``AUC_TOL`` (0.03; the AUC's own sampling
error at 3,000 rows a side is about 0.007, and the two models' fit differs a little more),
and the most telling column must be the same (the top two, as a set, for the correlation
flip, where x and y are equally telling). A second reference, LightGBM with NannyML's
exact defaults (31 leaves, ordinal categories, unshuffled StratifiedKFold), must agree
within ``NANNYML_TOL`` (0.05; deeper trees over fewer rows overfit a little more).
"""
from __future__ import annotations

import json
import subprocess

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.inspection import permutation_importance
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from test_fidelity import capstan  # noqa: F401  (the binary fixture)

AUC_TOL = 0.03
NANNYML_TOL = 0.05
CATEGORICAL = ["city", "plan"]


def dataset(rows: int, seed: int, kind: str, current: bool) -> pd.DataFrame:
    """Six ordinary columns plus a correlated pair; `kind` says what changes in the current data."""
    rng = np.random.default_rng(seed)
    shift = current and kind == "marginal"
    rho = -0.7 if current and kind == "correlation" else 0.7
    city_p = [0.1, 0.2, 0.3, 0.4] if current and kind == "categorical" else [0.4, 0.3, 0.2, 0.1]
    x = rng.normal(0, 1, rows)
    frame = pd.DataFrame({
        "amount": rng.normal(100 + (7.5 if shift else 0), 15, rows),
        "ratio": rng.uniform(0, 1, rows),
        "visits": rng.integers(0, 40, rows),
        "score": rng.normal(0, 1, rows),
        "x": x,
        "y": rho * x + np.sqrt(1 - rho * rho) * rng.normal(0, 1, rows),
        "city": rng.choice(["Oslo", "Rio", "Lima", "Pune"], rows, p=city_p),
        "plan": rng.choice(["basic", "pro"], rows, p=[0.6, 0.4]),
    })
    frame.loc[rng.random(rows) < 0.05, "amount"] = np.nan
    frame.loc[rng.random(rows) < (0.3 if current and kind == "missing" else 0.05), "score"] = np.nan
    frame.loc[rng.random(rows) < 0.05, "city"] = None
    return frame


def read(path) -> pd.DataFrame:
    frame = pd.read_csv(path)
    for name in CATEGORICAL:
        frame[name] = frame[name].astype("category")
    return frame


def sklearn_reference(reference: pd.DataFrame, current: pd.DataFrame) -> tuple[float, pd.Series]:
    X = pd.concat([reference, current], ignore_index=True)
    for name in CATEGORICAL:  # one category set for both sides
        X[name] = X[name].astype(str).replace("nan", np.nan).astype("category")
    y = np.r_[np.zeros(len(reference)), np.ones(len(current))]
    scores = np.zeros(len(X))
    importance = pd.Series(0.0, index=X.columns)
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(X, y):
        with threadpool_limits(1):  # OpenMP threads fight over a 2-core machine: 4x slower
            model = HistGradientBoostingClassifier(
                max_iter=100, learning_rate=0.1, max_depth=3, max_leaf_nodes=8, min_samples_leaf=20, max_bins=64,
                l2_regularization=0.0, early_stopping=False, categorical_features="from_dtype", random_state=0)
            model.fit(X.iloc[train], y[train])
            scores[test] = model.predict_proba(X.iloc[test])[:, 1]
            drop = permutation_importance(model, X.iloc[test], y[test], scoring="roc_auc", n_repeats=3, random_state=0)
            importance += drop.importances_mean
    return roc_auc_score(y, scores), importance.sort_values(ascending=False)


def nannyml_reference(reference: pd.DataFrame, current: pd.DataFrame) -> float:
    """NannyML's `_calculate_chunk`: LightGBM defaults, ordinal categories, unshuffled folds."""
    from lightgbm import LGBMClassifier
    X = pd.concat([reference, current], ignore_index=True)
    for name in CATEGORICAL:
        X[name] = X[name].astype(str).replace("nan", np.nan).astype("category").cat.codes.astype(float)
        X.loc[X[name] < 0, name] = np.nan
    y = np.r_[np.zeros(len(reference)), np.ones(len(current))]
    scores, targets = [], []
    for train, test in StratifiedKFold(5).split(X, y):
        model = LGBMClassifier(n_estimators=100, learning_rate=0.1, num_leaves=31, min_child_samples=20,
                               random_state=13, deterministic=True, n_jobs=1, verbosity=-1)
        model.fit(X.iloc[train], y[train], categorical_feature=CATEGORICAL)
        scores.append(model.predict_proba(X.iloc[test])[:, 1])
        targets.append(y[test])
    return roc_auc_score(np.concatenate(targets), np.concatenate(scores))


def run(capstan, reference, current, *extra, fmt="json"):  # noqa: F811
    proc = subprocess.run([str(capstan), "drift", "--reference", str(reference), "--current", str(current),
                           "--multivariate", "--format", fmt, *extra], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout) if fmt == "json" else proc.stdout


CASES = {
    # kind: (reference rows, current rows, the columns that must top both rankings)
    "none": (3000, 3000, None),
    "marginal": (3000, 3000, {"amount"}),
    "correlation": (3000, 3000, {"x", "y"}),
    "categorical": (3000, 3000, {"city"}),
    "missing": (3000, 3000, {"score"}),
    # Unequal and above 10,000: Capstan samples 10,000 a side, the references use every row.
    "marginal-large": (14000, 11000, {"amount"}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_auc_and_top_column_match_scikit_learn(capstan, tmp_path, case):  # noqa: F811
    reference_rows, current_rows, top = CASES[case]
    kind = case.split("-")[0]
    dataset(reference_rows, 1, kind, False).to_csv(tmp_path / "reference.csv", index=False)
    dataset(current_rows, 2, kind, True).to_csv(tmp_path / "current.csv", index=False)
    full = run(capstan, tmp_path / "reference.csv", tmp_path / "current.csv")
    report = full["multivariate"]
    if kind == "correlation":  # the point of a multivariate check: no column drifts on its own
        assert not full["columns"]["x"]["drifted"] and not full["columns"]["y"]["drifted"]
    reference, current = read(tmp_path / "reference.csv"), read(tmp_path / "current.csv")
    want, importance = sklearn_reference(reference, current)
    nannyml = nannyml_reference(reference, current)
    got = report["roc_auc"]
    print(f"{case}: capstan {got:.4f}  sklearn HGB {want:.4f}  NannyML-LightGBM {nannyml:.4f}  "
          f"capstan top {[f['column'] for f in report['top_features'][:3]]}  sklearn top {list(importance.index[:3])}")
    per_side = min(10_000, reference_rows, current_rows)
    assert report["method"] == "domain_classifier" and report["folds"] == 5
    assert report["rows"] == {"reference": per_side, "current": per_side}
    assert report["thresholds"] == {"lower": 0.45, "upper": 0.65}
    assert report["alert"] == (got > 0.65 or got < 0.45)
    assert abs(got - want) <= AUC_TOL, (got, want)
    assert abs(got - nannyml) <= NANNYML_TOL, (got, nannyml)
    assert 0.99 < sum(f["importance"] for f in report["top_features"]) <= 1 + 1e-9  # all 8 columns fit in the top 10
    if top is None:
        assert abs(got - 0.5) < 0.03 and not report["alert"]
    else:
        assert got > 0.6
        assert {f["column"] for f in report["top_features"][:len(top)]} == top
        assert set(importance.index[:len(top)]) == top


def test_left_out_columns_text_and_html(capstan, tmp_path):  # noqa: F811
    reference, current = dataset(800, 3, "marginal", False), dataset(800, 4, "marginal", True)
    reference["id"] = [f"r{i}" for i in range(800)]
    current["id"] = [f"c{i}" for i in range(800)]
    reference.to_csv(tmp_path / "reference.csv", index=False)
    current.to_csv(tmp_path / "current.csv", index=False)
    files = (tmp_path / "reference.csv", tmp_path / "current.csv")
    report = run(capstan, *files, "--target", "plan")
    assert set(report["multivariate"]["not_used"]) == {"id", "plan"}
    assert "free text" in report["multivariate"]["not_used"]["id"]
    assert {f["column"] for f in report["multivariate"]["top_features"]} <= set(reference.columns) - {"id", "plan"}
    assert report["columns"]["plan"]["role"] == "target"  # the per-column report is unchanged
    text = run(capstan, *files, "--target", "plan", fmt="text")
    assert "Multivariate drift (domain classifier): ROC AUC" in text and "Not used by the classifier: id" in text
    html = run(capstan, *files, fmt="html")
    assert "<h2>Multivariate drift</h2>" in html and "<th>importance (share of split gain)</th>" in html
    plain = subprocess.run([str(capstan), "drift", "--reference", str(files[0]), "--current", str(files[1]), "--format", "json"],
                           capture_output=True, text=True, timeout=120)
    assert "multivariate" not in json.loads(plain.stdout), "only with --multivariate"
