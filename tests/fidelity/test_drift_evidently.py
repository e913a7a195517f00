"""Drift fidelity against Evidently itself: ``capstan drift`` and Evidently 0.7.23's
``DataDriftPreset`` on the same CSV files, read back with pandas as a user would.

For every column, the test Evidently picks must be the one Capstan picks, with the same
threshold and a value (p-value or distance) equal to a relative 1e-6; the count and share
of drifted columns must be Evidently's. Evidently computes the Z test's p-value as
1 − Φ(|z|), which keeps only absolute precision (about 1e-16), so that one is compared to
an absolute 1e-12; Capstan's own is exact to the last digits (see test_drift.py).
"""
from __future__ import annotations

import json
import os
import subprocess
import warnings

os.environ.setdefault("DO_NOT_TRACK", "1")  # no usage telemetry from Evidently

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from evidently import Dataset, Report  # noqa: E402
from evidently.presets import DataDriftPreset  # noqa: E402

from test_drift import dataset  # noqa: E402
from test_fidelity import capstan  # noqa: E402,F401  (the binary fixture)

METHODS = {
    "K-S p_value": "ks",
    "chi-square p_value": "chisquare",
    "Z-test p_value": "z",
    "Wasserstein distance (normed)": "wasserstein_normed",
    "Jensen-Shannon distance": "jensenshannon",
}


def evidently_drift(reference_csv, current_csv) -> tuple[dict, dict]:
    """Per column (method, threshold, value), and the drifted-columns count and share."""
    reference, current = pd.read_csv(reference_csv), pd.read_csv(current_csv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = Report([DataDriftPreset()]).run(Dataset.from_pandas(current), Dataset.from_pandas(reference)).dict()
    columns, dataset_level = {}, {}
    for metric in result["metrics"]:
        config = metric["config"]
        if config["type"].endswith(":ValueDrift"):
            columns[config["column"]] = (METHODS[config["method"]], config["threshold"], metric["value"])
        elif config["type"].endswith(":DriftedColumnsCount"):
            dataset_level = metric["value"]
    return columns, dataset_level


@pytest.mark.parametrize("rows", [(300, 250), (900, 1200), (1500, 1100), (5000, 4000)], ids=lambda r: f"{r[0]}x{r[1]}")
@pytest.mark.parametrize("shift", [0.0, 1.0], ids=["same", "shifted"])
def test_capstan_drift_reports_what_evidently_reports(capstan, tmp_path, rows, shift):  # noqa: F811
    reference_csv, current_csv = tmp_path / "reference.csv", tmp_path / "current.csv"
    dataset(rows[0], 1, 0.0).to_csv(reference_csv, index=False)
    dataset(rows[1], 2, shift).to_csv(current_csv, index=False)
    proc = subprocess.run([str(capstan), "drift", "--reference", str(reference_csv), "--current", str(current_csv),
                           "--format", "json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    ours = json.loads(proc.stdout)
    theirs, theirs_dataset = evidently_drift(reference_csv, current_csv)
    assert set(theirs) == set(ours["columns"])
    for name, (method, threshold, value) in theirs.items():
        got = ours["columns"][name]
        assert (got["method"], got["threshold"]) == (method, threshold), (name, got, method, threshold)
        mine = got["p_value"] if got["p_value"] is not None else got["statistic"]
        tolerance = 1e-12 if method == "z" else 1e-6 * abs(value)
        assert abs(mine - value) <= tolerance, (name, mine, value)
    assert ours["dataset"]["drifted_columns"] == theirs_dataset["count"]
    assert ours["dataset"]["share"] == pytest.approx(theirs_dataset["share"], rel=1e-12)
