"""Data-quality fidelity: ``capstan profile`` and ``capstan validate`` against pandas.

Datasets generated with numpy hold unique ids, whole numbers with and without missing
cells, continuous numbers with infinities, categories with missing cells, booleans, e-mail
addresses (some malformed) and non-ASCII text. They are written with ``to_csv`` and read
back with ``read_csv``, so pandas sees exactly the values capstan reads.

* ``capstan profile`` must derive every bound from pandas' own numbers by the rules in
  ``DataProfiler.swift`` (written out here): row count and ``nunique`` within ±10 %, the
  Wald upper bound on ``isna().mean()``, ``min``/``max`` widened by 10 % of their span (rounded outwards),
  ``unique()`` as the allowed set, ``str.len()`` extremes, ``duplicated().mean()``.
* ``capstan validate --format json`` must report, for every expectation, the observed value,
  the unexpected count and the verdict pandas gives: ``isna``, ``between``, ``isin``,
  ``str.fullmatch``, ``duplicated(keep=False)``, ``nunique``, ``str.len``,
  ``DataFrame.duplicated``; and exit 0 when all pass, 1 when one fails, naming each failure.

The binary is ``$CAPSTAN_BIN`` (default ``<repo>/.build/debug/capstan``); without it the
tests are skipped.
"""
from __future__ import annotations

import json
import math
import subprocess

import numpy as np
import pandas as pd
import pytest
import yaml

from test_fidelity import capstan  # noqa: F401  (the binary fixture)

TOLERANCE = 0.1
MAX_CATEGORIES = 20
BOOLEAN_WORDS = {"True", "true", "TRUE", "False", "false", "FALSE"}
PER_VALUE = {"range", "in_set", "regex", "length", "unique"}


def dataset(rows: int, seed: int, broken: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "user_id": [f"u{seed}{i:06d}" for i in rng.permutation(rows)],
        "age": rng.integers(18, 90, rows).astype(float),
        "visits": rng.integers(0, 40, rows),
        "amount": rng.normal(100, 25, rows).round(4),
        "plan": rng.choice(["free", "pro", "team"], rows, p=[0.5, 0.3, 0.2]).astype(object),
        "member": rng.choice([True, False], rows),
        "email": [f"{name}{i}@{domain}" for i, (name, domain) in
                  enumerate(zip(rng.choice(["ana", "bo", "chen"], rows), rng.choice(["ex.com", "mail.org"], rows)))],
        "city": rng.choice(["Oslo", "Zürich", "São Paulo", "Łódź", "Rio"], rows).astype(object),
    })
    frame.loc[rng.random(rows) < 0.04, "age"] = np.nan
    frame.loc[rng.random(rows) < 0.03, "plan"] = None
    frame.loc[rng.integers(0, rows, 2), "amount"] = np.inf
    if broken:
        frame.loc[rng.integers(0, rows, 5), "email"] = ["bad", "no-at.example.com", "x@y", "Ana@ex.com", "  @ex.com"]
        frame.loc[rng.integers(0, rows, 3), "plan"] = "enterprise"
        frame.loc[rng.integers(0, rows, 4), "age"] = [-3, 130, 17.5, 250]
        frame.loc[rng.random(rows) < 0.2, "city"] = None
        frame.loc[5, "user_id"] = frame.loc[6, "user_id"]
        frame = pd.concat([frame, frame.iloc[:7]], ignore_index=True)  # duplicate rows
        frame = frame.drop(columns=["visits"]).assign(extra=1)
    return frame


def write(frame: pd.DataFrame, path) -> pd.DataFrame:
    """Writes the CSV and returns it as pandas reads it back: what capstan reads too."""
    frame.to_csv(path, index=False)
    return pd.read_csv(path)


def run(capstan, *args) -> subprocess.CompletedProcess:  # noqa: F811
    return subprocess.run([str(capstan), *map(str, args)], capture_output=True, text=True, timeout=120)


# ------------------------------------------------------------------------------------------
# pandas' view of a column
# ------------------------------------------------------------------------------------------
def present(series: pd.Series) -> pd.Series:
    return series.dropna()


def is_numeric(series: pd.Series) -> bool:
    return series.dtype.kind in "iuf"


def observed_type(series: pd.Series) -> str | None:
    values = present(series)
    if values.empty:
        return None
    if is_numeric(series):
        finite = np.isfinite(values.astype(float))
        return "int" if finite.all() and (values == np.floor(values)).all() else "float"
    if all(str(v) in BOOLEAN_WORDS for v in values):
        return "bool"
    return "string"


def as_text(series: pd.Series) -> pd.Series:
    """Text cells as written in the file (pandas turns True/False into bools)."""
    return present(series).map(str)


def widened(count: int) -> dict:
    return {"min": math.floor(count * (1 - TOLERANCE) + 1e-9), "max": math.ceil(count * (1 + TOLERANCE) - 1e-9)}


def json_number(value: float):
    return int(value) if math.isfinite(value) and value == math.floor(value) and abs(value) < 9e15 else float(value)


# ------------------------------------------------------------------------------------------
# capstan profile
# ------------------------------------------------------------------------------------------
def expected_profile(frame: pd.DataFrame) -> dict:
    """DataProfiler's rules on pandas' numbers."""
    rows = len(frame)
    columns = {}
    for name in frame.columns:
        series = frame[name]
        values = present(series)
        kind = observed_type(series)
        entry = {}
        if kind is not None:
            entry["type"] = kind
        nulls = series.isna().mean()
        if nulls == 0:
            entry["nullable"] = False
        else:
            upper = nulls + 1.96 * math.sqrt(nulls * (1 - nulls) / rows)
            entry["max_null_share"] = min(1.0, math.ceil(upper * 100 - 1e-9) / 100)
        distinct = series.nunique()
        if is_numeric(series) and not values.empty:
            finite = values[np.isfinite(values.astype(float))]
            low, high = float(finite.min()), float(finite.max())
            margin = (high - low) * TOLERANCE
            lower, upper = low - margin, high + margin
            # Rounded outwards to three significant digits of the span, whole for ints.
            step = 10.0 ** (math.floor(math.log10(high - low)) - 2) if high > low else 1.0
            if kind == "int":
                step = max(step, 1.0)
            lower, upper = math.floor(lower / step) * step, math.ceil(upper / step) * step
            if step < 1:
                digits = 10.0 ** round(-math.log10(step))
                lower, upper = round(lower * digits) / digits, round(upper * digits) / digits
            if low >= 0:
                lower = max(lower, 0)
            entry["range"] = [json_number(lower) if values.min() != -np.inf else None,
                              json_number(upper) if values.max() != np.inf else None]
        allowed = 0 < distinct <= MAX_CATEGORIES and distinct * 10 <= len(values)
        if allowed:
            entry["in_set"] = [json_number(v) for v in pd.unique(values)] if is_numeric(series) \
                else list(pd.unique(as_text(series)))
            if kind == "string":
                entry["type"] = "category"
        if len(values) >= 2 and distinct == len(values) and kind != "float":
            entry["unique"] = True
        if not is_numeric(series) and not allowed and not values.empty:
            lengths = as_text(series).str.len()
            entry["length"] = [int(lengths.min()), int(lengths.max())]
        if distinct > 0:
            entry["cardinality"] = widened(distinct)
        columns[name] = entry
    return {
        "table": {"row_count": widened(rows), "columns_exact": True,
                  "duplicate_rows": {"max_share": float(frame.duplicated().mean())}},
        "columns": columns,
    }


def same(got, want) -> bool:
    """Equal, numbers to a relative 1e-12 (they come through decimal text)."""
    if isinstance(want, dict):
        return isinstance(got, dict) and got.keys() == want.keys() and all(same(got[k], want[k]) for k in want)
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(same(g, w) for g, w in zip(got, want))
    if isinstance(want, float) and not isinstance(want, bool):
        if got in ("Infinity", "-Infinity"):
            return math.isinf(want) and (got == "Infinity") == (want > 0)
        return isinstance(got, (int, float)) and not isinstance(got, bool) and math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-15)
    return got == want and type(got) is type(want) or (isinstance(want, int) and isinstance(got, float) and got == want)


@pytest.mark.parametrize("rows", [60, 800, 5000])
def test_profile_derives_every_bound_from_pandas(capstan, tmp_path, rows):  # noqa: F811
    frame = write(dataset(rows, 1), tmp_path / "reference.csv")
    proc = run(capstan, "profile", tmp_path / "reference.csv", "--output", tmp_path / "spec.yaml")
    assert proc.returncode == 0, proc.stderr
    spec = yaml.safe_load((tmp_path / "spec.yaml").read_text())
    want = expected_profile(frame)
    assert spec["table"] == want["table"] or same(spec["table"], want["table"]), (spec["table"], want["table"])
    assert list(spec["columns"]) == list(frame.columns)
    for name, entry in want["columns"].items():
        assert same(spec["columns"][name], entry), (name, spec["columns"][name], entry)


def test_profile_prints_yaml_to_stdout_that_validates_its_own_data(capstan, tmp_path):  # noqa: F811
    write(dataset(1000, 3), tmp_path / "reference.csv")
    proc = run(capstan, "profile", tmp_path / "reference.csv")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# Data-quality spec derived by `capstan profile`")
    (tmp_path / "spec.yaml").write_text(proc.stdout)
    checked = run(capstan, "validate", "--spec", tmp_path / "spec.yaml", "--data", tmp_path / "reference.csv")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "expectations passed." in checked.stdout


# ------------------------------------------------------------------------------------------
# capstan validate
# ------------------------------------------------------------------------------------------
HAND_SPEC = {
    "schema": "fidelity@1",
    "table": {"row_count": {"min": 900, "max": 1100}, "columns_exact": True, "duplicate_rows": {"max_share": 0.001}},
    "columns": {
        "user_id": {"type": "string", "nullable": False, "unique": True, "regex": r"u\d{7}", "length": [8, 8]},
        "age": {"type": "int", "max_null_share": 0.05, "range": [18, 89], "mostly": 0.999},
        "visits": {"type": "int", "range": [0, None], "in_set": list(range(0, 40)), "cardinality": {"min": 35, "max": 40}},
        "amount": {"type": "float", "range": [0, 200], "mostly": 0.99},
        "plan": {"type": "category", "max_null_share": 0.05, "in_set": ["free", "pro", "team"], "cardinality": {"max": 3}},
        "member": {"type": "bool", "nullable": False, "in_set": [True, False]},
        "email": {"type": "string", "regex": r"[a-z]+[0-9]+@(ex\.com|mail\.org)", "mostly": 0.999, "length": {"min": 8}},
        "city": {"type": "string", "max_null_share": 0.1, "in_set": ["Oslo", "Zürich", "São Paulo", "Łódź"],
                 "length": [3, 8], "mostly": 0.7},
        "missing_col": {"type": "float"},
    },
}


def expected_results(frame: pd.DataFrame, spec: dict) -> dict:
    """Every expectation's outcome by pandas, keyed by (column, expectation)."""
    out = {}
    rows = len(frame)
    table = spec.get("table", {})
    listed = list(spec["columns"])
    if "row_count" in table:
        bounds = table["row_count"]
        out[(None, "row_count")] = {"observed": rows, "passed": bounds.get("min", 0) <= rows <= bounds.get("max", math.inf)}
    if table.get("columns_exact"):
        extra = [c for c in frame.columns if c not in listed]
        missing = [c for c in listed if c not in frame.columns]
        out[(None, "columns_exact")] = {"observed": list(frame.columns), "passed": not extra and not missing,
                                        "unexpected_count": len(extra) + len(missing), "unexpected_sample": extra + missing}
    if "duplicate_rows" in table:
        duplicates = int(frame.duplicated().sum())
        out[(None, "duplicate_rows")] = {"observed": duplicates / rows, "unexpected_count": duplicates, "element_count": rows,
                                         "passed": duplicates / rows <= table["duplicate_rows"]["max_share"]}
    for name, entry in spec["columns"].items():
        if name not in frame.columns:
            out[(name, "exists")] = {"observed": False, "passed": False}
            continue
        out[(name, "exists")] = {"observed": True, "passed": True}
        series = frame[name]
        values = present(series)
        count = len(values)
        numeric = is_numeric(series)
        mostly = entry.get("mostly", 1)

        def per_value(expectation, failing: pd.Series, observed=None):
            unexpected = int(failing.sum())
            share = 1.0 if count == 0 else (count - unexpected) / count
            out[(name, expectation)] = {
                "observed": share if observed is None else observed, "unexpected_count": unexpected, "element_count": count,
                "passed": share >= mostly, "unexpected_sample": sample(values[failing])}

        if "type" in entry:
            kind, want = observed_type(series), entry["type"]
            accepts = {"int": {"int"}, "float": {"int", "float"}, "bool": {"bool"}, "string": {"string", "bool"},
                       "category": {"int", "string", "bool"}}[want]
            out[(name, "type")] = {"observed": kind, "passed": kind is None or kind in accepts}
        if "nullable" in entry or "max_null_share" in entry:
            limit = 0 if "nullable" in entry else entry["max_null_share"]
            share = float(series.isna().mean())
            out[(name, "max_null_share")] = {"observed": share, "unexpected_count": int(series.isna().sum()),
                                             "element_count": rows, "passed": share <= limit}
        if "range" in entry:
            low, high = entry["range"]
            inside = values.between(-np.inf if low is None else low, np.inf if high is None else high)
            per_value("range", ~inside, {"min": float(values.min()), "max": float(values.max())})
        if "in_set" in entry:
            allowed = entry["in_set"]
            if numeric:
                inside = values.isin([v for v in allowed if not isinstance(v, (bool, str))])
            else:
                # Text matches text exactly; a boolean matches pandas' words for it.
                words = {w for v in allowed if isinstance(v, bool) for w in ((v and ["True", "true", "TRUE"]) or ["False", "false", "FALSE"])}
                inside = as_text(series).isin([v for v in allowed if isinstance(v, str) and not isinstance(v, bool)] + sorted(words))
            per_value("in_set", ~inside)
        if "regex" in entry:
            per_value("regex", ~as_text(series).str.fullmatch(entry["regex"]).astype(bool))
        if "length" in entry:
            bounds = entry["length"]
            low, high = (bounds if isinstance(bounds, list) else [bounds.get("min"), bounds.get("max")])
            lengths = as_text(series).str.len()
            inside = lengths.between(-np.inf if low is None else low, np.inf if high is None else high)
            per_value("length", ~inside, {"min": int(lengths.min()), "max": int(lengths.max())})
        if entry.get("unique"):
            per_value("unique", values.duplicated(keep=False))
        if "cardinality" in entry:
            distinct = series.nunique()
            bounds = entry["cardinality"]
            out[(name, "cardinality")] = {"observed": distinct,
                                          "passed": bounds.get("min", 0) <= distinct <= bounds.get("max", math.inf)}
    return out


def sample(values: pd.Series, size: int = 5) -> list:
    """The first few distinct values in row order, as capstan quotes them."""
    seen = []
    for value in values:
        if isinstance(value, (bool, np.bool_)):
            value = str(bool(value))
        elif isinstance(value, (int, float, np.integer, np.floating)):
            value = json_number(float(value))
        if value not in seen:
            seen.append(value)
        if len(seen) == size:
            break
    return seen


def check_report(report: dict, frame: pd.DataFrame, spec: dict) -> None:
    want = expected_results(frame, spec)
    got = {(r["column"], r["expectation"]): r for r in report["results"]}
    assert got.keys() == want.keys(), (sorted(got, key=str), sorted(want, key=str))
    for key, expected in want.items():
        result = got[key]
        for field, value in expected.items():
            if field == "unexpected_sample":
                assert same(result[field], [json_number(v) if isinstance(v, float) else v for v in value]), (key, result, expected)
                continue
            if field == "observed" and isinstance(value, dict):
                value = {k: json_number(v) if isinstance(v, float) and math.isfinite(v) else v for k, v in value.items()}
            assert same(result[field], value), (key, field, result[field], value)
        if key[1] in PER_VALUE:
            assert result["mostly"] == spec["columns"][key[0]].get("mostly", 1)
            count = result["element_count"]
            assert same(result["unexpected_percent"], 0.0 if count == 0 else result["unexpected_count"] / count * 100)
    passed = all(r["passed"] for r in want.values())
    assert report["passed"] == passed
    assert report["statistics"] == {"evaluated": len(want), "successful": sum(r["passed"] for r in want.values()),
                                    "unsuccessful": sum(not r["passed"] for r in want.values())}
    assert report["row_count"] == len(frame)


@pytest.mark.parametrize("broken", [False, True], ids=["clean", "broken"])
def test_validate_reports_what_pandas_computes(capstan, tmp_path, broken):  # noqa: F811
    frame = write(dataset(1000, 7, broken), tmp_path / "data.csv")
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(HAND_SPEC, allow_unicode=True, sort_keys=False))
    proc = run(capstan, "validate", "--spec", tmp_path / "spec.yaml", "--data", tmp_path / "data.csv", "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    check_report(report, frame, HAND_SPEC)
    assert proc.returncode == (0 if report["passed"] else 1)
    # Both datasets lack missing_col: that much always fails.
    assert not report["passed"]
    failed = {(r["column"], r["expectation"]) for r in report["results"] if not r["passed"]}
    if broken:
        assert {("user_id", "unique"), ("age", "range"), ("age", "type"), ("email", "regex"),
                ("plan", "in_set"), ("city", "max_null_share"), (None, "duplicate_rows"), (None, "columns_exact")} <= failed


def test_validate_against_a_profile_of_other_data(capstan, tmp_path):  # noqa: F811
    write(dataset(2000, 11), tmp_path / "reference.csv")
    assert run(capstan, "profile", tmp_path / "reference.csv", "--output", tmp_path / "spec.yaml").returncode == 0
    spec = yaml.safe_load((tmp_path / "spec.yaml").read_text())
    for current, seed, broken in [("same.csv", 12, False), ("broken.csv", 13, True)]:
        frame = write(dataset(1900, seed, broken), tmp_path / current)
        proc = run(capstan, "validate", "--spec", tmp_path / "spec.yaml", "--data", tmp_path / current, "--format", "json")
        assert proc.returncode in (0, 1), proc.stderr
        report = json.loads(proc.stdout)
        check_report(report, frame, spec)
        assert proc.returncode == (0 if report["passed"] else 1)
    assert proc.returncode == 1


def test_text_report_names_every_failure(capstan, tmp_path):  # noqa: F811
    write(dataset(1000, 5, broken=True), tmp_path / "data.csv")
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(HAND_SPEC, allow_unicode=True, sort_keys=False))
    proc = run(capstan, "validate", "--spec", tmp_path / "spec.yaml", "--data", tmp_path / "data.csv")
    assert proc.returncode == 1, proc.stderr
    as_json = json.loads(run(capstan, "validate", "--spec", tmp_path / "spec.yaml", "--data", tmp_path / "data.csv",
                             "--format", "json").stdout)
    failures = [r for r in as_json["results"] if not r["passed"]]
    assert f"{len(failures)} failed:" in proc.stdout
    for failure in failures:
        prefix = f"- {failure['column']}: " if failure["column"] else "- "
        assert f"{prefix}{failure['expectation']}: expected" in proc.stdout, (failure, proc.stdout)
    assert "missing_col: exists: expected true, observed false" in proc.stdout


@pytest.mark.parametrize("spec_text, message", [
    ("columns:\n  age: {type: int, rnage: [0, 1]}\n", "columns.age.rnage is not a known setting"),
    ("columns:\n  age: {type: int\n  x: 1\n", "not valid YAML: 3:"),
    ("columns:\n  email: {regex: 'a[b'}\n", "columns.email.regex is not a valid regular expression"),
    ("table:\n  row_count: {min: 10, max: 5}\n", "table.row_count has min 10 above max 5"),
])
def test_bad_specs_exit_2_naming_file_and_field(capstan, tmp_path, spec_text, message):  # noqa: F811
    write(dataset(50, 1), tmp_path / "data.csv")
    (tmp_path / "spec.yaml").write_text(spec_text)
    proc = run(capstan, "validate", "--spec", tmp_path / "spec.yaml", "--data", tmp_path / "data.csv")
    assert proc.returncode == 2
    assert f"{tmp_path / 'spec.yaml'}: {message}" in proc.stderr, proc.stderr


def test_bad_data_exits_2_naming_file_and_line(capstan, tmp_path):  # noqa: F811
    (tmp_path / "spec.yaml").write_text("columns:\n  a: {type: int}\n")
    (tmp_path / "data.csv").write_text("a,b\n1,2\n3,4,5\n")
    proc = run(capstan, "validate", "--spec", tmp_path / "spec.yaml", "--data", tmp_path / "data.csv")
    assert proc.returncode == 2
    assert f"{tmp_path / 'data.csv'}:3:" in proc.stderr, proc.stderr
    proc = run(capstan, "profile", tmp_path / "absent.csv")
    assert proc.returncode == 2 and "absent.csv" in proc.stderr
