"""Every drift statistic of ``capstan drift`` against scipy, one method at a time.

``test_drift.py`` checks the tests Evidently's preset picks by itself; here each method is
forced with ``--num-method`` / ``--cat-method`` on every column, so each statistic meets data
its preset would never give it: 20 and 30 rows (KS's exact p-value), 12,000 and 11,000 rows
(KS's asymptotic one, past scipy's ``MAX_AUTO_N`` of 10,000), ties, categories that only the
current data has, and shifts so strong that p-values fall to ~1e-230 and below.

The reference values are computed here from scipy and numpy, not from Evidently (which
``test_drift_evidently.py`` runs itself), following the formulas in
``/work/shared/reference/monitoring-hpo.md`` §1.2 and Evidently 0.7.23's stattests, which
the Swift sources cite:

- ks: ``scipy.stats.ks_2samp(ref, cur, method="auto")``;
- chisquare: ``scipy.stats.chisquare(f_obs, f_exp)`` with f_exp = reference count × n_cur / n_ref
  over the union of both sides' values (a value only the current data has: f_exp = 0, so the
  statistic is inf and p = 0; ``Sources/CapstanStats/ChiSquare.swift``);
- z: pooled two-proportion z of "not the smallest value", p = 2·``scipy.stats.norm.sf(|z|)``;
- wasserstein_normed: ``scipy.stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)``;
- jensenshannon, psi: ``scipy.spatial.distance.jensenshannon`` and Σ (r − c)·ln(r / c) over
  Evidently's bins (``binned`` below), PSI with its zero fill;
- hellinger: Evidently's two formulas (``hellinger`` below), in numpy.

Statistics and p-values agree to a relative 1e-6 (p-values where scipy's exceeds 1e-300;
below that both must be under 1e-290), and so do thresholds and drift flags.
"""
from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.spatial import distance

from test_fidelity import capstan  # noqa: F401  (the binary fixture)

REL = 1e-6
TINY = 1e-300

# Each numerical method with a categorical one, so every method runs on both kinds it
# accepts (KS and Wasserstein need an order and a scale: numerical columns only).
METHOD_PAIRS = [
    ("ks", "chisquare"), ("chisquare", "z"), ("z", "jensenshannon"), ("wasserstein_normed", "psi"),
    ("jensenshannon", "hellinger"), ("psi", "chisquare"), ("hellinger", "z"),
]
P_VALUE_METHODS = {"ks", "chisquare", "z"}


def frame(rng: np.random.Generator, rows: int, shift: float, *, unseen: bool, strong: bool = False) -> pd.DataFrame:
    """One side: a continuous float with a few NaNs, a float with ties (8 whole values), an
    int with 4 values (categorical, as Evidently types ints with at most 10 values), a binary
    and two text categories (``city`` gains a category in the current data when ``unseen``)."""
    cities = ["Oslo", "Rio", "Pune"] + (["Lima"] if unseen else [])
    city_p = np.array([0.5, 0.3, 0.2] + ([0.25] if unseen else []))
    tier_p = [0.3, 0.3, 0.4] if strong and shift else [0.6, 0.3, 0.1] if strong else [0.5 - 0.1 * shift, 0.3, 0.2 + 0.1 * shift]
    yes = (0.9 if shift else 0.1) if strong else 0.4 + 0.1 * shift
    data = pd.DataFrame({
        "x": rng.normal(shift * (2.2 if strong else 0.4), 1, rows),
        "ties": rng.integers(0, 8, rows).astype(float) + (shift > 0) * rng.integers(0, 2, rows),
        "level": rng.integers(0, 4, rows),
        "flag": rng.choice(["no", "yes"], rows, p=[1 - yes, yes]),
        "city": rng.choice(cities, rows, p=city_p / city_p.sum()),
        "tier": rng.choice(["a", "b", "c"], rows, p=tier_p),
    })
    data.loc[rng.random(rows) < 0.05, "x"] = np.nan
    return data


# name: (reference rows, current rows, shift, strong)
DATASETS = {
    "20x30-exact": (20, 30, 1.0, False),
    "20x30-exact-strong": (20, 30, 1.0, True),
    "400x350": (400, 350, 1.0, False),
    "300x280-same": (300, 280, 0.0, False),
    "1000x1000-extreme": (1000, 1000, 1.0, True),
    "12000x11000-asymptotic": (12000, 11000, 0.25, False),
    # A monitor's shape: a current sample over ten times the reference, which KS and the
    # Wasserstein distance take without sorting it (exact and asymptotic KS regimes).
    "500x6000-window": (500, 6000, 0.1, False),
    "800x20000-window": (800, 20000, 0.05, False),
}


def write_pair(tmp_path: Path, name: str) -> tuple[Path, Path]:
    n_ref, n_cur, shift, strong = DATASETS[name]
    rng = np.random.default_rng(sum(map(ord, name)))
    ref_path, cur_path = tmp_path / "reference.csv", tmp_path / "current.csv"
    frame(rng, n_ref, 0.0, unseen=False, strong=strong).to_csv(ref_path, index=False)
    frame(rng, n_cur, shift, unseen=True, strong=strong).to_csv(cur_path, index=False)
    return ref_path, cur_path


def kind_of(current: pd.Series) -> str:
    """Evidently's ``infer_column_type`` for these dtypes: floats numerical, ints with at most
    10 values and text categorical (the current data decides, as in ``test_drift.py``)."""
    if current.dtype.kind == "f":
        return "numerical"
    if current.dtype.kind == "i" and current.nunique() > 10:
        return "numerical"
    return "categorical"


def shares_per_value(ref: pd.Series, cur: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    keys = sorted(set(ref.unique()) | set(cur.unique()), key=str)
    ref_counts, cur_counts = ref.value_counts(), cur.value_counts()
    return (np.array([ref_counts.get(k, 0) for k in keys], dtype=float) / len(ref),
            np.array([cur_counts.get(k, 0) for k in keys], dtype=float) / len(cur))


def binned(ref: pd.Series, cur: pd.Series, kind: str, fill_zeroes: bool) -> tuple[np.ndarray, np.ndarray]:
    """Evidently's ``get_binned_data`` (``stattests/utils.py``; ``DriftBinning.swift``): a
    numerical column whose reference has more than 20 values gets numpy's Sturges edges over
    both sides together, any other column one bin per value of the union; shares are counts
    over each side's length. With ``fill_zeroes`` (PSI), each side's empty bins get m/1e6 if
    its smallest non-zero share m is at most 1e-4, else 1e-4."""
    if kind == "numerical" and ref.nunique() > 20:
        edges = np.histogram_bin_edges(pd.concat([ref, cur]), bins="sturges")
        ref_shares = np.histogram(ref, edges)[0] / len(ref)
        cur_shares = np.histogram(cur, edges)[0] / len(cur)
    else:
        ref_shares, cur_shares = shares_per_value(ref, cur)
    if fill_zeroes:
        def fill(shares: np.ndarray) -> np.ndarray:
            smallest = shares[shares != 0].min()
            return np.where(shares == 0, smallest / 1e6 if smallest <= 1e-4 else 1e-4, shares)
        ref_shares, cur_shares = fill(ref_shares), fill(cur_shares)
    return ref_shares, cur_shares


def hellinger(ref: pd.Series, cur: pd.Series, kind: str) -> float:
    """Evidently's ``hellinger_distance.py``: categorical, √(1 − Σ √(p·q)) over the union's
    shares; numerical, always histogrammed, with Sturges edges over the union's *distinct
    values* and densities multiplied back by the mean bin width (``Hellinger.swift``)."""
    if kind == "categorical":
        p, q = shares_per_value(ref, cur)
        coefficient = float(np.sum(np.sqrt(p * q)))
    else:
        keys = np.array(sorted(set(ref.unique()) | set(cur.unique())))
        edges = np.histogram_bin_edges(keys, bins="sturges")
        h1 = np.histogram(ref.to_numpy(), bins=edges, density=True)[0]
        h2 = np.histogram(cur.to_numpy(), bins=edges, density=True)[0]
        width = (edges.max() - edges.min()) / (len(edges) - 1)
        coefficient = float(np.sum(np.sqrt(h1 * h2) * width))
    return math.sqrt(1 - min(max(coefficient, 0.0), 1.0))


def expected(method: str, kind: str, ref: pd.Series, cur: pd.Series) -> tuple[float, float | None]:
    """(statistic, p-value or None for distances) from scipy/numpy."""
    if method == "ks":
        result = stats.ks_2samp(ref, cur, method="auto")
        return float(result.statistic), float(result.pvalue)
    if method == "chisquare":
        keys = set(ref.unique()) | set(cur.unique())
        ref_counts, cur_counts = ref.value_counts(), cur.value_counts()
        k_norm = len(cur) / len(ref)
        f_exp = np.array([ref_counts.get(k, 0) * k_norm for k in keys])
        f_obs = np.array([cur_counts.get(k, 0) for k in keys])
        with np.errstate(divide="ignore", invalid="ignore"):
            result = stats.chisquare(f_obs, f_exp)
        return float(result.statistic), float(result.pvalue)
    if method == "z":
        keys = sorted(set(ref.unique()) | set(cur.unique()))
        if len(keys) == 1:
            return 0.0, 1.0
        p1, p2 = float((ref != keys[0]).mean()), float((cur != keys[0]).mean())
        n1, n2 = len(ref), len(cur)
        pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
        z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        return z, float(2 * stats.norm.sf(abs(z)))
    if method == "wasserstein_normed":
        return float(stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)), None
    if method == "jensenshannon":
        return float(distance.jensenshannon(*binned(ref, cur, kind, fill_zeroes=False))), None
    if method == "psi":
        r, c = binned(ref, cur, kind, fill_zeroes=True)
        return float(np.sum((r - c) * np.log(r / c))), None
    if method == "hellinger":
        return hellinger(ref, cur, kind), None
    raise AssertionError(method)


def is_drift(method: str, value: float, threshold: float) -> bool:
    """Evidently's comparisons: KS p ≤ t, chi-square and Z p < t, distances ≥ t."""
    if method == "ks":
        return value <= threshold
    if method in P_VALUE_METHODS:
        return value < threshold
    return value >= threshold


def close(got, want: float) -> bool:
    if math.isinf(want):
        return got == ("Infinity" if want > 0 else "-Infinity")
    return abs(got - want) <= REL * abs(want)


def run_drift(capstan: Path, ref: Path, cur: Path, num_method: str, cat_method: str) -> dict:
    proc = subprocess.run([str(capstan), "drift", "--reference", str(ref), "--current", str(cur),
                           "--num-method", num_method, "--cat-method", cat_method, "--format", "json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("pair", METHOD_PAIRS, ids=lambda p: f"{p[0]}+{p[1]}")
@pytest.mark.parametrize("dataset", list(DATASETS))
def test_each_method_matches_scipy(capstan, tmp_path, dataset, pair):  # noqa: F811  (fixture)
    ref_path, cur_path = write_pair(tmp_path, dataset)
    # Read back as pandas reads it: those are the values Capstan computes on.
    reference, current = pd.read_csv(ref_path), pd.read_csv(cur_path)
    report = run_drift(capstan, ref_path, cur_path, *pair)
    for name in reference.columns:
        kind = kind_of(current[name])
        method = pair[0] if kind == "numerical" else pair[1]
        got = report["columns"][name]
        assert (got["type"], got["method"]) == (kind, method), (name, got)
        statistic, p = expected(method, kind, reference[name].dropna(), current[name].dropna())
        assert close(got["statistic"], statistic), (name, got, statistic)
        if p is None:
            assert got["p_value"] is None, (name, got)
        elif p > TINY:
            assert close(got["p_value"], p), (name, got, p)
        else:
            assert got["p_value"] <= 1e-290, (name, got, p)
        threshold = 0.05 if method in P_VALUE_METHODS else 0.1
        assert got["threshold"] == threshold, (name, got)
        assert got["drifted"] == is_drift(method, p if p is not None else statistic, threshold), (name, got, statistic, p)


def test_the_datasets_reach_the_cases_they_are_meant_for(tmp_path):
    """Guards the generator: if a seed or a share changes, the cases above must still include
    KS's exact and asymptotic regimes, an unseen category (infinite chi-square) and p-values
    far below 1e-100 that are still compared (above 1e-300)."""
    assert max(DATASETS["20x30-exact-strong"][:2]) <= 10000 < min(DATASETS["12000x11000-asymptotic"][:2])
    ref_path, cur_path = write_pair(tmp_path, "20x30-exact-strong")
    exact = stats.ks_2samp(pd.read_csv(ref_path)["x"].dropna(), pd.read_csv(cur_path)["x"].dropna(), method="auto")
    assert 0 < exact.pvalue < 1e-4, exact
    assert "Lima" in set(pd.read_csv(cur_path)["city"]) - set(pd.read_csv(ref_path)["city"])
    ref_path, cur_path = write_pair(tmp_path, "1000x1000-extreme")
    reference, current = pd.read_csv(ref_path), pd.read_csv(cur_path)
    tiny = [expected(m, "categorical", reference[c], current[c])[1] for m, c in [("z", "flag"), ("chisquare", "tier")]]
    tiny.append(expected("ks", "numerical", reference["x"].dropna(), current["x"].dropna())[1])
    assert all(TINY < p < 1e-60 for p in tiny), tiny
    assert min(tiny) < 1e-200, tiny
