#!/usr/bin/env python3
"""Inference benchmark: Capstan's native runtime vs. the reference runtimes.

Run through ``scripts/bench/inference`` (which creates the pinned ``.venv-fidelity`` first).
The models are the fidelity fixtures in ``Tests/CapstanInferenceTests/Fixtures/<name>/``
(``model.onnx`` / ``model.json`` / ``model.txt`` + ``input.csv``). For every repeat, fixture
and thread count T, the same rows are measured the same way in both runtimes:

  Capstan    ``capstan bench-model --model M --input input.csv --threads T --batch B
             --seconds S --format json`` (a fresh process each time)
  reference  in this process: onnxruntime (intra_op_num_threads=T, inter_op=1, sequential,
             CPUExecutionProvider), ``xgboost.Booster`` (nthread=T, ``inplace_predict`` on a
             float32 matrix) or ``lightgbm.Booster`` (``predict(float64 matrix, num_threads=T)``)

  single row  each input row pre-sliced into its own input (cycled), 50 warm-up calls, then
              every call timed for S seconds -> p50 / p99 in microseconds.
              Capstan predicts single rows on one thread whatever T is; the reference uses
              its T-thread session / booster (the single-row target is checked at T=1).
  batch       exactly B rows: the input's rows repeated (0..199, 0..199, ...) and truncated
              to B; one warm-up call, then whole batches for S seconds -> rows/s.
  load        reading + compiling the model: Capstan's ``load_ms``; the reference's
              InferenceSession / Booster construction (the runtime's one-time library
              initialisation is done once, untimed, before the first measurement).

Capstan and the reference alternate per (fixture, T), and which one goes first alternates
too, so that drift on this shared machine hits both. Ratios are taken on the medians over
the repeats: p50 ratio = reference p50 / Capstan p50 and batch ratio = Capstan rows/s /
reference rows/s (both > 1 when Capstan is faster). ``--json-out`` keeps every repeat's
figures; ``--markdown-out`` writes the tables for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import functools
import gc
import hashlib
import json
import os
import platform
import shlex
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from bench_common import BenchError, get_path, log, markdown_setup_lines  # noqa: E402
from bench_common import machine_info as common_machine_info  # noqa: E402
from bench_common import die_with_parent as _die_with_parent  # noqa: E402
from bench_common import loadavg as _loadavg  # noqa: E402
from bench_common import machine_busy_seconds as _machine_busy_seconds  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
# The fixture helpers (CSV reading, ONNX feeds, feature names) are shared with the fidelity
# tests: import them rather than re-implementing how a fixture's input is fed to a runtime.
sys.path.insert(0, str(REPO_ROOT / "tests" / "fidelity"))
import make_fixtures as mf  # noqa: E402  (needs numpy only; the runtimes are imported lazily)

REFERENCE = {"onnx": "onnxruntime", "xgboost": "xgboost", "lightgbm": "lightgbm"}

# Targets. Batch throughput: Capstan rows/s >= factor x reference rows/s, at every T, for
# these categories ("other" models have no batch target).
BATCH_TARGET = {"trees": 1.0, "linear": 1.0, "mlp": 0.5}
LOAD_TARGET_FIXTURE = "sklearn_random_forest"  # the 100-tree ensemble
LOAD_TARGET_MS = 50.0
# A measurement during which other processes used more CPU than this (in cores) is flagged.
NOISE_CORES = 0.25

# The figures measured for both runtimes: (key, column label, unit).
FIGURES = [
    ("single_row_p50_us", "p50", "us"),
    ("single_row_p99_us", "p99", "us"),
    ("batch_rows_per_s", "batch", "rows/s"),
    ("load_ms", "load", "ms"),
]
CAPSTAN_KEYS = ("single_row_p50_us", "single_row_p99_us", "single_row_iterations",
                "batch_rows_per_s", "batch", "threads", "load_ms")



# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------
@dataclass
class Fixture:
    name: str
    dir: Path
    meta: dict
    model: Path
    input_csv: Path
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)

    @property
    def format(self) -> str:
        return self.meta["format"]

    @property
    def reference(self) -> str:
        return REFERENCE[self.format]

    @property
    def category(self) -> str:
        return category_of(self.meta)


def category_of(meta: dict) -> str:
    """mlp (MatMul/Gemm), trees (TreeEnsemble*, XGBoost, LightGBM), linear or other."""
    ops = {op.split(":", 1)[-1] for op in meta.get("onnx_operators", [])}
    if ops & {"MatMul", "Gemm"}:
        return "mlp"
    if meta["format"] in ("xgboost", "lightgbm") or any(op.startswith("TreeEnsemble") for op in ops):
        return "trees"
    if ops & {"LinearClassifier", "LinearRegressor"}:
        return "linear"
    return "other"


def available_fixtures() -> list[str]:
    return [d.name for d in mf.fixture_dirs()]


def load_fixtures(names: list[str] | None) -> list[Fixture]:
    """The requested fixtures (default: all), checked before anything is measured."""
    known = available_fixtures()
    names = names or known
    out = []
    for name in names:
        d = mf.FIXTURES_DIR / name
        if not (d / "meta.json").is_file():
            raise BenchError(f"fixture {name!r} not found: no {d / 'meta.json'} "
                             f"(available: {', '.join(known) or 'none'})")
        meta = mf.load_meta(d)
        if meta.get("format") not in REFERENCE:
            raise BenchError(f"fixture {name}: unknown format {meta.get('format')!r} in meta.json")
        model, input_csv = d / meta["model"], d / "input.csv"
        for p in (model, input_csv):
            if not p.is_file():
                raise BenchError(f"fixture {name}: {p} is missing")
        header, rows = mf.read_csv(input_csv)
        if not rows:
            raise BenchError(f"fixture {name}: {input_csv} has no rows")
        out.append(Fixture(name, d, meta, model, input_csv, header, rows))
    return out


def batch_indices(n_rows: int, batch: int) -> np.ndarray:
    """Row i of the batch is input row i mod n: 0..n-1, 0..n-1, ... truncated, as Capstan does."""
    return np.arange(batch) % n_rows


# ---------------------------------------------------------------------------------------------
# CPU accounting: how much the rest of the (shared) machine used during a measurement
# ---------------------------------------------------------------------------------------------

def _own_cpu_seconds() -> float:
    t = os.times()  # children_*: the waited-for `capstan bench-model` processes
    return t.user + t.system + t.children_user + t.children_system


class CpuMeter:
    """CPU used by this script (+ Capstan's process) and by everything else on the machine."""

    def __init__(self):
        self.t0 = time.perf_counter()
        self.machine0 = _machine_busy_seconds()
        self.own0 = _own_cpu_seconds()

    def stop(self) -> dict:
        wall = time.perf_counter() - self.t0
        own = _own_cpu_seconds() - self.own0
        other = max(0.0, _machine_busy_seconds() - self.machine0 - own)
        return {"own_cpu_s": round(own, 2), "other_cpu_s": round(other, 2), "wall_s": round(wall, 2),
                "other_cores": round(other / wall, 2) if wall > 0 else None}


# ---------------------------------------------------------------------------------------------
# Capstan: `capstan bench-model`
# ---------------------------------------------------------------------------------------------
_LIVE: list[subprocess.Popen] = []


def stop_capstan() -> None:
    for proc in list(_LIVE):
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        _LIVE.remove(proc)


def binary_stamp(path: str) -> tuple:
    st = os.stat(path)
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def run_capstan(args, fx: Fixture, threads: int) -> dict:
    # Someone may rebuild the binary while this runs (`swift build` replaces the file): the
    # figures would then mix two builds. Noted in the results, not fatal.
    changed = binary_stamp(args.capstan_bin) != args.binary_stamp
    if changed and not args.binary_changed:
        log(f"WARNING: {args.capstan_bin} changed since the start (rebuilt?): copy the binary elsewhere "
            "and set CAPSTAN_BIN for a clean run")
    args.binary_changed = args.binary_changed or changed
    cmd = [args.capstan_bin, "bench-model", "--model", str(fx.model), "--input", str(fx.input_csv),
           "--threads", str(threads), "--batch", str(args.batch), "--seconds", str(args.seconds),
           "--format", "json"]
    meter = CpuMeter()
    # Its own session: Ctrl-C reaches only this script, which then kills it (stop_capstan).
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True, preexec_fn=_die_with_parent, text=True)
    _LIVE.append(proc)
    try:
        out, err = proc.communicate(timeout=2 * args.seconds + args.capstan_timeout)
    except subprocess.TimeoutExpired:
        raise BenchError(f"capstan bench-model did not finish within "
                         f"{2 * args.seconds + args.capstan_timeout:.0f}s: {shlex.join(cmd)}") from None
    finally:
        stop_capstan()
    cpu = meter.stop()
    if proc.returncode != 0:
        raise BenchError(f"capstan bench-model exited with {proc.returncode}: {shlex.join(cmd)}\n{err.strip()}")
    try:
        res = json.loads(out)
    except json.JSONDecodeError:
        raise BenchError(f"capstan bench-model printed no JSON object: {shlex.join(cmd)}\n"
                         f"stdout: {out[:500]!r}\nstderr: {err[:500]!r}") from None
    missing = [k for k in CAPSTAN_KEYS if k not in res]
    if missing:
        raise BenchError(f"capstan bench-model's JSON lacks {missing}: {out[:500]!r}")
    if res["batch"] != args.batch or res["threads"] != threads:
        raise BenchError(f"capstan bench-model measured batch {res['batch']} / {res['threads']} threads, "
                         f"asked for {args.batch} / {threads}")
    res = {k: res[k] for k in CAPSTAN_KEYS} | {k: v for k, v in res.items() if k not in CAPSTAN_KEYS}
    res["cpu"] = cpu
    if changed:
        res["binary_changed"] = True
    if err.strip():
        res["stderr"] = err.strip()[:2000]
    return res


# ---------------------------------------------------------------------------------------------
# Reference runtimes, in this process
# ---------------------------------------------------------------------------------------------
@dataclass
class Prepared:
    """A loaded reference model: predict(x) for one input, the pre-sliced single rows, the batch."""
    load_ms: float
    predict: object
    singles: list
    batch: object
    model: object = None  # the session / booster (for inspection; predict holds it too)


def prepare_onnx(fx: Fixture, threads: int, batch: int) -> Prepared:
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    t0 = time.perf_counter()
    sess = ort.InferenceSession(str(fx.model), so, providers=["CPUExecutionProvider"])
    load_ms = (time.perf_counter() - t0) * 1000
    singles = [mf.onnx_feeds(sess, fx.header, [row]) for row in fx.rows]
    batch_rows = [fx.rows[i] for i in batch_indices(len(fx.rows), batch)]
    feeds = mf.onnx_feeds(sess, fx.header, batch_rows)
    return Prepared(load_ms, functools.partial(sess.run, None), singles, feeds, sess)


def _check_feature_names(fx: Fixture, names: list[str]) -> None:
    if sorted(names) != sorted(fx.header):
        raise BenchError(f"fixture {fx.name}: the model's features {names} are not input.csv's columns {fx.header}")


def _single_and_batch(x: np.ndarray, batch: int) -> tuple[list[np.ndarray], np.ndarray]:
    singles = [np.ascontiguousarray(x[i:i + 1]) for i in range(x.shape[0])]
    return singles, np.ascontiguousarray(x[batch_indices(x.shape[0], batch)])


def prepare_xgboost(fx: Fixture, threads: int, batch: int) -> Prepared:
    import xgboost as xgb

    t0 = time.perf_counter()
    booster = xgb.Booster(model_file=str(fx.model))
    load_ms = (time.perf_counter() - t0) * 1000
    booster.set_param({"nthread": threads})
    names = mf.xgboost_feature_names(booster)
    _check_feature_names(fx, names)
    # Columns in the booster's feature order (input.csv's header is written in that order).
    x = mf.float_matrix(fx.header, fx.rows, names, np.float32)
    singles, xb = _single_and_batch(x, batch)
    return Prepared(load_ms, booster.inplace_predict, singles, xb, booster)


def prepare_lightgbm(fx: Fixture, threads: int, batch: int) -> Prepared:
    import lightgbm as lgb

    t0 = time.perf_counter()
    booster = lgb.Booster(model_file=str(fx.model))
    load_ms = (time.perf_counter() - t0) * 1000
    names = booster.feature_name()
    _check_feature_names(fx, names)
    # Categorical columns hold integer codes in input.csv: read as floats, exactly as
    # make_fixtures.lightgbm_reference (and so the fidelity test) feeds them.
    try:
        x = mf.float_matrix(fx.header, fx.rows, names, np.float64)
    except ValueError as exc:
        raise BenchError(f"fixture {fx.name}: a LightGBM input column is not numeric ({exc})") from None
    singles, xb = _single_and_batch(x, batch)
    return Prepared(load_ms, functools.partial(booster.predict, num_threads=threads), singles, xb, booster)


PREPARE = {"onnx": prepare_onnx, "xgboost": prepare_xgboost, "lightgbm": prepare_lightgbm}


def time_single(predict, singles: list, seconds: float, warmup: int) -> dict:
    """Each call timed with perf_counter_ns, cycling through the rows, for `seconds`."""
    n = len(singles)
    for i in range(warmup):
        predict(singles[i % n])
    clock = time.perf_counter_ns
    times: list[int] = []
    append = times.append
    i = 0
    # The collector is off while timing: the figures are the runtime's, not Python's GC.
    gc.collect()
    gc.disable()
    try:
        deadline = clock() + int(seconds * 1e9)
        while True:
            x = singles[i % n]
            t0 = clock()
            predict(x)
            t1 = clock()
            append(t1 - t0)
            i += 1
            if t1 >= deadline:
                break
    finally:
        gc.enable()
    p50, p99 = np.percentile(np.array(times, dtype=np.float64), [50, 99]) / 1000.0
    return {"single_row_p50_us": float(p50), "single_row_p99_us": float(p99), "single_row_iterations": len(times)}


def time_batch(predict, x, rows: int, seconds: float) -> dict:
    """Whole batches for `seconds` (at least one) after one warm-up call."""
    predict(x)
    gc.collect()
    gc.disable()
    try:
        iterations = 0
        t0 = time.perf_counter()
        while True:
            predict(x)
            iterations += 1
            elapsed = time.perf_counter() - t0
            if elapsed >= seconds:
                break
    finally:
        gc.enable()
    return {"batch_rows_per_s": rows * iterations / elapsed, "batch_iterations": iterations}


def run_reference(args, fx: Fixture, threads: int) -> dict:
    meter = CpuMeter()
    prep = PREPARE[fx.format](fx, threads, args.batch)
    res = {"runtime": fx.reference}
    res |= time_single(prep.predict, prep.singles, args.seconds, args.warmup)
    res |= time_batch(prep.predict, prep.batch, args.batch, args.seconds)
    res |= {"batch": args.batch, "threads": threads, "load_ms": prep.load_ms}
    # Release the session / booster (and its thread pool) before Capstan runs next.
    del prep
    gc.collect()
    res["cpu"] = meter.stop()
    return res


def warm_runtimes(fixtures: list[Fixture], args) -> None:
    """Load and run one model per runtime, untimed: the runtime's one-time initialisation
    (onnxruntime's global environment, OpenMP's thread pool, ...) is not charged to the load
    time of whichever fixture comes first."""
    done = set()
    for fx in fixtures:
        if fx.format in done:
            continue
        prep = PREPARE[fx.format](fx, max(args.threads), min(args.batch, len(fx.rows)))
        prep.predict(prep.singles[0])
        prep.predict(prep.batch)
        del prep
        done.add(fx.format)
    gc.collect()


# ---------------------------------------------------------------------------------------------
# Aggregation and targets
# ---------------------------------------------------------------------------------------------
def ratio(num, den):
    return num / den if num is not None and den else None


def add_ratios(d: dict) -> None:
    """p50 ratio = reference / Capstan latency; batch ratio = Capstan / reference throughput."""
    c, r = d["capstan"], d["reference"]
    d["p50_ratio"] = ratio(r.get("single_row_p50_us"), c.get("single_row_p50_us"))
    d["p99_ratio"] = ratio(r.get("single_row_p99_us"), c.get("single_row_p99_us"))
    d["batch_ratio"] = ratio(c.get("batch_rows_per_s"), r.get("batch_rows_per_s"))
    d["load_ratio"] = ratio(r.get("load_ms"), c.get("load_ms"))


def medians(measurements: list[dict], fixtures: list[Fixture], threads: list[int]) -> list[dict]:
    """Per (fixture, T): the median of each figure over the repeats, and ratios of the medians."""
    out = []
    for fx in fixtures:
        for t in threads:
            ms = [m for m in measurements if m["fixture"] == fx.name and m["threads"] == t]
            if not ms:
                continue
            row = {"fixture": fx.name, "category": fx.category, "reference_runtime": fx.reference,
                   "threads": t, "repeats": len(ms)}
            for kind in ("capstan", "reference"):
                row[kind] = {}
                for key in ("single_row_p50_us", "single_row_p99_us", "batch_rows_per_s", "load_ms",
                            "single_row_iterations", "cpu.other_cores"):
                    vals = [get_path(m[kind], key) for m in ms]
                    vals = [v for v in vals if isinstance(v, (int, float))]
                    if vals:
                        row[kind][key.split(".")[-1]] = statistics.median(vals)
            add_ratios(row)
            out.append(row)
    return out



def evaluate_targets(med: list[dict], measurements: list[dict], fixtures: list[Fixture], threads: list[int]) -> list[dict]:
    """met: True / False, or None when there is no target or it was not (fully) measured."""
    by = {(m["fixture"], m["threads"]): m for m in med}
    out = []
    for fx in fixtures:
        # Single-row latency at T=1.
        m1 = by.get((fx.name, 1))
        goal = f"single-row p50 <= {fx.reference}'s (T=1)"
        if m1 is None:
            why = "run stopped before it" if 1 in threads else "T=1 not in --threads"
            out.append({"fixture": fx.name, "target": goal, "met": None, "detail": f"not measured ({why})"})
        else:
            c, r = m1["capstan"]["single_row_p50_us"], m1["reference"]["single_row_p50_us"]
            out.append({"fixture": fx.name, "target": goal, "met": c <= r,
                        "detail": f"{fmt_num(c, 'us')} vs {fmt_num(r, 'us')} µs = {fmt_num(m1['p50_ratio'], 'x')}"})
        # Batch throughput at every T.
        factor = BATCH_TARGET.get(fx.category)
        parts, verdicts = [], []
        for t in threads:
            m = by.get((fx.name, t))
            if m is None:
                parts.append(f"T={t} not measured")
                verdicts.append(None)
                continue
            c, r = m["capstan"]["batch_rows_per_s"], m["reference"]["batch_rows_per_s"]
            parts.append(f"T={t} {fmt_num(c, 'rows/s')} vs {fmt_num(r, 'rows/s')} rows/s = "
                         f"{fmt_num(m['batch_ratio'], 'x')}")
            verdicts.append(m["batch_ratio"] is not None and m["batch_ratio"] >= factor if factor else None)
        if factor is None:
            goal, met = f"batch: no target ({fx.category})", None
        else:
            goal = f"batch rows/s >= {'' if factor == 1 else f'{factor:g}x '}{fx.reference}'s ({fx.category}, each T)"
            # Not met as soon as one T misses; unknown while a T is unmeasured.
            met = False if False in verdicts else (None if None in verdicts else True)
        out.append({"fixture": fx.name, "target": goal, "met": met, "detail": "; ".join(parts)})
    # Load time of the 100-tree ensemble: every Capstan run of it (load does not depend on T).
    loads = [m["capstan"]["load_ms"] for m in measurements if m["fixture"] == LOAD_TARGET_FIXTURE]
    if loads:
        ref = [m["reference"]["load_ms"] for m in measurements if m["fixture"] == LOAD_TARGET_FIXTURE]
        c = statistics.median(loads)
        out.append({"fixture": LOAD_TARGET_FIXTURE, "target": f"model load < {LOAD_TARGET_MS:g} ms (100 trees)",
                    "met": c < LOAD_TARGET_MS,
                    "detail": f"{c:.2f} ms, median of {len(loads)} runs (onnxruntime {statistics.median(ref):.2f} ms)"})
    return out


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------
def fmt_num(v, unit: str) -> str:
    if v is None:
        return "-"
    if unit == "rows/s":
        return f"{v:,.0f}"
    if unit == "x":
        return f"{v:,.2f}x"
    if unit in ("us", "ms"):
        return f"{v:,.0f}" if v >= 1000 else f"{v:.1f}" if v >= 100 else f"{v:.2f}"
    return f"{v:g}"


# Columns of the medians / per-repeat tables: (header, getter, unit).
def _columns():
    cols = []
    for key, label, unit in FIGURES:
        u = "µs" if unit == "us" else unit
        cols.append((f"Capstan {label} [{u}]", lambda d, k=key: d["capstan"].get(k), unit))
        cols.append((f"ref {label} [{u}]", lambda d, k=key: d["reference"].get(k), unit))
        ratio_key = {"single_row_p50_us": "p50_ratio", "batch_rows_per_s": "batch_ratio"}.get(key)
        if ratio_key:
            cols.append((f"{label} ratio", lambda d, k=ratio_key: d.get(k), "x"))
    return cols


def _mark(met) -> str:
    return "n/a" if met is None else ("met" if met else "NOT MET")


def print_report(result: dict) -> None:
    p = print
    cfg = result["config"]
    cols = _columns()
    p("")
    p(f"batch {cfg['batch']} rows, {cfg['seconds']} s per measurement, threads {cfg['threads']}, "
      f"{result['repeats_done']} repeat(s). p50 ratio = reference p50 / Capstan p50; batch ratio = "
      f"Capstan rows/s / reference rows/s (> 1: Capstan faster). Capstan's single rows use one thread.")
    p("")
    p("Medians:")
    head = f"  {'fixture':<24} {'cat':<6} {'ref':<11} {'T':>2} " + " ".join(f"{h:>{_w(h)}}" for h, _, _ in cols)
    p(head)
    for m in result["median"]:
        p(f"  {m['fixture']:<24} {m['category']:<6} {m['reference_runtime']:<11} {m['threads']:>2} "
          + " ".join(f"{fmt_num(g(m), u):>{_w(h)}}" for h, g, u in cols))
    p("")
    p("Per repeat:")
    p(f"  {'fixture':<24} {'T':>2} {'#':>2} " + " ".join(f"{h:>{_w(h)}}" for h, _, _ in cols)
      + f" {'noise C/ref [cores]':>20}")
    for m in result["measurements"]:
        p(f"  {m['fixture']:<24} {m['threads']:>2} {m['repeat']:>2} "
          + " ".join(f"{fmt_num(g(m), u):>{_w(h)}}" for h, g, u in cols) + f" {_noise(m):>20}")
    p("")
    p("Targets (medians):")
    for t in result["targets"]:
        p(f"  {t['fixture']:<24} {t['target']:<52} {_mark(t['met']):<8} {t['detail']}")
    if result.get("problems"):
        p("")
        p("Problems:")
        for pr in result["problems"]:
            p(f"  - {pr}")
    p("")


def _w(header: str) -> int:
    return max(len(header), 9)


def _noise(m: dict) -> str:
    c, r = get_path(m["capstan"], "cpu.other_cores"), get_path(m["reference"], "cpu.other_cores")
    return f"{'-' if c is None else f'{c:.2f}'}/{'-' if r is None else f'{r:.2f}'}"


def render_markdown(result: dict) -> str:
    """Setup (command, machine, versions), then the medians, targets and per-repeat tables."""
    cfg, ver = result["config"], result["versions"]
    cols = _columns()
    lines = markdown_setup_lines(result) + [
        f"| Capstan | `capstan --version` {ver.get('capstan')}; binary `{result['capstan_bin']['path']}` "
        f"(sha256 `{result['capstan_bin'].get('sha256', '?')[:16]}…`, built {result['capstan_bin'].get('mtime', '?')}); "
        f"repository HEAD `{ver.get('git_head', '?')}` |",
        f"| reference runtimes | onnxruntime {ver.get('onnxruntime')}, xgboost {ver.get('xgboost')}, "
        f"lightgbm {ver.get('lightgbm')}, numpy {ver.get('numpy')}, Python {ver.get('python')} |",
        f"| settings | batch {cfg['batch']} rows, {cfg['seconds']} s per measurement, threads "
        f"{', '.join(map(str, cfg['threads']))}, {result['repeats_done']} repeat(s), {cfg['warmup']} single-row warm-up calls |",
        "",
        f"**Medians of {result['repeats_done']} repeat(s).** p50 ratio = reference p50 / Capstan p50, batch ratio = "
        "Capstan rows/s / reference rows/s: above 1, Capstan is faster. Capstan predicts single rows on one "
        "thread; the reference uses its T-thread session / booster.",
        "",
        "| fixture | category | reference | T | " + " | ".join(h for h, _, _ in cols) + " |",
        "|---|---|---|---:|" + "---:|" * len(cols),
    ]
    for m in result["median"]:
        lines.append(f"| {m['fixture']} | {m['category']} | {m['reference_runtime']} | {m['threads']} | "
                     + " | ".join(fmt_num(g(m), u) for _, g, u in cols) + " |")
    lines += ["", "**Targets** (on the medians):", "", "| fixture | target | result | measured |", "|---|---|---|---|"]
    for t in result["targets"]:
        mark = {None: "n/a", True: "met", False: "**not met**"}[t["met"]]
        lines.append(f"| {t['fixture']} | {t['target']} | {mark} | {t['detail']} |")
    lines += ["", "**Per repeat.** Noise = CPU used by other processes on the machine during the "
              "Capstan / reference measurement, in cores.", "",
              "| fixture | T | repeat | first | " + " | ".join(h for h, _, _ in cols) + " | noise [cores] |",
              "|---|---:|---:|---|" + "---:|" * len(cols) + "---:|"]
    for m in result["measurements"]:
        lines.append(f"| {m['fixture']} | {m['threads']} | {m['repeat']} | {m['order'][0]} | "
                     + " | ".join(fmt_num(g(m), u) for _, g, u in cols) + f" | {_noise(m)} |")
    if result.get("problems"):
        lines += ["", "**Problems:**", ""] + [f"- {pr}" for pr in result["problems"]]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Machine and versions
# ---------------------------------------------------------------------------------------------

def machine_info() -> dict:
    info = common_machine_info()
    info["loadavg_before"] = _loadavg()
    return info


def binary_info(path: str) -> dict:
    """Which binary was measured: it may be rebuilt by someone else between runs."""
    p = Path(path)
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    mtime = _dt.datetime.fromtimestamp(p.stat().st_mtime).astimezone().isoformat(timespec="seconds")
    return {"path": path, "sha256": h.hexdigest(), "mtime": mtime}


def versions(args) -> dict:
    import lightgbm
    import onnxruntime
    import xgboost

    v = {"python": platform.python_version(), "numpy": np.__version__, "onnxruntime": onnxruntime.__version__,
         "xgboost": xgboost.__version__, "lightgbm": lightgbm.__version__}
    for key, cmd in (("capstan", [args.capstan_bin, "--version"]),
                     ("git_head", ["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"])):
        try:
            v[key] = subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip() or None
        except (OSError, subprocess.TimeoutExpired):
            v[key] = None
    return v


# ---------------------------------------------------------------------------------------------
# Orchestration
# ---------------------------------------------------------------------------------------------
def _int_list(text: str) -> list[int]:
    try:
        vals = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}") from None
    if not vals or any(v < 1 for v in vals):
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return vals


def _name_list(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeat", type=int, default=3, help="repeats of the whole measurement (default 3)")
    p.add_argument("--threads", type=_int_list, default=[1, 2], help="thread counts T, comma-separated (default 1,2)")
    p.add_argument("--batch", type=int, default=1000, help="rows per batch (default 1000)")
    p.add_argument("--seconds", type=float, default=2.0,
                   help="seconds per measurement: single rows, then batches (default 2)")
    p.add_argument("--fixtures", type=_name_list, default=None,
                   help="fixture names, comma-separated (default: all in Tests/CapstanInferenceTests/Fixtures)")
    p.add_argument("--warmup", type=int, default=50, help="reference single-row warm-up calls (default 50)")
    p.add_argument("--capstan-bin", default=os.environ.get("CAPSTAN_BIN", str(REPO_ROOT / ".build/release/capstan")))
    p.add_argument("--capstan-timeout", type=float, default=120,
                   help="seconds allowed for one `capstan bench-model` on top of 2 x --seconds")
    p.add_argument("--json-out", help="write all results (every repeat) as JSON to this file")
    p.add_argument("--markdown-out", help="write the setup, median, target and per-repeat tables as Markdown")
    args = p.parse_args(argv)
    if args.repeat < 1 or args.batch < 1 or args.seconds <= 0 or args.warmup < 0:
        p.error("--repeat and --batch must be >= 1, --seconds > 0, --warmup >= 0")
    return args


def _on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    if not os.access(args.capstan_bin, os.X_OK):
        print(f"Capstan binary not found or not executable: {args.capstan_bin} (set CAPSTAN_BIN)", file=sys.stderr)
        return 2
    args.binary_stamp, args.binary_changed = binary_stamp(args.capstan_bin), False
    try:
        fixtures = load_fixtures(args.fixtures)
    except BenchError as exc:
        print(str(exc), file=sys.stderr)
        return 2

    result = {
        "started": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": shlex.join(["scripts/bench/inference", *(sys.argv[1:] if argv is None else argv)]),
        "machine": machine_info(),
        "versions": versions(args),
        "capstan_bin": binary_info(args.capstan_bin),
        "config": {k: v for k, v in vars(args).items()
                   if k not in ("json_out", "markdown_out", "binary_stamp", "binary_changed")},
        "fixtures": {fx.name: {"format": fx.format, "category": fx.category, "reference_runtime": fx.reference,
                               "model": str(fx.model.relative_to(REPO_ROOT)), "input_rows": len(fx.rows),
                               "onnx_operators": fx.meta.get("onnx_operators", [])} for fx in fixtures},
        "measurements": [],
    }
    result["config"]["fixtures"] = [fx.name for fx in fixtures]
    log(f"{len(fixtures)} fixture(s): {', '.join(f'{fx.name} ({fx.category})' for fx in fixtures)}; "
        f"threads {args.threads}, batch {args.batch}, {args.seconds} s per measurement, {args.repeat} repeat(s)")
    log(f"capstan {result['versions'].get('capstan')} at {args.capstan_bin} "
        f"(sha256 {result['capstan_bin']['sha256'][:12]}); load average {result['machine']['loadavg_before']}")

    status = 0
    repeats_done = 0
    try:
        warm_runtimes(fixtures, args)
        pairs = [(fx, t) for fx in fixtures for t in args.threads]
        for r in range(args.repeat):
            log(f"=== repeat {r + 1}/{args.repeat} ===")
            for k, (fx, t) in enumerate(pairs):
                # Alternate which runtime goes first, across pairs and across repeats.
                order = ["capstan", "reference"] if (r + k) % 2 == 0 else ["reference", "capstan"]
                m = {"repeat": r + 1, "fixture": fx.name, "threads": t, "order": order}
                for kind in order:
                    m[kind] = run_capstan(args, fx, t) if kind == "capstan" else run_reference(args, fx, t)
                add_ratios(m)
                result["measurements"].append(m)
                c, ref = m["capstan"], m["reference"]
                log(f"  {fx.name} T={t}: p50 {fmt_num(c['single_row_p50_us'], 'us')} vs "
                    f"{fmt_num(ref['single_row_p50_us'], 'us')} µs ({fmt_num(m['p50_ratio'], 'x')}), batch "
                    f"{fmt_num(c['batch_rows_per_s'], 'rows/s')} vs {fmt_num(ref['batch_rows_per_s'], 'rows/s')} "
                    f"rows/s ({fmt_num(m['batch_ratio'], 'x')}), load {fmt_num(c['load_ms'], 'ms')} vs "
                    f"{fmt_num(ref['load_ms'], 'ms')} ms [Capstan vs {fx.reference}; other processes "
                    f"{_noise(m)} cores]")
            repeats_done += 1
    except KeyboardInterrupt:
        log("interrupted: stopping")
        status = 130
    except BenchError as exc:
        log(f"benchmark failed: {exc}")
        status = 1
    finally:
        stop_capstan()

    measurements = result["measurements"]
    if not measurements:
        return status or 1
    result["complete"] = status == 0
    result["repeats_done"] = repeats_done if status == 0 else max(m["repeat"] for m in measurements)
    result["machine"]["loadavg_after"] = _loadavg()
    result["finished"] = _dt.datetime.now().astimezone().isoformat(timespec="seconds")
    result["median"] = medians(measurements, fixtures, args.threads)
    result["targets"] = evaluate_targets(result["median"], measurements, fixtures, args.threads)
    problems = []
    if status:
        problems.append(f"incomplete run: stopped during repeat {result['repeats_done']} "
                        f"({len(measurements)} of {args.repeat * len(fixtures) * len(args.threads)} measurements)")
    busy = [get_path(m[kind], "cpu.other_cores") or 0.0 for m in measurements for kind in ("capstan", "reference")]
    noisy = [b for b in busy if b > NOISE_CORES]
    if noisy:
        problems.append(f"other processes used more than {NOISE_CORES} cores during {len(noisy)} of {len(busy)} "
                        f"measurements (up to {max(noisy):.2f} of {os.cpu_count()} cores): the machine was busy, "
                        "figures may be off (noise column of the per-repeat table)")
    if args.binary_changed:
        swapped = sum(1 for m in measurements if m["capstan"].get("binary_changed"))
        problems.append(f"{args.capstan_bin} changed during the run (rebuilt?): {swapped} of {len(measurements)} "
                        "Capstan measurements ran a different binary than the one hashed at the start")
    for m in measurements:
        if m["capstan"].get("stderr"):
            problems.append(f"repeat {m['repeat']} {m['fixture']} T={m['threads']}: capstan wrote to stderr: "
                            f"{m['capstan']['stderr'][:160]!r}")
    result["problems"] = problems
    print_report(result)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, indent=2) + "\n")
        log(f"wrote {args.json_out}")
    if args.markdown_out:
        Path(args.markdown_out).write_text(render_markdown(result))
        log(f"wrote {args.markdown_out}")
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        stop_capstan()
