#!/usr/bin/env python3
"""Tracking benchmark: Capstan vs. the reference MLflow tracking server.

Run through ``scripts/bench/tracking`` (which creates the pinned Python environment first).
Each repeat starts every server on a fresh data directory and runs the same workload:

  (a) N runs, each: create_run, one log_batch (10 params + 3 metrics x 100 steps),
      set_terminated, through ``MlflowClient``                        -> runs/s
  (b) ``MlflowClient.search_runs`` with a metric filter and order_by over those runs -> p50
  (c) ``wrk`` POSTing ``/api/2.0/mlflow/runs/log-metric`` to one run  -> req/s, p50, p99
  (d) Capstan only: 100,000 runs loaded over raw HTTP, then ``runs/search`` with
      max_results=1000, a metric filter and order_by: raw HTTP p50 and MlflowClient p50.

Medians over the repeats are compared with the targets; ``--json-out`` writes everything.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import http.client
import json
import os
import platform
import random
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from bench_common import BenchError, get_path, log  # noqa: E402
from bench_common import machine_info as common_machine_info  # noqa: E402
from bench_common import die_with_parent as _die_with_parent  # noqa: E402
from bench_common import loadavg as _loadavg  # noqa: E402
from bench_common import machine_busy_seconds as _machine_busy_seconds  # noqa: E402

# The client must be configured before mlflow is imported: no telemetry, and no silent
# retries (a retried 5xx would hide a server error and distort the timing).
os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"
os.environ["MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR"] = "0"
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "300")
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
# set_terminated would otherwise GET the run to print its URL: 3 requests per run, not 4.
os.environ["MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT"] = "true"

REPO_ROOT = Path(__file__).resolve().parents[2]
API = "/api/2.0/mlflow"

FILTER = "metrics.m0 > 0.5"
ORDER_BY = ["metrics.m1 DESC"]

# Targets, as (figure, description). Checked in `evaluate_targets`.
TARGETS = {
    "a": "Capstan runs/s >= 10x MLflow",
    "b": "Capstan p50 <= 1/20 of MLflow p50",
    "c": "Capstan req/s >= 50x MLflow and Capstan p99 <= 10 ms",
    "d": "search over 100,000 runs p50 <= 100 ms",
}



# ---------------------------------------------------------------------------------------------
# Server processes
# ---------------------------------------------------------------------------------------------
_LIVE_SERVERS: list["Server"] = []


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _clock_ticks() -> int:
    return os.sysconf("SC_CLK_TCK")


class Server:
    def __init__(self, kind: str, argv: list[str], port: int, data_dir: Path, log_path: Path):
        self.kind = kind
        self.argv = argv
        self.port = port
        self.data_dir = data_dir
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self._log_file = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float) -> float:
        self._log_file = open(self.log_path, "wb")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            self.argv,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: killpg gets uvicorn children too
            preexec_fn=_die_with_parent,
            env=os.environ.copy(),
        )
        _LIVE_SERVERS.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(
                    f"{self.kind} exited with {self.proc.returncode} before it was ready; "
                    f"log {self.log_path}:\n{self.log_tail()}"
                )
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/health")
                resp = conn.getresponse()
                resp.read()
                conn.close()
                if resp.status == 200:
                    return time.perf_counter() - t0
            except OSError:
                pass
            time.sleep(0.1)
        raise BenchError(f"{self.kind} not ready after {timeout}s; log tail:\n{self.log_tail()}")

    def cpu_seconds(self) -> float:
        """utime+stime of every live process in the server's session (mlflow + uvicorn)."""
        if self.proc is None:
            return 0.0
        sid = self.proc.pid
        total = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    data = f.read().decode("ascii", "replace")
            except OSError:
                continue
            fields = data[data.rfind(")") + 2 :].split()
            # fields[0] is field 3 (state); session is field 6, utime 14, stime 15.
            if int(fields[3]) == sid:
                total += int(fields[11]) + int(fields[12])
        return total / _clock_ticks()

    def rss_mib(self) -> float:
        if self.proc is None:
            return 0.0
        sid = self.proc.pid
        total = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    data = f.read().decode("ascii", "replace")
                fields = data[data.rfind(")") + 2 :].split()
                if int(fields[3]) != sid:
                    continue
                with open(f"/proc/{entry}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1])
            except (OSError, ValueError, IndexError):
                continue
        return total / 1024

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)
        # Children (uvicorn) may outlive the parent: clear the whole group.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self in _LIVE_SERVERS:
            _LIVE_SERVERS.remove(self)
        if self._log_file:
            self._log_file.close()
            self._log_file = None

    def log_tail(self, n: int = 40) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-n:])

    def log_problems(self) -> list[str]:
        """Log lines that look like errors (5xx, tracebacks, 'error' levels)."""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return []
        pat = re.compile(
            r"(\berror\b|\bERROR\b|\bcritical\b|\bCRITICAL\b|Traceback|\bfatal\b|"
            r"Fatal error|panic|\bwarning\b|\bWARNING\b|\" 5\d\d\b|status[=: ]+5\d\d)",
            re.IGNORECASE,
        )
        return [l for l in lines if pat.search(l)]



class CpuMeter:
    """CPU used during a phase by the server, by this script (+ wrk), and by everything else
    on the machine: the last one shows how noisy the shared machine was."""

    def __init__(self, server: "Server"):
        self.server = server
        self.t0 = time.perf_counter()
        self.machine0 = _machine_busy_seconds()
        self.server0 = server.cpu_seconds()
        t = os.times()
        self.self0 = t.user + t.system + t.children_user + t.children_system

    def stop(self) -> dict:
        t = os.times()
        own = t.user + t.system + t.children_user + t.children_system - self.self0
        srv = self.server.cpu_seconds() - self.server0
        machine = _machine_busy_seconds() - self.machine0
        wall = time.perf_counter() - self.t0
        other = max(0.0, machine - srv - own)
        return {"server_cpu_s": round(srv, 2), "bench_cpu_s": round(own, 2),
                "other_cpu_s": round(other, 2), "wall_s": round(wall, 2),
                "other_cores": round(other / wall, 2) if wall > 0 else None}


def stop_all_servers() -> None:
    for s in list(_LIVE_SERVERS):
        try:
            s.stop()
        except Exception as exc:  # noqa: BLE001 - best effort on the way out
            log(f"could not stop {s.kind}: {exc}")


def _on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def make_server(kind: str, args, workdir: Path) -> Server:
    port = free_port()
    data_dir = workdir / "data"
    data_dir.mkdir(parents=True)
    log_path = workdir / "server.log"
    if kind == "capstan":
        argv = [
            args.capstan_bin, "server", "--host", "127.0.0.1", "--port", str(port),
            "--data-dir", str(data_dir),
        ]
    elif kind == "mlflow":
        argv = [
            args.mlflow_bin, "server",
            "--backend-store-uri", f"sqlite:///{data_dir}/mlflow.db",
            "--artifacts-destination", str(data_dir / "art"),
            "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(args.mlflow_workers),
        ]
    else:
        raise ValueError(kind)
    return Server(kind, argv, port, data_dir, log_path)


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------
def percentile(values: list[float], p: float) -> float:
    """Nearest-rank-with-interpolation percentile (same as numpy's default 'linear')."""
    if not values:
        return float("nan")
    xs = sorted(values)
    k = (len(xs) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


class RawClient:
    """Minimal keep-alive JSON client over http.client (much lighter than requests)."""

    def __init__(self, port: int, timeout: float = 120):
        self.port = port
        self.timeout = timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def _exchange(self, method: str, path: str, body: bytes | None, headers: dict) -> tuple[int, bytes]:
        for attempt in (0, 1):
            try:
                self.conn.request(method, API + path, body=body, headers=headers)
                resp = self.conn.getresponse()
                return resp.status, resp.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # Servers close idle keep-alive connections (uvicorn after 5 s); reconnect once.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def post_raw(self, path: str, payload: dict) -> tuple[int, bytes]:
        body = json.dumps(payload).encode()
        return self._exchange("POST", path, body, {"Content-Type": "application/json"})

    def post(self, path: str, payload: dict) -> dict:
        status, data = self.post_raw(path, payload)
        if status != 200:
            raise BenchError(f"POST {path} -> {status}: {data[:300]!r}")
        return json.loads(data) if data else {}

    def get(self, path: str) -> dict:
        status, data = self._exchange("GET", path, None, {})
        if status != 200:
            raise BenchError(f"GET {path} -> {status}: {data[:300]!r}")
        return json.loads(data) if data else {}

    def close(self) -> None:
        self.conn.close()


def mlflow_client(url: str):
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=url)


# ---------------------------------------------------------------------------------------------
# (a) + (b): log_batch workload and search over it
# ---------------------------------------------------------------------------------------------
def workload_a(server: Server, args, seed: int) -> tuple[dict, dict]:
    from mlflow.entities import Metric, Param

    client = mlflow_client(server.url)
    rng = random.Random(seed)
    exp_id = client.create_experiment(f"bench-a-{seed}")
    base_ts = int(time.time() * 1000)

    # Build every batch before the clock starts: only client calls + server work are timed.
    batches = []
    for i in range(args.runs):
        params = [Param(f"p{j}", f"value-{i}-{j}") for j in range(10)]
        metrics = []
        last = {}
        for k in range(3):
            for step in range(100):
                v = rng.random()
                metrics.append(Metric(f"m{k}", v, base_ts + step, step))
            last[f"m{k}"] = v  # value at the highest step = the run's latest metric
        batches.append((f"bench-{i}", params, metrics, last))

    meter = CpuMeter(server)
    client_cpu0 = time.process_time()
    t0 = time.perf_counter()
    expected = []
    for name, params, metrics, last in batches:
        run = client.create_run(exp_id, run_name=name, start_time=base_ts)
        run_id = run.info.run_id
        client.log_batch(run_id, metrics=metrics, params=params)
        client.set_terminated(run_id)
        expected.append((run_id, last))
    elapsed = time.perf_counter() - t0
    client_cpu = time.process_time() - client_cpu0
    cpu = meter.stop()
    server_cpu = cpu["server_cpu_s"]

    res_a = {
        "runs": args.runs,
        "seconds": elapsed,
        "runs_per_s": args.runs / elapsed,
        "requests_per_s": 3 * args.runs / elapsed,  # create, log-batch, update
        "client_cpu_s": client_cpu,
        "server_cpu_s": server_cpu,
        "cpu": cpu,
    }
    log(f"  (a) {server.kind}: {args.runs} runs in {elapsed:.2f}s = {res_a['runs_per_s']:.1f} runs/s "
        f"(client CPU {client_cpu:.2f}s, server CPU {server_cpu:.2f}s, other processes {cpu['other_cpu_s']:.2f}s)")

    # Spot-check that everything arrived: one run's params, latest metrics and history.
    run_id, last = expected[len(expected) // 2]
    run = client.get_run(run_id)
    problems = []
    if len(run.data.params) != 10:
        problems.append(f"run {run_id} has {len(run.data.params)} params, expected 10")
    for key, value in last.items():
        if abs(run.data.metrics.get(key, float("nan")) - value) > 1e-12:
            problems.append(f"run {run_id} latest {key}={run.data.metrics.get(key)} expected {value}")
    hist = client.get_metric_history(run_id, "m2")
    if len(hist) != 100:
        problems.append(f"run {run_id} m2 history has {len(hist)} entries, expected 100")
    if run.info.status != "FINISHED":
        problems.append(f"run {run_id} status {run.info.status}, expected FINISHED")
    res_a["problems"] = problems

    # (b) search_runs with a metric filter and order_by over these runs.
    want = sorted(
        ((rid, l) for rid, l in expected if l["m0"] > 0.5), key=lambda x: x[1]["m1"], reverse=True
    )
    want_ids = [rid for rid, _ in want]
    search_kwargs = dict(filter_string=FILTER, order_by=ORDER_BY, max_results=1000)
    got = client.search_runs([exp_id], **search_kwargs)
    b_problems = []
    got_ids = [r.info.run_id for r in got]
    if got_ids != want_ids:
        b_problems.append(
            f"search_runs returned {len(got_ids)} runs (expected {len(want_ids)}); "
            f"order/content {'differs' if set(got_ids) == set(want_ids) else 'set differs'}"
        )
    for _ in range(args.search_warmup):
        client.search_runs([exp_id], **search_kwargs)
    times = []
    for _ in range(args.search_reps):
        t = time.perf_counter()
        client.search_runs([exp_id], **search_kwargs)
        times.append(time.perf_counter() - t)
    # The same search as raw HTTP (no protobuf parsing in the client), for comparison only.
    raw = RawClient(server.port)
    raw_body = {"experiment_ids": [exp_id], "filter": FILTER, "order_by": ORDER_BY, "max_results": 1000}
    raw_times = []
    for _ in range(args.search_reps):
        t = time.perf_counter()
        status, _data = raw.post_raw("/runs/search", raw_body)
        raw_times.append(time.perf_counter() - t)
        if status != 200:
            b_problems.append(f"raw runs/search -> {status}")
            break
    raw.close()
    res_b = {
        "raw_p50_ms": percentile(raw_times, 50) * 1000,
        "reps": args.search_reps,
        "matching_runs": len(want_ids),
        "p50_ms": percentile(times, 50) * 1000,
        "p90_ms": percentile(times, 90) * 1000,
        "min_ms": min(times) * 1000,
        "problems": b_problems,
    }
    log(f"  (b) {server.kind}: search_runs p50 {res_b['p50_ms']:.2f} ms over {args.search_reps} reps "
        f"({len(want_ids)} matching runs; raw HTTP p50 {res_b['raw_p50_ms']:.2f} ms){' PROBLEMS: ' + '; '.join(b_problems) if b_problems else ''}")
    return res_a, res_b


# ---------------------------------------------------------------------------------------------
# (c): wrk against runs/log-metric
# ---------------------------------------------------------------------------------------------
WRK_LUA = r"""
-- Generated by scripts/bench/tracking_bench.py: POST runs/log-metric with a distinct step per request.
local run_id = "%(run_id)s"
local threads = {}
counter = 0

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  ts0 = os.time() * 1000
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local step = counter * 64 + tid
  local body = string.format(
    '{"run_id":"%%s","key":"wrk","value":%%.4f,"timestamp":%%d,"step":%%d}',
    run_id, (step %% 10007) / 10007.0, ts0 + counter, step)
  return wrk.format("POST", nil, nil, body)
end

function done(summary, latency, requests)
  local sent = 0
  for _, t in ipairs(threads) do sent = sent + (tonumber(t:get("counter")) or 0) end
  io.write(string.format(
    'WRK_JSON {"requests":%%d,"sent":%%d,"duration_us":%%d,"bytes":%%d,' ..
    '"err_connect":%%d,"err_read":%%d,"err_write":%%d,"err_status":%%d,"err_timeout":%%d,' ..
    '"lat_mean_us":%%.1f,"lat_max_us":%%d,"lat_p50_us":%%d,"lat_p90_us":%%d,"lat_p99_us":%%d,' ..
    '"lat_p999_us":%%d}\n',
    summary.requests, sent, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout, latency.mean, latency.max, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency:percentile(99.9)))
end
"""


def count_history(raw: RawClient, run_id: str, key: str) -> int:
    total = 0
    token = None
    for _ in range(10000):
        q = f"/metrics/get-history?run_id={run_id}&metric_key={key}&max_results=25000"
        if token:
            q += f"&page_token={token}"
        data = raw.get(q)
        total += len(data.get("metrics", []))
        token = data.get("next_page_token")
        if not token:
            break
    return total


def workload_c(server: Server, args, workdir: Path) -> dict:
    client = mlflow_client(server.url)
    exp_id = client.create_experiment("bench-wrk")
    run_id = client.create_run(exp_id, run_name="wrk-target").info.run_id
    lua = workdir / "post.lua"
    lua.write_text(WRK_LUA % {"run_id": run_id})
    url = f"{server.url}{API}/runs/log-metric"
    # A quick single request first: fail early with the server's message if the body is wrong.
    raw = RawClient(server.port)
    raw.post("/runs/log-metric", {"run_id": run_id, "key": "probe", "value": 1.0,
                                  "timestamp": int(time.time() * 1000), "step": 0})
    cmd = [args.wrk, f"-t{args.wrk_threads}", f"-c{args.wrk_connections}",
           f"-d{args.wrk_duration}s", "--latency", "-s", str(lua), url]
    if args.wrk_timeout:
        cmd[-1:-1] = ["--timeout", args.wrk_timeout]
    meter = CpuMeter(server)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.wrk_duration + 120)
    cpu = meter.stop()
    server_cpu = cpu["server_cpu_s"]
    (workdir / "wrk.out").write_text(proc.stdout + proc.stderr)
    m = re.search(r"^WRK_JSON (\{.*\})$", proc.stdout, re.M)
    if proc.returncode != 0 or not m:
        raise BenchError(f"wrk failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    w = json.loads(m.group(1))
    text_non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", proc.stdout)
    non2xx = max(w["err_status"], int(text_non2xx.group(1)) if text_non2xx else 0)
    socket_errors = w["err_connect"] + w["err_read"] + w["err_write"] + w["err_timeout"]
    rps = w["requests"] / (w["duration_us"] / 1e6)
    res = {
        "command": " ".join(shlex.quote(c) for c in cmd),
        "requests": w["requests"],
        "sent": w["sent"],
        "duration_s": w["duration_us"] / 1e6,
        "requests_per_s": rps,
        "p50_ms": w["lat_p50_us"] / 1000,
        "p90_ms": w["lat_p90_us"] / 1000,
        "p99_ms": w["lat_p99_us"] / 1000,
        "p999_ms": w["lat_p999_us"] / 1000,
        "max_ms": w["lat_max_us"] / 1000,
        "mean_ms": w["lat_mean_us"] / 1000,
        "non_2xx": non2xx,
        "socket_errors": {k[4:]: w[k] for k in ("err_connect", "err_read", "err_write", "err_timeout")},
        "server_cpu_s": server_cpu,
        "cpu": cpu,
        "problems": [],
    }
    if non2xx:
        res["problems"].append(f"{non2xx} non-2xx responses")
    if socket_errors:
        res["problems"].append(f"socket errors {res['socket_errors']}")
    # Every answered request must have stored one metric value (a few more may have landed
    # after wrk stopped counting: in flight when the clock ran out).
    try:
        stored = count_history(raw, run_id, "wrk")
        res["stored_entries"] = stored
        if stored < w["requests"] - non2xx or stored > w["sent"]:
            res["problems"].append(
                f"stored {stored} metric entries for {w['requests']} answered / {w['sent']} sent requests")
    except Exception as exc:  # noqa: BLE001
        res["problems"].append(f"could not count stored entries: {exc}")
    raw.close()
    log(f"  (c) {server.kind}: {rps:.0f} req/s, p50 {res['p50_ms']:.2f} ms, p99 {res['p99_ms']:.2f} ms, "
        f"{w['requests']} requests, non-2xx {non2xx}, stored {res.get('stored_entries')}"
        f"{' PROBLEMS: ' + '; '.join(res['problems']) if res['problems'] else ''}")
    return res


# ---------------------------------------------------------------------------------------------
# (d): Capstan alone, search over a large experiment
# ---------------------------------------------------------------------------------------------
def load_large(server: Server, args, seed: int) -> tuple[str, list[str], list[tuple[float, float]], dict]:
    raw = RawClient(server.port)
    exp_id = raw.post("/experiments/create", {"name": f"bench-large-{seed}"})["experiment_id"]
    raw.close()
    n = args.large_runs
    rng = random.Random(seed)
    values = [(rng.random(), rng.random(), rng.random()) for _ in range(n)]
    run_ids: list[str | None] = [None] * n
    base_ts = int(time.time() * 1000)
    next_index = [0]
    lock = threading.Lock()
    errors: list[str] = []
    stop = threading.Event()
    chunk = 50

    def worker():
        cli = RawClient(server.port)
        try:
            while not stop.is_set():
                with lock:
                    start = next_index[0]
                    if start >= n:
                        return
                    next_index[0] = min(n, start + chunk)
                    end = next_index[0]
                for i in range(start, end):
                    m0, m1, m2 = values[i]
                    ts = base_ts + i
                    run = cli.post("/runs/create", {
                        "experiment_id": exp_id, "start_time": ts, "run_name": f"large-{i}",
                    })["run"]
                    rid = run["info"]["run_id"]
                    cli.post("/runs/log-batch", {
                        "run_id": rid,
                        "metrics": [
                            {"key": "m0", "value": m0, "timestamp": ts, "step": 0},
                            {"key": "m1", "value": m1, "timestamp": ts, "step": 0},
                            {"key": "m2", "value": m2, "timestamp": ts, "step": 0},
                        ],
                        "params": [
                            {"key": "lr", "value": str(round(m2 / 10, 5))},
                            {"key": "layers", "value": str(i % 8)},
                            {"key": "optimizer", "value": ("adam", "sgd", "adamw")[i % 3]},
                        ],
                        "tags": [{"key": "group", "value": f"g{i % 100}"}],
                    })
                    run_ids[i] = rid
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
            stop.set()
        finally:
            cli.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.load_workers)]
    meter = CpuMeter(server)
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    last_report = t0
    while any(t.is_alive() for t in threads):
        for t in threads:
            t.join(timeout=0.5)
        if time.perf_counter() - last_report > 15:
            last_report = time.perf_counter()
            done = min(next_index[0], n)
            log(f"  (d) loading: ~{done}/{n} runs after {last_report - t0:.0f}s")
    elapsed = time.perf_counter() - t0
    if errors:
        raise BenchError(f"loading failed: {errors[0]} ({len(errors)} worker errors)")
    info = {
        "runs": n,
        "load_seconds": elapsed,
        "load_runs_per_s": n / elapsed,
        "load_requests_per_s": 2 * n / elapsed,
        "load_workers": args.load_workers,
        "load_cpu": meter.stop(),
    }
    log(f"  (d) loaded {n} runs in {elapsed:.1f}s ({n / elapsed:.0f} runs/s, {2 * n / elapsed:.0f} req/s, "
        f"{args.load_workers} client threads; CPU {info['load_cpu']})")
    return exp_id, run_ids, values, info


def workload_d(server: Server, args, seed: int) -> dict:
    exp_id, run_ids, values, res = load_large(server, args, seed)
    k = 1000
    want = sorted((i for i in range(len(values)) if values[i][0] > 0.5),
                  key=lambda i: values[i][1], reverse=True)
    want_ids = [run_ids[i] for i in want[:k]]
    res["matching_runs"] = len(want)
    problems: list[str] = []

    body = {"experiment_ids": [exp_id], "filter": FILTER, "order_by": ORDER_BY,
            "max_results": k, "run_view_type": "ACTIVE_ONLY"}
    raw = RawClient(server.port, timeout=300)
    status, data = raw.post_raw("/runs/search", body)
    if status != 200:
        raise BenchError(f"runs/search -> {status}: {data[:300]!r}")
    parsed = json.loads(data)
    got_ids = [r["info"]["run_id"] for r in parsed.get("runs", [])]
    if got_ids != want_ids:
        problems.append(
            f"raw runs/search returned {len(got_ids)} runs, expected {len(want_ids)}; "
            f"{'same set, different order' if set(got_ids) == set(want_ids) else 'different runs'}")
    if len(want) > k and not parsed.get("next_page_token"):
        problems.append("raw runs/search returned no next_page_token although more runs match")
    res["response_bytes"] = len(data)
    for _ in range(args.search_warmup):
        raw.post_raw("/runs/search", body)
    times = []
    for _ in range(args.large_reps):
        t = time.perf_counter()
        status, data = raw.post_raw("/runs/search", body)
        times.append(time.perf_counter() - t)
        if status != 200:
            problems.append(f"runs/search -> {status}")
            break
    raw.close()
    res["raw_reps"] = len(times)
    res["raw_p50_ms"] = percentile(times, 50) * 1000
    res["raw_p90_ms"] = percentile(times, 90) * 1000
    res["raw_min_ms"] = min(times) * 1000
    log(f"  (d) raw HTTP runs/search p50 {res['raw_p50_ms']:.1f} ms over {len(times)} reps "
        f"({len(data)} bytes, {len(want)} matching)")

    client = mlflow_client(server.url)
    kw = dict(filter_string=FILTER, order_by=ORDER_BY, max_results=k)
    got = client.search_runs([exp_id], **kw)
    if [r.info.run_id for r in got] != want_ids:
        problems.append("MlflowClient.search_runs returned different runs than expected")
    times = []
    for _ in range(args.large_client_reps):
        t = time.perf_counter()
        client.search_runs([exp_id], **kw)
        times.append(time.perf_counter() - t)
    res["client_reps"] = len(times)
    res["client_p50_ms"] = percentile(times, 50) * 1000
    res["client_p90_ms"] = percentile(times, 90) * 1000
    res["client_min_ms"] = min(times) * 1000
    res["problems"] = problems
    log(f"  (d) MlflowClient.search_runs p50 {res['client_p50_ms']:.1f} ms over {len(times)} reps"
        f"{' PROBLEMS: ' + '; '.join(problems) if problems else ''}")
    return res


# ---------------------------------------------------------------------------------------------
# Orchestration
# ---------------------------------------------------------------------------------------------
def server_version(server: Server) -> str | None:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        conn.request("GET", "/version")
        resp = conn.getresponse()
        text = resp.read().decode(errors="replace").strip()
        conn.close()
        return text if resp.status == 200 else None
    except OSError:
        return None


def run_server_phase(kind: str, args, root: Path, repeat: int, large: bool) -> dict:
    workdir = root / f"r{repeat}-{kind}{'-large' if large else ''}"
    workdir.mkdir(parents=True)
    server = make_server(kind, args, workdir)
    out: dict = {"log": str(server.log_path), "loadavg_before": _loadavg()}
    try:
        out["startup_s"] = server.start(args.startup_timeout)
        out["version"] = server_version(server)
        log(f"{kind} up on :{server.port} in {out['startup_s']:.1f}s (repeat {repeat + 1}, "
            f"{'large' if large else 'a/b/c'}) data {server.data_dir}")
        seed = 1000 * repeat + (7 if kind == "capstan" else 11)
        if large:
            out["d"] = workload_d(server, args, seed)
        else:
            out["a"], out["b"] = workload_a(server, args, seed)
            if not args.skip_wrk:
                out["c"] = workload_c(server, args, workdir)
        out["rss_mib"] = server.rss_mib()
    finally:
        alive = server.proc is not None and server.proc.poll() is None
        server.stop()
        if not alive:
            out["crashed"] = True
            log(f"{kind} was not running at the end of the phase! log tail:\n{server.log_tail()}")
    problems = server.log_problems()
    out["log_problem_lines"] = len(problems)
    out["log_problem_sample"] = problems[:5]
    if problems:
        log(f"  {kind} log has {len(problems)} error/warning-looking lines, e.g. {problems[0][:200]}")
    return out



FIGURES = [
    # (key, label, unit, better)
    ("a.runs_per_s", "(a) log_batch workload", "runs/s", "higher"),
    ("b.p50_ms", "(b) search_runs p50", "ms", "lower"),
    ("b.raw_p50_ms", "(b) same search, raw HTTP p50 (info)", "ms", "lower"),
    ("c.requests_per_s", "(c) log-metric throughput (wrk)", "req/s", "higher"),
    ("c.p50_ms", "(c) log-metric p50", "ms", "lower"),
    ("c.p99_ms", "(c) log-metric p99", "ms", "lower"),
    ("d.raw_p50_ms", "(d) raw HTTP runs/search p50", "ms", "lower"),
    ("d.client_p50_ms", "(d) MlflowClient.search_runs p50", "ms", "lower"),
    ("d.load_seconds", "(d) loading time", "s", "lower"),
    # Noise: CPU that other processes on the (shared) machine used during the phase.
    ("a.cpu.other_cores", "noise: other processes during (a)", "cores", "info"),
    ("c.cpu.other_cores", "noise: other processes during (c)", "cores", "info"),
    ("d.load_cpu.other_cores", "noise: other processes during (d) load", "cores", "info"),
]


def median_of(repeats: list[dict], kind: str, key: str):
    vals = [get_path(r.get(kind, {}), key) for r in repeats]
    vals = [v for v in vals if isinstance(v, (int, float))]
    return statistics.median(vals) if vals else None


def evaluate_targets(med: dict, any_problems: dict, large_runs: int) -> list[dict]:
    cap, ml = med.get("capstan", {}), med.get("mlflow", {})
    out = []

    def add(fig, met, detail):
        out.append({"figure": fig, "target": TARGETS[fig[0]], "met": met, "detail": detail,
                    "measurement_problems": any_problems.get(fig[0], [])})

    a_c, a_m = cap.get("a.runs_per_s"), ml.get("a.runs_per_s")
    if a_c and a_m:
        r = a_c / a_m
        add("a", r >= 10 and not any_problems.get("a"), f"{a_c:.1f} vs {a_m:.1f} runs/s = {r:.1f}x")
    b_c, b_m = cap.get("b.p50_ms"), ml.get("b.p50_ms")
    if b_c and b_m:
        r = b_m / b_c
        add("b", b_c <= b_m / 20 and not any_problems.get("b"),
            f"{b_c:.2f} vs {b_m:.2f} ms = 1/{r:.1f}")
    c_c, c_m, p99 = cap.get("c.requests_per_s"), ml.get("c.requests_per_s"), cap.get("c.p99_ms")
    if c_c and c_m and p99 is not None:
        r = c_c / c_m
        add("c", r >= 50 and p99 <= 10 and not any_problems.get("c"),
            f"{c_c:.0f} vs {c_m:.0f} req/s = {r:.1f}x; Capstan p99 {p99:.2f} ms")
    d_raw, d_cli = cap.get("d.raw_p50_ms"), cap.get("d.client_p50_ms")
    if d_raw is not None:
        add("d (raw HTTP)", d_raw <= 100 and not any_problems.get("d"), f"p50 {d_raw:.1f} ms over {large_runs:,} runs")
    if d_cli is not None:
        add("d (MlflowClient)", d_cli <= 100 and not any_problems.get("d"), f"p50 {d_cli:.1f} ms over {large_runs:,} runs")
    return out


def fmt(v, unit):
    if v is None:
        return "-"
    if unit in ("runs/s", "req/s"):
        return f"{v:,.1f}" if v < 100 else f"{v:,.0f}"
    if unit == "ms":
        return f"{v:.2f}" if v < 100 else f"{v:.1f}"
    if unit == "cores":
        return f"{v:.2f}"
    return f"{v:.1f}"


def print_report(result: dict) -> None:
    repeats = result["repeats"]
    med = result["median"]
    kinds = [k for k in ("capstan", "mlflow") if k in med]
    p = print
    cfg = result["config"]
    p("")
    p(f"(a) {cfg['runs']} runs x (10 params + 3 metrics x 100 steps) via MlflowClient; "
      f"(b) search_runs filter {result['filter']!r} order_by {result['order_by']}, {cfg['search_reps']} reps; "
      f"(c) wrk -t{cfg['wrk_threads']} -c{cfg['wrk_connections']} -d{cfg['wrk_duration']}s; "
      f"(d) {cfg['large_runs']:,} runs, max_results=1000, {cfg['large_reps']} raw / {cfg['large_client_reps']} client reps")
    p(f"Per-repeat figures ({len(repeats)} repeats):")
    header = f"  {'figure':<46} {'server':<8} " + " ".join(f"{'#' + str(i + 1):>10}" for i in range(len(repeats)))
    p(header)
    for key, label, unit, _ in FIGURES:
        for kind in kinds:
            vals = [get_path(r.get(kind, {}), key) for r in repeats]
            if all(v is None for v in vals):
                continue
            p(f"  {label + ' [' + unit + ']':<46} {kind:<8} " + " ".join(f"{fmt(v, unit):>10}" for v in vals))
    p("")
    p("Medians:")
    p(f"  {'figure':<46} {'Capstan':>10} {'MLflow':>10} {'ratio':>10}")
    for key, label, unit, better in FIGURES:
        c = med.get("capstan", {}).get(key)
        m = med.get("mlflow", {}).get(key)
        if c is None and m is None:
            continue
        ratio = "-"
        if c and m and better != "info":
            ratio = f"{c / m:.1f}x" if better == "higher" else f"1/{m / c:.1f}"
        p(f"  {label + ' [' + unit + ']':<46} {fmt(c, unit):>10} {fmt(m, unit):>10} {ratio:>10}")
    p("")
    p("Targets:")
    for t in result["targets"]:
        mark = "MET" if t["met"] else "NOT MET"
        extra = f"  (measurement problems: {'; '.join(t['measurement_problems'])})" if t["measurement_problems"] else ""
        p(f"  {t['figure']:<18} {t['target']:<55} {mark:<8} {t['detail']}{extra}")
    if result.get("problems"):
        p("")
        p("Problems seen:")
        for pr in result["problems"]:
            p(f"  - {pr}")
    p("")


def render_markdown(result: dict) -> str:
    """The median, targets and per-repeat tables as Markdown (for BENCHMARKS.md)."""
    repeats, med = result["repeats"], result["median"]
    kinds = [k for k in ("capstan", "mlflow") if k in med]
    lines = ["| figure | Capstan | MLflow | ratio |", "|---|---:|---:|---:|"]
    for key, label, unit, better in FIGURES:
        c = med.get("capstan", {}).get(key)
        m = med.get("mlflow", {}).get(key)
        if c is None and m is None:
            continue
        ratio = "-"
        if c and m and better != "info":
            ratio = f"{c / m:.1f}x" if better == "higher" else f"1/{m / c:.1f}"
        lines.append(f"| {label} [{unit}] | {fmt(c, unit)} | {fmt(m, unit)} | {ratio} |")
    lines += ["", "| target | goal | result | measured (medians) |", "|---|---|---|---|"]
    for t in result["targets"]:
        extra = f" (measurement problems: {'; '.join(t['measurement_problems'])})" if t["measurement_problems"] else ""
        lines.append(f"| {t['figure']} | {t['target']} | {'met' if t['met'] else '**not met**'} | {t['detail']}{extra} |")
    lines += ["", "| figure | server | " + " | ".join(f"#{i + 1}" for i in range(len(repeats))) + " |",
              "|---|---|" + "---:|" * len(repeats)]
    for key, label, unit, _ in FIGURES:
        for kind in kinds:
            vals = [get_path(r.get(kind, {}), key) for r in repeats]
            if all(v is None for v in vals):
                continue
            lines.append(f"| {label} [{unit}] | {kind} | " + " | ".join(fmt(v, unit) for v in vals) + " |")
    return "\n".join(lines) + "\n"


def machine_info() -> dict:
    info = common_machine_info()
    try:
        info["loadavg_at_start"] = open("/proc/loadavg").read().split()[:3]
    except OSError:
        pass
    return info


def versions(args) -> dict:
    v = {"python": platform.python_version()}
    try:
        import mlflow

        v["mlflow"] = mlflow.__version__
    except Exception:  # noqa: BLE001
        pass
    try:
        v["swift"] = subprocess.run(["swift", "--version"], capture_output=True, text=True,
                                    timeout=30).stdout.strip().splitlines()[0]
    except Exception:  # noqa: BLE001
        v["swift"] = None
    try:
        v["wrk"] = subprocess.run([args.wrk, "-v"], capture_output=True, text=True,
                                  timeout=10).stdout.strip().splitlines()[0]
    except Exception:  # noqa: BLE001
        v["wrk"] = None
    return v


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeat", type=int, default=3, help="repeats of the whole measurement (default 3)")
    p.add_argument("--runs", type=int, default=200, help="runs in workload (a) (default 200)")
    p.add_argument("--search-reps", type=int, default=50, help="search_runs repetitions for (b)")
    p.add_argument("--search-warmup", type=int, default=3)
    p.add_argument("--large-runs", type=int, default=100_000, help="runs loaded for (d)")
    p.add_argument("--large-reps", type=int, default=30, help="raw HTTP search repetitions for (d)")
    p.add_argument("--large-client-reps", type=int, default=10, help="MlflowClient repetitions for (d)")
    p.add_argument("--load-workers", type=int, default=8, help="client threads loading (d)")
    p.add_argument("--wrk-threads", type=int, default=2)
    p.add_argument("--wrk-connections", type=int, default=8)
    p.add_argument("--wrk-duration", type=int, default=10, help="seconds")
    p.add_argument("--wrk-timeout", default="30s",
                   help="wrk --timeout (default 30s; wrk's own 2s default drops slower responses "
                        "from the latency histogram, which would flatter a slow server's p99)")
    p.add_argument("--mlflow-workers", type=int, default=1)
    p.add_argument("--skip-mlflow", action="store_true", help="run Capstan only")
    p.add_argument("--skip-capstan", action="store_true", help="run MLflow only (a/b/c)")
    p.add_argument("--skip-large", action="store_true", help="skip (d)")
    p.add_argument("--skip-wrk", action="store_true", help="skip (c)")
    p.add_argument("--capstan-bin", default=os.environ.get("CAPSTAN_BIN", str(REPO_ROOT / ".build/release/capstan")))
    p.add_argument("--mlflow-bin", default=str(Path(sys.executable).parent / "mlflow"))
    p.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk")
    p.add_argument("--startup-timeout", type=float, default=120)
    p.add_argument("--json-out", help="write all results as JSON to this file")
    p.add_argument("--markdown-out", help="write the median/target/per-repeat tables as Markdown")
    p.add_argument("--keep-data", action="store_true", help="keep the temporary data directories and logs")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    kinds = []
    if not args.skip_capstan:
        if not os.access(args.capstan_bin, os.X_OK):
            print(f"Capstan binary not found or not executable: {args.capstan_bin} (set CAPSTAN_BIN)",
                  file=sys.stderr)
            return 2
        kinds.append("capstan")
    if not args.skip_mlflow:
        kinds.append("mlflow")
    if not kinds:
        print("nothing to run", file=sys.stderr)
        return 2

    root = Path(tempfile.mkdtemp(prefix="capstan-bench-"))
    log(f"work dir {root} (server logs, wrk scripts/output)")
    result = {
        "started": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": " ".join(shlex.quote(a) for a in ["scripts/bench/tracking", *(argv or sys.argv[1:])]),
        "machine": machine_info(),
        "versions": versions(args),
        "config": {k: v for k, v in vars(args).items() if k not in ("json_out", "markdown_out")},
        "filter": FILTER,
        "order_by": ORDER_BY,
        "repeats": [],
    }
    status = 0
    try:
        for r in range(args.repeat):
            log(f"=== repeat {r + 1}/{args.repeat} ===")
            rep: dict = {}
            for kind in kinds:
                rep[kind] = run_server_phase(kind, args, root, r, large=False)
            if not args.skip_large and "capstan" in kinds:
                large = run_server_phase("capstan", args, root, r, large=True)
                rep["capstan"]["d"] = large.pop("d")
                rep["capstan"]["large_server"] = large
            result["repeats"].append(rep)
    except KeyboardInterrupt:
        log("interrupted: stopping servers")
        status = 130
    except BenchError as exc:
        log(f"benchmark failed: {exc}")
        status = 1
    finally:
        stop_all_servers()

    repeats = result["repeats"]
    if not repeats:
        return status or 1
    med = {}
    for kind in kinds:
        med[kind] = {}
        for key, *_ in FIGURES:
            v = median_of(repeats, kind, key)
            if v is not None:
                med[kind][key] = v
        for key in ("c.non_2xx", "d.load_runs_per_s", "a.client_cpu_s", "a.server_cpu_s", "c.server_cpu_s"):
            v = median_of(repeats, kind, key)
            if v is not None:
                med[kind][key] = v
    result["median"] = med

    # Collect measurement problems (non-2xx, wrong search results, crashes, log errors).
    problems, by_fig = [], {}
    for i, rep in enumerate(repeats):
        for kind, data in rep.items():
            for fig in ("a", "b", "c", "d"):
                for pr in (data.get(fig) or {}).get("problems", []):
                    problems.append(f"repeat {i + 1} {kind} ({fig}): {pr}")
                    if kind == "capstan" or fig != "d":
                        by_fig.setdefault(fig, []).append(f"{kind} r{i + 1}: {pr}")
            for part in (data, data.get("large_server") or {}):
                if part.get("crashed"):
                    problems.append(f"repeat {i + 1} {kind}: server was not running at the end")
                if part.get("log_problem_lines"):
                    problems.append(f"repeat {i + 1} {kind}: {part['log_problem_lines']} error/warning-looking "
                                    f"log lines, e.g. {part['log_problem_sample'][0][:160]!r} ({part['log']})")
    result["problems"] = problems
    result["targets"] = evaluate_targets(med, by_fig, args.large_runs)
    result["finished"] = _dt.datetime.now().astimezone().isoformat(timespec="seconds")
    result["work_dir"] = str(root)
    print_report(result)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, indent=2) + "\n")
        log(f"wrote {args.json_out}")
    if args.markdown_out:
        Path(args.markdown_out).write_text(render_markdown(result))
        log(f"wrote {args.markdown_out}")
    if not args.keep_data:
        # Keep the logs (small), drop the databases.
        for d in root.glob("*/data"):
            shutil.rmtree(d, ignore_errors=True)
        log(f"server logs kept in {root}")
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        stop_all_servers()
