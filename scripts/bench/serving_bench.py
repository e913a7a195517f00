#!/usr/bin/env python3
"""Serving benchmark: Capstan's serving gateway vs. ``mlflow models serve``.

Run through ``scripts/bench/serving``, which creates the pinned Python environment first.
One run trains one model and serves it from both systems on this machine:

  model    scikit-learn HistGradientBoostingClassifier, 100 iterations (no early stopping),
           20 features, binary, seeded. It is trained on values rounded to 3 decimals, and the
           request rows are rounded the same way. Split thresholds then lie between
           representable values, so float32 (ONNX) and float64 (sklearn) give the same labels.
  Capstan  ``capstan server`` on a free loopback port with a fresh --data-dir. The model is
           exported with skl2onnx (zipmap off, FloatTensorType [None, 20]), logged with
           ``mlflow.onnx.log_model(..., registered_model_name=...)`` through the mlflow client,
           and deployed as "hgb" with POST /api/capstan/v1/deployments. The prediction log is
           on, as it always is.
  MLflow   the same fitted estimator logged with ``mlflow.sklearn.log_model`` to a local store
           (SQLite + artifact directory), then served by the venv's pinned mlflow 3.6.0:
           ``mlflow models serve -m <uri> --env-manager local``, with MLflow's default worker
           count (1 uvicorn worker) unless --mlflow-workers is given. mlflow 3.6.0's scoring
           server cannot start on Starlette >= 1.0, which the venv's fastapi pin needs, so the
           wrapper puts fastapi 0.163.2 + starlette 0.52.1 first on that server's PYTHONPATH
           (--mlflow-pythonpath); everything else is the venv's.

Four endpoints get the same load: ``wrk -t2 -c8 -d10s --latency``. Each request is a single
row, and the rows cycle through --rows distinct rows. The endpoints are:

  capstan_oip          POST /v2/models/hgb/infer, OIP v2 JSON tensors ("float_input", FP32 [1, 20])
  capstan_invocations  POST /deployments/hgb/invocations, {"dataframe_split": {columns, data}}
  mlflow_invocations   POST /invocations on mlflow models serve, the same dataframe_split body
  capstan_bare         GET --bare-path (default /v2/health/ready) on Capstan. It does no
                       inference and shows the gateway's ceiling on this machine.

Before any load, every body that wrk will send is sent once from Python. The answers must
match the sklearn model: the same labels, and probabilities within 1e-4 where the endpoint
returns them. The check runs again at the end. Each endpoint is warmed up with wrk
(--warmup seconds, not counted) before each measurement. Non-2xx responses and socket
errors from wrk are recorded as problems. Around each Capstan inference measurement, the
script waits until the prediction log has written (or counted as dropped) one entry per
answered request, and reads the written and dropped counts from /metrics. The endpoint
order is reversed on every other repeat.

Per repeat and as medians, the script reports req/s, p50 and p99 (from wrk's "Latency
Distribution"), the CPU of the server (all its processes) and of wrk (with this script,
idle meanwhile), and the CPU that other processes on this shared machine used. Ratios and
the issue's targets are computed on the medians. The targets are >= 100x MLflow's req/s
with a p99 <= 5 ms, and >= 50% of the bare endpoint's req/s. ``--json-out`` keeps
everything; ``--markdown-out`` writes the tables for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import http.client
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Process and server helpers: shared with the tracking benchmark (its Server waits for
# GET /health, which both `capstan server` and MLflow's scoring server answer once ready).
# Importing it also configures the mlflow client (no telemetry, no silent retries).
from bench_common import BenchError, get_path, log, markdown_setup_lines  # noqa: E402
from bench_common import die_with_parent as _die_with_parent  # noqa: E402
from bench_common import loadavg as _loadavg  # noqa: E402
from bench_common import machine_info as common_machine_info  # noqa: E402
from tracking_bench import CpuMeter, Server, _on_signal, free_port, stop_all_servers  # noqa: E402
from inference_bench import binary_info, binary_stamp  # noqa: E402

import numpy as np  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "tests" / "fidelity"))
# skl2onnx 1.20 + onnx >= 1.20 fail on HistGradientBoosting (a Python bool in an INTS
# attribute): make_fixtures.convert_sklearn applies the workaround. Importing it needs numpy only.
import make_fixtures as mf  # noqa: E402

DEPLOYMENTS = "/api/capstan/v1/deployments"
DEPLOYMENT = "hgb"
REGISTERED_MODEL = "hgb_serving_bench"
INPUT_NAME = "float_input"
N_FEATURES = 20
COLUMNS = [f"f{i}" for i in range(N_FEATURES)]
# ONNX opsets of the converted model: the ones the HistGradientBoosting fidelity fixture uses.
TARGET_OPSET = {"": 18, "ai.onnx.ml": 3}
PROBA_ATOL = 1e-4

# Endpoints, in the order of the tables: key -> (server, label).
ENDPOINTS = {
    "capstan_oip": ("capstan", "Capstan OIP v2 infer"),
    "capstan_invocations": ("capstan", "Capstan /invocations"),
    "mlflow_invocations": ("mlflow", "MLflow /invocations"),
    "capstan_bare": ("capstan", "Capstan bare"),
}
TARGET_RATIO = 100.0
TARGET_P99_MS = 5.0
TARGET_BARE_SHARE = 0.5
# A measurement during which other processes used more CPU than this (in cores) is flagged.
NOISE_CORES = 0.25


# ---------------------------------------------------------------------------------------------
# The model and the request rows
# ---------------------------------------------------------------------------------------------
class Model:
    """The fitted estimator, its ONNX export, and the request rows with sklearn's answers."""

    def __init__(self, args):
        from sklearn.datasets import make_classification
        from sklearn.ensemble import HistGradientBoostingClassifier

        t0 = time.perf_counter()
        n_train = args.train_rows
        # The sample count must not depend on --rows (up to 1000): the model stays the same.
        x, y = make_classification(n_samples=n_train + max(args.rows, 1000), n_features=N_FEATURES,
                                   n_informative=12, n_redundant=4, n_classes=2, random_state=args.seed)
        # 3 decimals: compact JSON bodies, and split thresholds (midpoints between distinct
        # training values) at least 5e-4 from any input value, so float32 never flips a split.
        x = np.round(x, 3)
        self.estimator = HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=args.seed)
        # Fitted on named columns, as MLflow's pyfunc passes a DataFrame with the request's columns
        # (fitted on a bare array, sklearn would warn about feature names in the scoring server).
        self.estimator.fit(self.frame(x[:n_train]), y[:n_train])
        self.n_iter = int(self.estimator.n_iter_)
        self.train_s = time.perf_counter() - t0
        if self.n_iter != 100:
            raise BenchError(f"the model has {self.n_iter} iterations, expected 100")
        x, y = x[:n_train + args.rows], y[:n_train + args.rows]
        self.rows = x[n_train:]  # float64, 3 decimals
        self.labels = self.estimator.predict(self.frame(self.rows)).astype(np.int64)
        self.proba = self.estimator.predict_proba(self.frame(self.rows))
        self.train_accuracy = float((self.estimator.predict(self.frame(x[:n_train])) == y[:n_train]).mean())
        self.holdout_accuracy = float((self.labels == y[n_train:]).mean())

        from skl2onnx.common.data_types import FloatTensorType

        t0 = time.perf_counter()
        self.onnx = mf.convert_sklearn(self.estimator, [(INPUT_NAME, FloatTensorType([None, N_FEATURES]))],
                                       TARGET_OPSET, options={id(self.estimator): {"zipmap": False}})
        self.convert_s = time.perf_counter() - t0
        self.onnx_bytes = len(self.onnx.SerializeToString())

    @staticmethod
    def frame(x: np.ndarray):
        import pandas as pd

        return pd.DataFrame(x, columns=COLUMNS)

    def row_values(self, i: int) -> list[float]:
        return [float(v) for v in self.rows[i]]

    def oip_body(self, i: int) -> str:
        return json.dumps({"inputs": [{"name": INPUT_NAME, "shape": [1, N_FEATURES], "datatype": "FP32",
                                       "data": self.row_values(i)}]}, separators=(",", ":"))

    def split_body(self, i: int) -> str:
        return json.dumps({"dataframe_split": {"columns": COLUMNS, "data": [self.row_values(i)]}},
                          separators=(",", ":"))

    def describe(self) -> dict:
        return {"estimator": "HistGradientBoostingClassifier", "max_iter": 100, "n_iter": self.n_iter,
                "features": N_FEATURES, "classes": 2,
                "train_accuracy": round(self.train_accuracy, 4), "holdout_accuracy": round(self.holdout_accuracy, 4),
                "train_s": round(self.train_s, 2), "onnx_convert_s": round(self.convert_s, 2),
                "onnx_bytes": self.onnx_bytes, "onnx_opsets": TARGET_OPSET}


# ---------------------------------------------------------------------------------------------
# HTTP helpers
# ---------------------------------------------------------------------------------------------
def http_request(port: int, method: str, path: str, body: str | bytes | None = None,
                 headers: dict | None = None, timeout: float = 60) -> tuple[int, bytes, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read(), {k.lower(): v for k, v in resp.getheaders()}
    finally:
        conn.close()


class Session:
    """One keep-alive connection (http.client), reconnecting once when the server closed it."""

    def __init__(self, port: int, timeout: float = 60):
        self.port, self.timeout = port, timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        for attempt in (0, 1):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                return resp.status, resp.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


# ---------------------------------------------------------------------------------------------
# Capstan: server, model registration, deployment, prediction-log metrics
# ---------------------------------------------------------------------------------------------
def start_capstan(args, workdir: Path) -> Server:
    port = free_port()
    data_dir = workdir / "data"
    data_dir.mkdir(parents=True)
    argv = [args.capstan_bin, "server", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)]
    server = Server("capstan", argv, port, data_dir, workdir / "server.log")
    startup = server.start(args.startup_timeout)
    log(f"capstan up on :{port} in {startup:.1f}s (data {data_dir})")
    server.startup_s = startup
    return server


@contextlib.contextmanager
def client_output_to(path: Path):
    """The mlflow client's prints, warnings and alembic logs go to a file, not the report."""
    with open(path, "a") as f, contextlib.redirect_stdout(f), contextlib.redirect_stderr(f):
        try:
            yield
        except BaseException:
            f.flush()
            sys.__stderr__.write(path.read_text(errors="replace")[-3000:])
            raise


def deploy_on_capstan(server: Server, model: Model) -> dict:
    import mlflow
    import mlflow.onnx
    from mlflow import MlflowClient

    t0 = time.perf_counter()
    mlflow.set_tracking_uri(server.url)
    mlflow.set_registry_uri(server.url)
    with client_output_to(server.log_path.parent / "log_model.log"):
        exp_id = MlflowClient(server.url).create_experiment("serving-bench")
        with mlflow.start_run(experiment_id=exp_id):
            # Explicit requirements: inferring them would start a subprocess.
            info = mlflow.onnx.log_model(model.onnx, name="model", registered_model_name=REGISTERED_MODEL,
                                         input_example=model.rows[:2].astype(np.float32),
                                         pip_requirements=["onnx", "onnxruntime"])
    version = str(info.registered_model_version)
    log_s = time.perf_counter() - t0
    spec = {"name": DEPLOYMENT, "model": f"models:/{REGISTERED_MODEL}/{version}"}
    t0 = time.perf_counter()
    status, data, _ = http_request(server.port, "POST", DEPLOYMENTS, json.dumps(spec),
                                   {"Content-Type": "application/json"}, timeout=300)
    deploy_s = time.perf_counter() - t0
    if status != 200:
        raise BenchError(f"POST {DEPLOYMENTS} {spec} -> {status}: {data[:1000]!r}")
    body = json.loads(data)
    if body.get("status") != "serving":
        raise BenchError(f"deployment {DEPLOYMENT} is not serving: {body}")
    log(f"capstan: model logged as {REGISTERED_MODEL} v{version} in {log_s:.1f}s, deployed as "
        f"{DEPLOYMENT!r} in {deploy_s:.2f}s (revision {body.get('active_revision')})")
    return {"model_uri": spec["model"], "artifact_path": info.artifact_path, "log_model_s": round(log_s, 2),
            "deploy_s": round(deploy_s, 2), "revision": body.get("active_revision")}


def capstan_metrics(server: Server) -> dict[str, float]:
    """Sums of the prediction-log and request counters in /metrics (all label sets)."""
    status, data, _ = http_request(server.port, "GET", "/metrics", timeout=30)
    if status != 200:
        raise BenchError(f"GET /metrics -> {status}: {data[:300]!r}")
    wanted = ("capstan_prediction_log_written_total", "capstan_prediction_log_dropped_total",
              "capstan_prediction_log_queue_depth", "capstan_inference_requests_total")
    out = {k: 0.0 for k in wanted}
    for line in data.decode(errors="replace").splitlines():
        if not line or line.startswith("#"):
            continue
        name = re.split(r"[{\s]", line, maxsplit=1)[0]
        if name in out:
            try:
                out[name] += float(line.rsplit(None, 1)[1])
            except (IndexError, ValueError):
                pass
    return out


def drain_prediction_log(server: Server, timeout: float) -> tuple[dict, float]:
    """Waits until every inference request the server answered so far is written to the
    prediction log or counted as dropped (an empty queue is not enough: the writer may hold a
    batch), or until `timeout`. Only this script calls the server, without shadows, so each
    request makes one entry. Returns the counters and the wait."""
    t0 = time.perf_counter()
    while True:
        m = capstan_metrics(server)
        settled = (m["capstan_prediction_log_queue_depth"] <= 0
                   and m["capstan_prediction_log_written_total"] + m["capstan_prediction_log_dropped_total"]
                   >= m["capstan_inference_requests_total"])
        if settled or time.perf_counter() - t0 > timeout:
            return m, time.perf_counter() - t0
        time.sleep(0.1)


# ---------------------------------------------------------------------------------------------
# MLflow: the sklearn flavor in a local store, `mlflow models serve`
# ---------------------------------------------------------------------------------------------
def log_for_mlflow(model: Model, workdir: Path) -> tuple[str, str, float]:
    import mlflow
    import mlflow.sklearn
    import sklearn

    # A local SQLite store (mlflow 3.6 warns that the ./mlruns file store is deprecated).
    store = f"sqlite:///{workdir / 'mlflow.db'}"
    t0 = time.perf_counter()
    mlflow.set_tracking_uri(store)
    mlflow.set_registry_uri(store)
    with client_output_to(workdir / "log_model.log"):
        # An explicit artifact location: the default would be ./mlruns in the current directory.
        exp_id = mlflow.MlflowClient(store).create_experiment(
            "serving-bench", artifact_location=(workdir / "artifacts").as_uri())
        with mlflow.start_run(experiment_id=exp_id):
            info = mlflow.sklearn.log_model(model.estimator, name="model",
                                            input_example=model.frame(model.rows[:2]),
                                            pip_requirements=[f"scikit-learn=={sklearn.__version__}"])
    return info.model_uri, store, time.perf_counter() - t0


def start_mlflow(args, model: Model, workdir: Path) -> tuple[Server, dict]:
    model_uri, store, log_s = log_for_mlflow(model, workdir)
    log(f"mlflow: sklearn model logged to {store} as {model_uri} in {log_s:.1f}s")
    port = free_port()
    argv = [args.mlflow_bin, "models", "serve", "-m", model_uri, "--env-manager", "local",
            "--host", "127.0.0.1", "-p", str(port)]
    if args.mlflow_workers:
        argv += ["--workers", str(args.mlflow_workers)]
    # The serve process resolves the model URI against the tracking store. (Server passes this
    # process's environment on; Capstan, started before, has its own copy.)
    os.environ["MLFLOW_TRACKING_URI"] = store
    if args.mlflow_pythonpath:
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [args.mlflow_pythonpath,
                                                                 os.environ.get("PYTHONPATH")]))
    server = Server("mlflow", argv, port, workdir, workdir / "server.log")
    try:
        startup = server.start(args.startup_timeout)
    except BenchError as exc:
        if "object has no attribute 'route'" in str(exc):
            raise BenchError(f"{exc}\n\nmlflow 3.6.0's scoring server needs Starlette < 1.0 "
                             "(mlflow/mlflow#14648): run through scripts/bench/serving, which puts "
                             "fastapi/starlette versions that work on its PYTHONPATH") from None
        raise
    server.startup_s = startup
    log(f"mlflow models serve up on :{port} in {startup:.1f}s "
        f"(workers: {args.mlflow_workers or 'MLflow default'})")
    status, data, _ = http_request(port, "GET", "/ping", timeout=10)
    if status != 200:
        raise BenchError(f"mlflow models serve: GET /ping -> {status}: {data[:200]!r}")
    return server, {"model_uri": model_uri, "store": store, "log_model_s": round(log_s, 2),
                    "argv": shlex.join(argv), "pythonpath": args.mlflow_pythonpath,
                    "web_stack": serve_web_stack()}


def serve_web_stack() -> dict:
    """fastapi / starlette / uvicorn versions as the scoring server imports them (with the
    PYTHONPATH that start_mlflow set)."""
    code = "import fastapi, starlette, uvicorn; print(fastapi.__version__, starlette.__version__, uvicorn.__version__)"
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        fa, st, uv = out.stdout.split()
        return {"fastapi": fa, "starlette": st, "uvicorn": uv}
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return {}


# ---------------------------------------------------------------------------------------------
# Endpoints and the answer check
# ---------------------------------------------------------------------------------------------
class Endpoint:
    def __init__(self, key: str, server: Server, method: str, path: str, bodies: list[str] | None):
        self.key = key
        self.kind, self.label = ENDPOINTS[key]
        self.server, self.method, self.path, self.bodies = server, method, path, bodies

    @property
    def url(self) -> str:
        return self.server.url + self.path

    def describe(self) -> str:
        return f"{self.method} {self.path}"


def make_endpoints(args, model: Model, capstan: Server | None, mlflow_srv: Server | None) -> dict[str, Endpoint]:
    n = args.rows
    oip = [model.oip_body(i) for i in range(n)]
    split = [model.split_body(i) for i in range(n)]
    eps = {}
    if capstan is not None:
        eps["capstan_oip"] = Endpoint("capstan_oip", capstan, "POST", f"/v2/models/{DEPLOYMENT}/infer", oip)
        eps["capstan_invocations"] = Endpoint("capstan_invocations", capstan, "POST",
                                              f"/deployments/{DEPLOYMENT}/invocations", split)
    if mlflow_srv is not None:
        eps["mlflow_invocations"] = Endpoint("mlflow_invocations", mlflow_srv, "POST", "/invocations", split)
    if capstan is not None:
        eps["capstan_bare"] = Endpoint("capstan_bare", capstan, "GET", args.bare_path, None)
    return eps


def _check_answer(ep: Endpoint, i: int, payload: dict, model: Model) -> str | None:
    """None when the answer for row i matches sklearn, else what differs."""
    want_label, want_proba = int(model.labels[i]), model.proba[i]
    if ep.key == "capstan_oip":
        outputs = {o.get("name"): o for o in payload.get("outputs", [])}
        if set(outputs) != {"label", "probabilities"}:
            return f"outputs {sorted(outputs)}"
        label, proba = outputs["label"]["data"], outputs["probabilities"]["data"]
        if outputs["probabilities"].get("shape") != [1, 2]:
            return f"probabilities shape {outputs['probabilities'].get('shape')}"
    elif ep.key == "capstan_invocations":
        pred = payload.get("predictions")
        if not isinstance(pred, dict) or set(pred) != {"label", "probabilities"}:
            return f"predictions {str(pred)[:200]}"
        label, proba = pred["label"], pred["probabilities"]
        proba = proba[0] if proba and isinstance(proba[0], list) else proba
    else:  # MLflow's sklearn pyfunc answers predict(): labels only
        label, proba = payload.get("predictions"), None
    if not isinstance(label, list) or len(label) != 1 or label[0] != want_label:
        return f"label {label}, sklearn {want_label}"
    if proba is not None:
        got = np.asarray(proba, dtype=np.float64).reshape(-1)
        if got.shape != want_proba.shape or np.abs(got - want_proba).max() > PROBA_ATOL:
            return f"probabilities {got.tolist()}, sklearn {want_proba.tolist()}"
    return None


def verify(ep: Endpoint, model: Model, rows: int | None = None) -> dict:
    """Sends every body wrk will send (or the first `rows`) and checks the answers."""
    sess = Session(ep.server.port)
    bad: list[str] = []
    checked = 0
    try:
        if ep.bodies is None:
            status, data = sess.request(ep.method, ep.path)
            checked = 1
            if status != 200:
                bad.append(f"{ep.describe()} -> {status}: {data[:200]!r}")
        else:
            for i, body in enumerate(ep.bodies[:rows]):
                status, data = sess.request(ep.method, ep.path, body)
                checked += 1
                if status != 200:
                    bad.append(f"row {i}: {ep.describe()} -> {status}: {data[:300]!r}")
                else:
                    try:
                        diff = _check_answer(ep, i, json.loads(data), model)
                    except (ValueError, KeyError, TypeError, IndexError) as exc:
                        diff = f"unreadable answer ({exc!r}): {data[:300]!r}"
                    if diff:
                        bad.append(f"row {i}: {diff}")
                if len(bad) >= 5:
                    break
    finally:
        sess.close()
    return {"checked": checked, "mismatches": bad}


# ---------------------------------------------------------------------------------------------
# wrk
# ---------------------------------------------------------------------------------------------
WRK_LUA = """-- Generated by scripts/bench/serving_bench.py: single-row %(method)s requests to %(path)s,
-- cycling through %(n)d bodies (each thread starts at its own offset).
local bodies = {
%(bodies)s
}
local requests = {}
local i = 0
local threads = 0

function setup(thread)
  thread:set("offset", threads * 37)
  threads = threads + 1
end

function init(args)
  for k, body in ipairs(bodies) do
    requests[k] = wrk.format("%(method)s", nil, {["Content-Type"] = "application/json"}, body)
  end
  i = (offset or 0) %% #requests
end

function request()
  i = i %% #requests + 1
  return requests[i]
end
"""


def write_lua(ep: Endpoint, path: Path) -> Path | None:
    if ep.bodies is None:
        return None
    for b in ep.bodies:
        if "]==]" in b:
            raise BenchError("a request body contains ']==]'")
    text = WRK_LUA % {"method": ep.method, "path": ep.path, "n": len(ep.bodies),
                      "bodies": ",\n".join(f"[==[{b}]==]" for b in ep.bodies)}
    path.write_text(text)
    return path


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m|h)", text.strip())
    if not m:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def parse_wrk(out: str) -> dict:
    """Requests/sec, the latency distribution, totals and errors from wrk's --latency report."""
    res: dict = {}
    m = re.search(r"Latency Distribution\s*\n((?:\s+[0-9.]+%\s+\S+\s*\n)+)", out)
    if not m:
        raise ValueError("no 'Latency Distribution' in wrk's output")
    for pct, value in re.findall(r"([0-9.]+)%\s+(\S+)", m.group(1)):
        res[f"p{float(pct):g}_ms"] = _ms(value)
    m = re.search(r"^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)", out, re.M)
    if m:
        res["mean_ms"], res["max_ms"] = _ms(m.group(1)), _ms(m.group(3))
    m = re.search(r"(\d+) requests in ([0-9.]+\w+)", out)
    if not m:
        raise ValueError("no 'N requests in T' in wrk's output")
    res["requests"], res["duration_s"] = int(m.group(1)), _ms(m.group(2)) / 1000
    m = re.search(r"Requests/sec:\s*([0-9.]+)", out)
    if not m:
        raise ValueError("no 'Requests/sec' in wrk's output")
    res["requests_per_s"] = float(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    res["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    res["socket_errors"] = dict(zip(("connect", "read", "write", "timeout"), map(int, m.groups()))) if m else {}
    return res


def run_wrk(args, ep: Endpoint, seconds: float, lua: Path | None, out_path: Path) -> dict:
    cmd = [args.wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds:g}s", "--latency",
           "--timeout", args.wrk_timeout]
    if lua is not None:
        cmd += ["-s", str(lua)]
    cmd.append(ep.url)
    meter = CpuMeter(ep.server)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120,
                          stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
    cpu = meter.stop()
    out_path.write_text(f"$ {shlex.join(cmd)}\n{proc.stdout}{proc.stderr}")
    if proc.returncode != 0:
        raise BenchError(f"wrk exited with {proc.returncode}: {shlex.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    try:
        res = parse_wrk(proc.stdout)
    except ValueError as exc:
        raise BenchError(f"could not read wrk's report ({exc}): {shlex.join(cmd)}\n{proc.stdout}") from None
    wall = cpu["wall_s"] or seconds
    res["cpu"] = cpu
    res["server_cores"] = round(cpu["server_cpu_s"] / wall, 2)
    res["wrk_cores"] = round(cpu["bench_cpu_s"] / wall, 2)  # wrk is this script's only busy child
    res["command"] = shlex.join(cmd)
    return res


def measure(args, ep: Endpoint, lua: Path | None, workdir: Path, repeat: int) -> dict:
    problems: list[str] = []
    # The log's counters before the load, once the entries of earlier requests have landed.
    logged = ep.kind == "capstan" and ep.bodies is not None
    before = drain_prediction_log(ep.server, args.drain_timeout)[0] if logged else None
    if args.warmup > 0:
        warm = run_wrk(args, ep, args.warmup, lua, workdir / f"wrk-r{repeat}-{ep.key}-warmup.out")
        if warm["non_2xx"] or any(warm["socket_errors"].values()):
            problems.append(f"warm-up: {warm['non_2xx']} non-2xx responses, socket errors {warm['socket_errors']}")
    res = run_wrk(args, ep, args.duration, lua, workdir / f"wrk-r{repeat}-{ep.key}.out")
    if res["non_2xx"]:
        problems.append(f"{res['non_2xx']} non-2xx responses")
    if any(res["socket_errors"].values()):
        problems.append(f"socket errors {res['socket_errors']}")
    if before is not None:
        after, waited = drain_prediction_log(ep.server, args.drain_timeout)
        d = {k: after[k] - before[k] for k in after}
        res["prediction_log"] = {
            "requests": int(d["capstan_inference_requests_total"]),  # warm-up included
            "written": int(d["capstan_prediction_log_written_total"]),
            "dropped": int(d["capstan_prediction_log_dropped_total"]),
            "queue_depth_after": int(after["capstan_prediction_log_queue_depth"]),
            "drain_wait_s": round(waited, 2),
        }
        pl = res["prediction_log"]
        if pl["dropped"]:
            problems.append(f"the prediction log dropped {pl['dropped']} of {pl['requests']} entries")
        if pl["written"] + pl["dropped"] != pl["requests"]:
            problems.append(f"{pl['drain_wait_s']:g}s after the load, {pl['requests']} inference requests (warm-up "
                            f"included) had {pl['written']} prediction log entries written and {pl['dropped']} "
                            f"dropped ({pl['queue_depth_after']} queued)")
    res["problems"] = problems
    pl = res.get("prediction_log")
    log(f"  {ep.key:<20} {res['requests_per_s']:>9,.0f} req/s  p50 {res['p50_ms']:7.2f} ms  p99 "
        f"{res['p99_ms']:8.2f} ms  server {res['server_cores']:.2f} cores, wrk {res['wrk_cores']:.2f}, "
        f"others {res['cpu']['other_cores']:.2f}"
        + (f"; prediction log {pl['written']} written, {pl['dropped']} dropped of {pl['requests']} "
           f"(drained in {pl['drain_wait_s']:.1f}s)" if pl else "")
        + (f"  PROBLEMS: {'; '.join(problems)}" if problems else ""))
    return res


# ---------------------------------------------------------------------------------------------
# Medians, ratios, targets
# ---------------------------------------------------------------------------------------------
FIGURES = [  # (key, header, unit)
    ("requests_per_s", "req/s", "req/s"),
    ("p50_ms", "p50 [ms]", "ms"),
    ("p99_ms", "p99 [ms]", "ms"),
    ("server_cores", "server CPU [cores]", "cores"),
    ("wrk_cores", "wrk CPU [cores]", "cores"),
    ("cpu.other_cores", "noise [cores]", "cores"),
]


def medians(repeats: list[dict]) -> dict:
    med: dict = {}
    for key in ENDPOINTS:
        vals = {}
        for fig, _, _ in FIGURES:
            xs = [get_path(r[key], fig) for r in repeats if key in r]
            xs = [x for x in xs if isinstance(x, (int, float))]
            if xs:
                vals[fig] = statistics.median(xs)
        if vals:
            med[key] = vals
    return med


def ratio(num, den):
    return num / den if num is not None and den else None


def ratios(med: dict) -> dict:
    rps = {k: v.get("requests_per_s") for k, v in med.items()}
    return {
        "capstan_oip_vs_mlflow": ratio(rps.get("capstan_oip"), rps.get("mlflow_invocations")),
        "capstan_invocations_vs_mlflow": ratio(rps.get("capstan_invocations"), rps.get("mlflow_invocations")),
        "capstan_oip_vs_bare": ratio(rps.get("capstan_oip"), rps.get("capstan_bare")),
        "capstan_invocations_vs_bare": ratio(rps.get("capstan_invocations"), rps.get("capstan_bare")),
    }


def evaluate_targets(med: dict, rat: dict, problems_by_endpoint: dict) -> list[dict]:
    out = []
    for key in ("capstan_oip", "capstan_invocations"):
        if key not in med:
            continue
        label = ENDPOINTS[key][1]
        rps, p99 = med[key].get("requests_per_s"), med[key].get("p99_ms")
        mlflow_rps = get_path(med, "mlflow_invocations.requests_per_s")
        r = rat.get(f"{key}_vs_mlflow")
        probs = problems_by_endpoint.get(key, []) + problems_by_endpoint.get("mlflow_invocations", [])
        if r is None:
            out.append({"endpoint": key, "target": f"{label}: >= {TARGET_RATIO:g}x MLflow req/s, p99 <= "
                        f"{TARGET_P99_MS:g} ms", "met": None, "detail": "MLflow not measured",
                        "measurement_problems": probs})
        else:
            out.append({"endpoint": key,
                        "target": f"{label}: >= {TARGET_RATIO:g}x MLflow req/s, p99 <= {TARGET_P99_MS:g} ms",
                        "met": r >= TARGET_RATIO and p99 <= TARGET_P99_MS and not probs,
                        "detail": f"{rps:,.0f} vs {mlflow_rps:,.1f} req/s = {r:,.1f}x; p99 {p99:.2f} ms",
                        "measurement_problems": probs})
        share = rat.get(f"{key}_vs_bare")
        bare = get_path(med, "capstan_bare.requests_per_s")
        probs = problems_by_endpoint.get(key, []) + problems_by_endpoint.get("capstan_bare", [])
        out.append({"endpoint": key, "target": f"{label}: >= {TARGET_BARE_SHARE:.0%} of the bare endpoint's req/s",
                    "met": None if share is None else share >= TARGET_BARE_SHARE and not probs,
                    "detail": "-" if share is None else f"{rps:,.0f} vs {bare:,.0f} req/s = {share:.1%}",
                    "measurement_problems": probs})
    return out


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
def fmt(v, unit: str) -> str:
    if v is None:
        return "-"
    if unit == "req/s":
        return f"{v:,.1f}" if v < 100 else f"{v:,.0f}"
    if unit == "ms":
        return f"{v:.2f}" if v < 100 else f"{v:,.1f}"
    if unit == "cores":
        return f"{v:.2f}"
    if unit == "x":
        return f"{v:,.1f}x"
    if unit == "%":
        return f"{v:.1%}"
    return f"{v:g}"


def _mark(met) -> str:
    return "n/a" if met is None else ("met" if met else "NOT MET")


def _endpoint_label(result: dict, key: str) -> str:
    return f"{ENDPOINTS[key][1]} ({result['endpoints'][key]})"


RATIO_ROWS = [
    ("capstan_oip_vs_mlflow", "Capstan OIP req/s / MLflow req/s", "x"),
    ("capstan_invocations_vs_mlflow", "Capstan /invocations req/s / MLflow req/s", "x"),
    ("capstan_oip_vs_bare", "Capstan OIP req/s / bare req/s", "%"),
    ("capstan_invocations_vs_bare", "Capstan /invocations req/s / bare req/s", "%"),
]


def print_report(result: dict) -> None:
    p = print
    cfg, med = result["config"], result["median"]
    keys = [k for k in ENDPOINTS if k in med]
    p("")
    p(f"wrk -t{cfg['threads']} -c{cfg['connections']} -d{cfg['duration']:g}s --latency, single-row requests "
      f"cycling through {cfg['rows']} rows, {cfg['warmup']:g}s warm-up per endpoint, "
      f"{result['repeats_done']} repeat(s). Bare endpoint: GET {cfg['bare_path']} on Capstan (no inference).")
    p("")
    p(f"Medians of {result['repeats_done']} repeat(s):")
    w = max(len(_endpoint_label(result, k)) for k in keys)
    p(f"  {'endpoint':<{w}} " + " ".join(f"{h:>18}" for _, h, _ in FIGURES))
    for k in keys:
        p(f"  {_endpoint_label(result, k):<{w}} " + " ".join(f"{fmt(med[k].get(f), u):>18}" for f, _, u in FIGURES))
    p("")
    p("Ratios (medians):")
    for key, label, unit in RATIO_ROWS:
        p(f"  {label:<44} {fmt(result['ratios'].get(key), unit):>10}")
    p("")
    p("Per repeat (req/s | p50 ms | p99 ms | noise cores):")
    for i, rep in enumerate(result["repeats"]):
        parts = [f"{ENDPOINTS[k][1]} {fmt(rep[k]['requests_per_s'], 'req/s')} | {fmt(rep[k]['p50_ms'], 'ms')} | "
                 f"{fmt(rep[k]['p99_ms'], 'ms')} | {fmt(rep[k]['cpu']['other_cores'], 'cores')}"
                 for k in ENDPOINTS if k in rep]
        p(f"  #{i + 1} ({' -> '.join(rep['order'])}):")
        for part in parts:
            p(f"      {part}")
    p("")
    p("Targets (medians):")
    for t in result["targets"]:
        extra = f"  (measurement problems: {'; '.join(t['measurement_problems'])})" if t["measurement_problems"] else ""
        p(f"  {t['target']:<66} {_mark(t['met']):<8} {t['detail']}{extra}")
    if result.get("problems"):
        p("")
        p("Problems:")
        for pr in result["problems"]:
            p(f"  - {pr}")
    p("")


def render_markdown(result: dict) -> str:
    cfg, ver, med = result["config"], result["versions"], result["median"]
    keys = [k for k in ENDPOINTS if k in med]
    cap = result.get("capstan_bin") or {}
    setup = result.get("setup", {})
    web = ", ".join(f"{k} {v}" for k, v in (get_path(setup, "mlflow.web_stack") or {}).items()) or "?"
    lines = markdown_setup_lines(result) + [
        f"| Capstan | `capstan --version` {ver.get('capstan')}; binary `{cap.get('path')}` "
        f"(sha256 `{(cap.get('sha256') or '?')[:16]}…`, built {cap.get('mtime', '?')}); repository HEAD "
        f"`{ver.get('git_head', '?')}`; prediction log on |",
        f"| MLflow | `mlflow models serve` {ver.get('mlflow')} (`--env-manager local`, "
        f"{'--workers ' + str(cfg['mlflow_workers']) if cfg.get('mlflow_workers') else 'default workers (1 uvicorn worker)'}), "
        f"sklearn flavor; scoring server on {web} |",
        f"| model | HistGradientBoostingClassifier, 100 iterations, {N_FEATURES} features, binary; scikit-learn "
        f"{ver.get('sklearn')}, skl2onnx {ver.get('skl2onnx')}, onnx {ver.get('onnx')} (ONNX "
        f"{get_path(setup, 'model.onnx_bytes')} bytes), Python {ver.get('python')} |",
        f"| load | {ver.get('wrk')}: `-t{cfg['threads']} -c{cfg['connections']} -d{cfg['duration']:g}s --latency "
        f"--timeout {cfg['wrk_timeout']}`, single-row requests cycling through {cfg['rows']} rows, "
        f"{cfg['warmup']:g} s warm-up per endpoint; bare endpoint `GET {cfg['bare_path']}` |",
        "",
        f"**Medians of {result['repeats_done']} repeat(s).** Server / wrk CPU: cores used during the "
        "measurement; noise: cores used by other processes on the machine.",
        "",
        "| endpoint | " + " | ".join(h for _, h, _ in FIGURES) + " |",
        "|---|" + "---:|" * len(FIGURES),
    ]
    for k in keys:
        lines.append(f"| {ENDPOINTS[k][1]} (`{result['endpoints'][k]}`) | "
                     + " | ".join(fmt(med[k].get(f), u) for f, _, u in FIGURES) + " |")
    lines += ["", "| ratio (medians) | value |", "|---|---:|"]
    for key, label, unit in RATIO_ROWS:
        lines.append(f"| {label} | {fmt(result['ratios'].get(key), unit)} |")
    lines += ["", "| target | result | measured (medians) |", "|---|---|---|"]
    for t in result["targets"]:
        mark = {None: "n/a", True: "met", False: "**not met**"}[t["met"]]
        extra = f" (measurement problems: {'; '.join(t['measurement_problems'])})" if t["measurement_problems"] else ""
        lines.append(f"| {t['target']} | {mark} | {t['detail']}{extra} |")
    lines += ["", "**Per repeat.**", "",
              "| repeat | endpoint | " + " | ".join(h for _, h, _ in FIGURES) + " | prediction log written / dropped |",
              "|---:|---|" + "---:|" * (len(FIGURES) + 1)]
    for i, rep in enumerate(result["repeats"]):
        for k in ENDPOINTS:
            if k not in rep:
                continue
            pl = rep[k].get("prediction_log")
            logged = f"{pl['written']:,} / {pl['dropped']:,}" if pl else "-"
            lines.append(f"| {i + 1} | {ENDPOINTS[k][1]} | "
                         + " | ".join(fmt(get_path(rep[k], f), u) for f, _, u in FIGURES) + f" | {logged} |")
    if result.get("problems"):
        lines += ["", "**Problems:**", ""] + [f"- {pr}" for pr in result["problems"]]
    return "\n".join(lines) + "\n"


def log_problems(server: Server) -> tuple[list[str], int]:
    """The server's error/warning-looking log lines, less the tracebacks uvicorn logs for a
    request whose client went away (wrk closes its connections with requests in flight when
    its time is up), and the number of those tracebacks."""
    lines = server.log_problems()
    try:
        text = server.log_path.read_text(errors="replace").splitlines()
    except OSError:
        return lines, 0
    benign: list[str] = []
    cut_off = 0
    i = 0
    while i < len(text):
        if "Exception in ASGI application" in text[i]:
            j = i + 1
            while j < len(text) and (text[j].startswith((" ", "\t", "Traceback")) or not text[j].strip()):
                j += 1
            if j < len(text) and text[j].strip().endswith("ClientDisconnect"):
                benign += text[i:j + 1]
                cut_off += 1
                i = j + 1
                continue
        i += 1
    left = list(lines)
    for line in benign:
        if line in left:
            left.remove(line)
    return left, cut_off


# ---------------------------------------------------------------------------------------------
# Machine and versions
# ---------------------------------------------------------------------------------------------
def versions(args) -> dict:
    import mlflow
    import onnx
    import skl2onnx
    import sklearn

    v = {"python": platform.python_version(), "numpy": np.__version__, "mlflow": mlflow.__version__,
         "sklearn": sklearn.__version__, "skl2onnx": skl2onnx.__version__, "onnx": onnx.__version__}
    for key, cmd in (("capstan", [args.capstan_bin, "--version"]),
                     ("git_head", ["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"]),
                     ("wrk", [args.wrk, "-v"])):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
            v[key] = ((out.stdout or out.stderr).strip().splitlines() or [None])[0]
        except (OSError, subprocess.TimeoutExpired):
            v[key] = None
    if v.get("wrk"):
        v["wrk"] = v["wrk"].split(" Copyright")[0]
    return v


# ---------------------------------------------------------------------------------------------
# Orchestration
# ---------------------------------------------------------------------------------------------
def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeat", type=int, default=3, help="repeats of the four measurements (default 3)")
    p.add_argument("--duration", type=float, default=10, help="seconds of wrk load per measurement (default 10)")
    p.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads (default 2: this machine's cores)")
    p.add_argument("--warmup", type=float, default=2, help="seconds of wrk warm-up before each measurement (default 2)")
    p.add_argument("--wrk-timeout", default="30s",
                   help="wrk --timeout (default 30s; with wrk's 2s default, slow responses would be left "
                        "out of the latency histogram)")
    p.add_argument("--rows", type=int, default=100, help="distinct single-row bodies cycled by wrk (default 100)")
    p.add_argument("--train-rows", type=int, default=5000, help="training rows (default 5000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--bare-path", default="/v2/health/ready",
                   help="the no-inference endpoint on Capstan (default /v2/health/ready; /healthz also works)")
    p.add_argument("--mlflow-workers", type=int, default=None,
                   help="mlflow models serve --workers (default: not passed, MLflow's default of 1)")
    p.add_argument("--mlflow-pythonpath", default=os.environ.get("CAPSTAN_BENCH_MLFLOW_PYTHONPATH") or None,
                   help="put this directory first on mlflow models serve's PYTHONPATH (default "
                        "$CAPSTAN_BENCH_MLFLOW_PYTHONPATH: the wrapper installs there fastapi/starlette "
                        "versions that mlflow 3.6.0's scoring server can run on)")
    p.add_argument("--skip-mlflow", action="store_true", help="Capstan only (no ratios against MLflow)")
    p.add_argument("--capstan-bin", default=os.environ.get("CAPSTAN_BIN", str(REPO_ROOT / ".build/release/capstan")))
    p.add_argument("--mlflow-bin", default=str(Path(sys.executable).parent / "mlflow"))
    p.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk")
    p.add_argument("--startup-timeout", type=float, default=180, help="seconds for a server to answer /health")
    p.add_argument("--drain-timeout", type=float, default=30,
                   help="seconds to wait for Capstan's prediction log queue to empty after a measurement")
    p.add_argument("--json-out", help="write all results (every repeat) as JSON to this file")
    p.add_argument("--markdown-out", help="write the setup, median, ratio, target and per-repeat tables as Markdown")
    p.add_argument("--keep-data", action="store_true", help="keep the servers' data directories")
    args = p.parse_args(argv)
    if (args.repeat < 1 or args.duration <= 0 or args.connections < 1 or args.threads < 1 or args.warmup < 0
            or args.rows < 1 or args.train_rows < 100):
        p.error("--repeat, --connections, --threads, --rows >= 1, --duration > 0, --warmup >= 0, --train-rows >= 100")
    if args.threads > args.connections:
        p.error("wrk needs at least one connection per thread (--connections >= --threads)")
    if not args.bare_path.startswith("/"):
        p.error("--bare-path must start with /")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    if not os.access(args.capstan_bin, os.X_OK):
        print(f"Capstan binary not found or not executable: {args.capstan_bin} (set CAPSTAN_BIN)", file=sys.stderr)
        return 2
    if not os.access(args.wrk, os.X_OK):
        print(f"wrk not found: {args.wrk} (apt-get install -y wrk)", file=sys.stderr)
        return 2
    if not args.skip_mlflow and not os.access(args.mlflow_bin, os.X_OK):
        print(f"mlflow CLI not found: {args.mlflow_bin} (run through scripts/bench/serving)", file=sys.stderr)
        return 2
    # Paths given relative to where the script was started, before moving to the work dir.
    args.capstan_bin = os.path.abspath(args.capstan_bin)
    for name in ("json_out", "markdown_out", "mlflow_pythonpath"):
        if getattr(args, name):
            setattr(args, name, os.path.abspath(getattr(args, name)))
    if os.environ.pop("MLFLOW_MODELS_WORKERS", None) is not None:
        log("MLFLOW_MODELS_WORKERS was set: ignored (use --mlflow-workers)")
    stamp = binary_stamp(args.capstan_bin)

    root = Path(tempfile.mkdtemp(prefix="capstan-serving-bench-"))
    log(f"work dir {root} (server logs, wrk scripts and output)")
    # MLflow's SQLite store creates ./mlruns (its default artifact root) wherever it is opened,
    # here and in `mlflow models serve`: let that be the work dir, not the repository.
    os.chdir(root)
    result: dict = {
        "started": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": shlex.join(["scripts/bench/serving", *(sys.argv[1:] if argv is None else argv)]),
        "machine": common_machine_info() | {"loadavg_before": _loadavg()},
        "versions": versions(args),
        "capstan_bin": binary_info(args.capstan_bin),
        "config": {k: v for k, v in vars(args).items() if k not in ("json_out", "markdown_out")},
        "setup": {},
        "repeats": [],
        "work_dir": str(root),
    }
    log(f"capstan {result['versions'].get('capstan')} at {args.capstan_bin} "
        f"(sha256 {result['capstan_bin']['sha256'][:12]}); mlflow {result['versions'].get('mlflow')}; "
        f"load average {result['machine']['loadavg_before']}")
    status = 0
    problems: list[str] = []
    servers: dict[str, Server] = {}
    try:
        model = Model(args)
        result["setup"]["model"] = model.describe() | {"train_rows": args.train_rows}
        log(f"trained HistGradientBoostingClassifier ({model.n_iter} iterations, {N_FEATURES} features) in "
            f"{model.train_s:.1f}s, hold-out accuracy {model.holdout_accuracy:.3f}; ONNX {model.onnx_bytes:,} "
            f"bytes in {model.convert_s:.1f}s")

        (root / "capstan").mkdir()
        servers["capstan"] = start_capstan(args, root / "capstan")
        result["setup"]["capstan"] = deploy_on_capstan(servers["capstan"], model) | {
            "startup_s": round(servers["capstan"].startup_s, 2), "log": str(servers["capstan"].log_path)}
        if not args.skip_mlflow:
            (root / "mlflow").mkdir()
            srv, info = start_mlflow(args, model, root / "mlflow")
            servers["mlflow"] = srv
            result["setup"]["mlflow"] = info | {"startup_s": round(srv.startup_s, 2), "log": str(srv.log_path)}

        endpoints = make_endpoints(args, model, servers.get("capstan"), servers.get("mlflow"))
        result["endpoints"] = {k: ep.describe() for k, ep in endpoints.items()}
        luas = {k: write_lua(ep, root / f"{k}.lua") for k, ep in endpoints.items()}
        for ep in endpoints.values():
            check = verify(ep, model)
            result["setup"].setdefault("verify_before", {})[ep.key] = check
            if check["mismatches"]:
                raise BenchError(f"{ep.label} ({ep.describe()}) does not answer like the sklearn model: "
                                 + "; ".join(check["mismatches"]))
            log(f"verified {ep.label} ({ep.describe()}): " + (
                f"{check['checked']} rows answered as the sklearn model does" if ep.bodies is not None else "200"))

        order = list(endpoints)
        for r in range(args.repeat):
            # Alternate the order, so that drift on this shared machine hits every endpoint.
            rep_order = order if r % 2 == 0 else order[::-1]
            log(f"=== repeat {r + 1}/{args.repeat}: {', '.join(rep_order)} ===")
            rep: dict = {"order": rep_order}
            for k in rep_order:
                rep[k] = measure(args, endpoints[k], luas[k], root, r + 1)
            if binary_stamp(args.capstan_bin) != stamp:
                rep["binary_changed"] = True
            result["repeats"].append(rep)

        for ep in endpoints.values():
            check = verify(ep, model, rows=10)
            result["setup"].setdefault("verify_after", {})[ep.key] = check
            if check["mismatches"]:
                problems.append(f"after the load, {ep.label} answered differently: {'; '.join(check['mismatches'])}")
        for kind, srv in servers.items():
            result["setup"][kind]["rss_mib_at_end"] = round(srv.rss_mib(), 1)
    except KeyboardInterrupt:
        log("interrupted: stopping the servers")
        status = 130
    except BenchError as exc:
        log(f"benchmark failed: {exc}")
        status = 1
    finally:
        for kind, srv in servers.items():
            alive = srv.proc is not None and srv.proc.poll() is None
            if not alive and status == 0:
                problems.append(f"{kind} was not running at the end; log {srv.log_path}")
        stop_all_servers()

    for kind, srv in servers.items():
        lines, cut_off = log_problems(srv)
        if lines:
            problems.append(f"{kind}: {len(lines)} error/warning-looking log lines, e.g. {lines[0][:200]!r} "
                            f"({srv.log_path})")
        if cut_off:
            result["setup"].setdefault(kind, {})["client_disconnect_tracebacks"] = cut_off
            log(f"{kind}: {cut_off} ClientDisconnect traceback(s) in its log: requests in flight when wrk "
                "stopped (not counted as problems)")
    if not args.keep_data:  # the logs (small) stay
        shutil.rmtree(root / "capstan" / "data", ignore_errors=True)
        shutil.rmtree(root / "mlflow" / "artifacts", ignore_errors=True)
        (root / "mlflow" / "mlflow.db").unlink(missing_ok=True)
    log(f"server logs and wrk output are in {root}")
    repeats = result["repeats"]
    if not repeats:
        return status or 1
    result["complete"] = status == 0
    result["repeats_done"] = len(repeats)
    result["machine"]["loadavg_after"] = _loadavg()
    result["finished"] = _dt.datetime.now().astimezone().isoformat(timespec="seconds")
    result["median"] = med = medians(repeats)
    result["ratios"] = ratios(med)

    by_endpoint: dict[str, list[str]] = {}
    noisy = []
    for i, rep in enumerate(repeats):
        for k in ENDPOINTS:
            if k not in rep:
                continue
            for pr in rep[k]["problems"]:
                problems.append(f"repeat {i + 1} {k}: {pr}")
                if "prediction log dropped" not in pr:  # drops are reported, but do not void a figure
                    by_endpoint.setdefault(k, []).append(f"r{i + 1}: {pr}")
            other = get_path(rep[k], "cpu.other_cores") or 0.0
            if other > NOISE_CORES:
                noisy.append(other)
        if rep.get("binary_changed"):
            problems.append(f"{args.capstan_bin} changed during repeat {i + 1} (rebuilt?): copy the binary "
                            "elsewhere and set CAPSTAN_BIN for a clean run")
    if noisy:
        n = sum(1 for rep in repeats for k in ENDPOINTS if k in rep)
        problems.append(f"other processes used more than {NOISE_CORES} cores during {len(noisy)} of {n} "
                        f"measurements (up to {max(noisy):.2f} of {os.cpu_count()} cores): figures may be off")
    if status:
        problems.append(f"incomplete run: {len(repeats)} of {args.repeat} repeats")
    result["problems"] = problems
    result["targets"] = evaluate_targets(med, result["ratios"], by_endpoint)
    print_report(result)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, indent=2, default=str) + "\n")
        log(f"wrote {args.json_out}")
    if args.markdown_out:
        Path(args.markdown_out).write_text(render_markdown(result))
        log(f"wrote {args.markdown_out}")
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        stop_all_servers()
