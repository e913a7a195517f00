"""Drift fidelity: ``capstan drift --format json`` against scipy, column by column.

Datasets of several sizes (below and above Evidently's 1,000-row switch) hold continuous
numbers, low-cardinality integers, binary values, text categories and missing values. The
reference for each column is Evidently's rule (``registry.py::_get_default_stattest``,
``core/datasets.py::infer_column_type``, the stattests' formulas) written out here with
scipy and numpy, which Evidently itself calls: KS via ``scipy.stats.ks_2samp``, chi-square
via ``scipy.stats.chisquare``, the Z test's normal tail via ``scipy.stats.norm``, Wasserstein
via ``scipy.stats.wasserstein_distance``, Jensen–Shannon via
``scipy.spatial.distance.jensenshannon`` over Evidently's bins. Statistics and p-values must
agree to a relative 1e-6 (p-values where they exceed 1e-300), and so must every drift flag.
"""
from __future__ import annotations

import json
import math
import subprocess

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.spatial import distance

from test_fidelity import capstan  # noqa: F401  (the binary fixture)

REL = 1e-6


def dataset(rows: int, seed: int, shift: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "amount": rng.normal(100 + shift * 10, 15, rows),
        "ratio": rng.uniform(0, 1 + shift * 0.3, rows),
        "children": rng.integers(0, 4 + int(shift), rows),             # ints, few values: categorical
        "visits": rng.integers(0, 40, rows),                            # ints, many values: numerical
        "grade": rng.choice([1.5, 2.5, 3.5, 4.5], rows, p=[0.4 - shift * 0.1, 0.3, 0.2, 0.1 + shift * 0.1]),
        "member": rng.choice([0.0, 1.0], rows, p=[0.7 - shift * 0.2, 0.3 + shift * 0.2]),
        "city": rng.choice(["Oslo", "Rio", "Lima", "Pune"], rows, p=[0.4, 0.3, 0.2 - shift * 0.1, 0.1 + shift * 0.1]),
        "plan": rng.choice(["basic", "pro"], rows, p=[0.6 + shift * 0.2, 0.4 - shift * 0.2]),
    })
    # Missing values in a float and a text column (the int columns stay ints, as pandas reads them).
    frame.loc[rng.random(rows) < 0.05, "amount"] = np.nan
    frame.loc[rng.random(rows) < 0.05, "city"] = None
    return frame


def column_type(series: pd.Series) -> str:
    """Evidently's infer_column_type for the dtypes these datasets have."""
    if series.dtype.kind == "f":
        return "numerical"
    if series.dtype.kind == "i":
        return "categorical" if series.nunique() <= 10 else "numerical"
    return "categorical"


def binned(ref: pd.Series, cur: pd.Series, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Evidently's get_binned_data without its zero rule (Jensen–Shannon's case)."""
    if kind == "numerical" and ref.nunique() > 20:
        bins = np.histogram_bin_edges(pd.concat([ref, cur]), bins="sturges")
        return np.histogram(ref, bins)[0] / len(ref), np.histogram(cur, bins)[0] / len(cur)
    keys = sorted(set(ref.unique()) | set(cur.unique()), key=str)
    ref_counts, cur_counts = ref.value_counts(), cur.value_counts()
    return (np.array([ref_counts.get(k, 0) for k in keys]) / len(ref),
            np.array([cur_counts.get(k, 0) for k in keys]) / len(cur))


def expected(ref: pd.Series, cur: pd.Series, kind: str) -> dict:
    ref = ref.replace([np.inf, -np.inf], np.nan).dropna()
    cur = cur.replace([np.inf, -np.inf], np.nan).dropna()
    distinct = pd.concat([ref, cur]).nunique()
    if len(ref) <= 1000:
        method = ("ks" if distinct > 5 else "chisquare" if distinct > 2 else "z") if kind == "numerical" \
            else ("chisquare" if distinct > 2 else "z")
    else:
        method = "wasserstein_normed" if kind == "numerical" and distinct > 5 else "jensenshannon"
    if method == "ks":
        result = stats.ks_2samp(ref, cur)
        statistic, p = result.statistic, result.pvalue
    elif method == "chisquare":
        keys = set(ref.unique()) | set(cur.unique())
        ref_counts, cur_counts = ref.value_counts(), cur.value_counts()
        k_norm = len(cur) / len(ref)
        f_exp = [ref_counts.get(k, 0) * k_norm for k in keys]
        f_obs = [cur_counts.get(k, 0) for k in keys]
        statistic, p = stats.chisquare(f_obs, f_exp)
    elif method == "z":
        keys = sorted(set(ref.unique()) | set(cur.unique()))
        p1 = (ref != keys[0]).mean()
        p2 = (cur != keys[0]).mean()
        pooled = (p1 * len(ref) + p2 * len(cur)) / (len(ref) + len(cur))
        statistic = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / len(ref) + 1 / len(cur)))
        p = 2 * stats.norm.sf(abs(statistic))
    elif method == "wasserstein_normed":
        statistic, p = stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001), None
    else:
        ref_shares, cur_shares = binned(ref, cur, kind)
        statistic, p = distance.jensenshannon(ref_shares, cur_shares), None
    threshold = 0.05 if p is not None else 0.1
    drifted = (p <= threshold if method == "ks" else p < threshold) if p is not None else statistic >= threshold
    return {"type": kind, "method": method, "statistic": float(statistic), "p_value": None if p is None else float(p),
            "threshold": threshold, "drifted": bool(drifted)}


def close(got: float, want: float) -> bool:
    if math.isinf(want):
        return got == "Infinity" or got == math.inf
    return abs(got - want) <= REL * max(abs(want), 1e-300)


@pytest.mark.parametrize("rows", [(300, 250), (900, 1200), (1500, 1100), (5000, 4000)], ids=lambda r: f"{r[0]}x{r[1]}")
@pytest.mark.parametrize("shift", [0.0, 1.0], ids=["same", "shifted"])
def test_every_column_matches_scipy(capstan, tmp_path, rows, shift):  # noqa: F811  (fixture)
    reference, current = dataset(rows[0], 1, 0.0), dataset(rows[1], 2, shift)
    reference.to_csv(tmp_path / "reference.csv", index=False)
    current.to_csv(tmp_path / "current.csv", index=False)
    proc = subprocess.run([str(capstan), "drift", "--reference", str(tmp_path / "reference.csv"),
                           "--current", str(tmp_path / "current.csv"), "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    drifted = 0
    for name in reference.columns:
        # Evidently types a column by the current data (its report's data definition).
        want = expected(reference[name], current[name], column_type(current[name]))
        got = report["columns"][name]
        assert (got["type"], got["method"]) == (want["type"], want["method"]), name
        assert close(got["statistic"], want["statistic"]), (name, got, want)
        if want["p_value"] is None:
            assert got["p_value"] is None, name
        elif want["p_value"] > 1e-300:
            assert close(got["p_value"], want["p_value"]), (name, got, want)
        assert got["threshold"] == want["threshold"] and got["drifted"] == want["drifted"], (name, got, want)
        drifted += want["drifted"]
    share = drifted / len(reference.columns)
    assert report["dataset"] == {"drifted": share >= 0.5, "share": share, "drifted_columns": drifted,
                                 "columns": len(reference.columns), "not_testable": 0, "drift_share": 0.5}
    if shift:
        assert report["dataset"]["drifted"], "the shifted current data drifts"


def test_bad_files_exit_2_naming_file_line_and_column(capstan, tmp_path):  # noqa: F811
    good = tmp_path / "good.csv"
    dataset(50, 3, 0.0).to_csv(good, index=False)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b\n1,2\n3\n")
    other = tmp_path / "other.csv"
    dataset(50, 3, 0.0).drop(columns=["plan"]).to_csv(other, index=False)
    for reference, current, message in [
        (ragged, good, f"{ragged}:3: the row has 1 field; the header has 2"),
        (good, tmp_path / "missing.csv", "cannot read the file"),
        (good, other, f"{other}:1 (column 'plan'): the reference ({good}) has this column"),
    ]:
        proc = subprocess.run([str(capstan), "drift", "--reference", str(reference), "--current", str(current)],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2 and message in proc.stderr, proc.stderr
