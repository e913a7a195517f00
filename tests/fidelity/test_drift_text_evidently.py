"""Free-text drift fidelity against Evidently itself: ``capstan drift`` and Evidently
0.7.23's ``DataDriftPreset`` on the same CSV files holding one free-text column.

Evidently tests free text with a domain classifier (TF-IDF and an SGD linear classifier on
a random half, ROC AUC on the other half): ``perc_text_content_drift`` with at most 1,000
reference texts, ``abs_text_content_drift`` beyond. Capstan must pick the same method and
reach the same verdict. The AUCs can only agree loosely: the split, the SGD order and the
random classifiers come from NumPy's streams in Evidently and from SplitMix64 in Capstan,
so each side's AUC is one draw from the split's spread; they must agree within 0.1. The
random classifiers' 95th percentile that ``perc_text_content_drift`` compares with depends
only on the test half's label counts, so Capstan's must be within 0.01 of the one Evidently's
own helper computes on Evidently's split.
"""
from __future__ import annotations

import json
import os
import subprocess
import warnings

os.environ.setdefault("DO_NOT_TRACK", "1")  # no usage telemetry from Evidently

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from evidently import Dataset, Report  # noqa: E402
from evidently.legacy.utils.data_drift_utils import roc_auc_random_classifier_percentile  # noqa: E402
from evidently.presets import DataDriftPreset  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from test_fidelity import capstan  # noqa: E402,F401  (the binary fixture)

METHODS = {
    "Percentile text content drift": "perc_text_content_drift",
    "Absolute text content drift": "abs_text_content_drift",
}

# A made-up vocabulary of 400 words, drawn with Zipf-like frequencies as words in real
# text are; the shifted current data swaps part of it for 60 words the reference never uses.
_RNG = np.random.default_rng(7)
_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "pe", "da", "fu", "gi", "ho", "ja", "be", "zo"]
WORDS = sorted({"".join(_RNG.choice(_SYLLABLES, size=_RNG.integers(2, 4))) for _ in range(2000)})[:460]
COMMON, NEW = WORDS[:400], WORDS[400:]


def reviews(rows: int, seed: int, shifted: bool) -> list[str]:
    rng = np.random.default_rng(seed)
    weights = 1 / np.arange(1, len(COMMON) + 1)
    weights /= weights.sum()
    texts = []
    for _ in range(rows):
        words = list(rng.choice(COMMON, size=rng.integers(6, 16), p=weights))
        if shifted:  # about one word in five from the new vocabulary
            words = [rng.choice(NEW) if rng.random() < 0.2 else word for word in words]
        texts.append(" ".join(words))
    return texts


def evidently_random_percentile(reference: pd.Series, current: pd.Series) -> float:
    """The percentile AUC Evidently compares with, on the split Evidently makes."""
    domain = pd.concat([pd.DataFrame({"text": reference, "target": 0}), pd.DataFrame({"text": current, "target": 1})])
    _, _, _, y_test = train_test_split(domain["text"], domain["target"], test_size=0.5, random_state=42, shuffle=True)
    return float(roc_auc_random_classifier_percentile(y_test.values))


def evidently_text_drift(reference_csv, current_csv) -> tuple[str, float, float, int]:
    """(method, threshold, AUC) of the text column, and the drifted-columns count."""
    reference, current = pd.read_csv(reference_csv), pd.read_csv(current_csv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = Report([DataDriftPreset()]).run(Dataset.from_pandas(current), Dataset.from_pandas(reference)).dict()
    found, count = None, None
    for metric in result["metrics"]:
        config = metric["config"]
        if config["type"].endswith(":ValueDrift") and config["column"] == "review":
            found = (METHODS[config["method"]], config["threshold"], metric["value"])
        elif config["type"].endswith(":DriftedColumnsCount"):
            count = int(metric["value"]["count"])
    assert found is not None and count is not None, result
    return (*found, count)


@pytest.mark.parametrize("rows", [(400, 300), (900, 700), (1500, 1200), (3000, 2500)], ids=lambda r: f"{r[0]}x{r[1]}")
@pytest.mark.parametrize("shifted", [False, True], ids=["same", "shifted"])
def test_capstan_text_drift_agrees_with_evidently(capstan, tmp_path, rows, shifted):  # noqa: F811
    reference_csv, current_csv = tmp_path / "reference.csv", tmp_path / "current.csv"
    pd.DataFrame({"review": reviews(rows[0], 1, False)}).to_csv(reference_csv, index=False)
    pd.DataFrame({"review": reviews(rows[1], 2, shifted)}).to_csv(current_csv, index=False)
    proc = subprocess.run([str(capstan), "drift", "--reference", str(reference_csv), "--current", str(current_csv),
                           "--format", "json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    ours = json.loads(proc.stdout)["columns"]["review"]
    method, threshold, auc, drifted_columns = evidently_text_drift(reference_csv, current_csv)
    print(f"{rows} shifted={shifted}: {method} capstan AUC {ours['statistic']:.4f} threshold {ours['threshold']:.4f}, "
          f"evidently AUC {auc:.4f}")
    assert ours["type"] == "text" and ours["p_value"] is None and "not_testable" not in ours
    assert ours["method"] == method
    # abs: the threshold itself; perc: the random classifiers' 95th percentile AUC, which
    # Evidently does not report (it reports the level, 0.95).
    if method == "abs_text_content_drift":
        assert ours["threshold"] == threshold == 0.55
    else:
        assert threshold == 0.95
        theirs = evidently_random_percentile(pd.read_csv(reference_csv)["review"], pd.read_csv(current_csv)["review"])
        assert abs(ours["threshold"] - theirs) <= 0.01, (ours["threshold"], theirs)
    assert ours["drifted"] == bool(drifted_columns) == shifted
    assert abs(ours["statistic"] - auc) <= 0.1, (ours["statistic"], auc)
