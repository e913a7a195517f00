"""Server lifecycle: concurrent writers, graceful shutdown, upgrade of an existing data dir."""

import os
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from conftest import REPO_ROOT, _free_port, unique
from mlflow import MlflowClient
from mlflow.entities import Metric

capstan_only = pytest.mark.skipif(
    os.environ.get("INTEROP_SERVER", "capstan").strip().lower() == "mlflow",
    reason="starts Capstan processes of its own",
)


def test_many_concurrent_writers_lose_nothing(server, client, experiment_id):
    """16 client threads log into their own and one shared run at once: no error, no lost write."""
    shared = client.create_run(experiment_id).info.run_id
    errors = []

    def writer(index):
        try:
            own = MlflowClient(tracking_uri=server.url)
            run_id = own.create_run(experiment_id).info.run_id
            for step in range(20):
                ts = int(time.time() * 1000)
                own.log_batch(run_id, metrics=[Metric("loss", 1.0 / (step + 1), ts, step)])
                own.log_metric(shared, f"w{index}", step, step=step)
            own.set_terminated(run_id)
            return run_id
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(repr(exc))

    with ThreadPoolExecutor(max_workers=16) as pool:
        run_ids = list(pool.map(writer, range(16)))
    assert errors == []
    for run_id in run_ids:
        assert len(client.get_metric_history(run_id, "loss")) == 20
    shared_run = client.get_run(shared)
    assert len(shared_run.data.metrics) == 16
    assert all(len(client.get_metric_history(shared, f"w{i}")) == 20 for i in range(16))


def _start(data_dir: Path, port: int) -> subprocess.Popen:
    binary = Path(os.environ.get("CAPSTAN_BIN", REPO_ROOT / ".build" / "debug" / "capstan"))
    proc = subprocess.Popen(
        [str(binary), "server", "--port", str(port), "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("capstan server did not start")


@capstan_only
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_shutdown_lets_in_flight_requests_finish(tmp_path, sig):
    port = _free_port()
    proc = _start(tmp_path / "data", port)
    url = f"http://127.0.0.1:{port}/api/2.0/mlflow-artifacts/artifacts/0/slow/upload.bin"
    started = threading.Event()
    chunk = b"x" * 65536

    def slow_body():
        for index in range(20):
            if index == 2:
                started.set()
            yield chunk
            time.sleep(0.05)

    result = {}

    def upload():
        result["response"] = requests.put(url, data=slow_body(), timeout=60)

    thread = threading.Thread(target=upload)
    thread.start()
    assert started.wait(10)
    os.killpg(proc.pid, sig)
    thread.join(60)
    output = proc.communicate(timeout=60)[0].decode()
    assert result["response"].status_code == 200, output
    assert proc.returncode == 0, output
    assert "database closed" in output
    stored = tmp_path / "data" / "artifacts" / "0" / "slow" / "upload.bin"
    assert stored.stat().st_size == 20 * len(chunk)


@capstan_only
def test_restart_keeps_data_and_reapplies_no_migration(tmp_path):
    port = _free_port()
    data_dir = tmp_path / "data"
    proc = _start(data_dir, port)
    client = MlflowClient(tracking_uri=f"http://127.0.0.1:{port}")
    name = unique("persist")
    exp_id = client.create_experiment(name)
    run_id = client.create_run(exp_id).info.run_id
    client.log_param(run_id, "kept", "yes")
    os.killpg(proc.pid, signal.SIGTERM)
    first_output = proc.communicate(timeout=60)[0].decode()
    assert "Applied migration" in first_output

    proc = _start(data_dir, port)
    try:
        assert client.get_experiment_by_name(name).experiment_id == exp_id
        assert client.get_run(run_id).data.params == {"kept": "yes"}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        second_output = proc.communicate(timeout=60)[0].decode()
    assert "Applied migration" not in second_output
