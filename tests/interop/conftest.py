"""Fixtures for the Capstan <-> MLflow interoperability suite.

The suite drives a live tracking server with the unmodified ``mlflow`` client (and raw
``requests`` for wire rules).  Which server is started is chosen by environment variables:

* ``INTEROP_SERVER`` unset or ``capstan``: the Capstan binary (``CAPSTAN_BIN``, default
  ``<repo>/.build/debug/capstan``).
* ``INTEROP_SERVER=mlflow``: the reference ``mlflow server`` (proves the assertions are real
  MLflow behaviour).

Every test runs once per backend (``sqlite`` and ``postgres``); ``postgres`` needs
``CAPSTAN_TEST_POSTGRES_URL`` and is never run for the reference server.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

# The client must be configured before mlflow is imported anywhere: fail fast on server errors
# (no 7 retries with exponential backoff), short timeouts, no telemetry.
os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"
os.environ["MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR"] = "0"
os.environ["MLFLOW_HTTP_REQUEST_TIMEOUT"] = os.environ.get("INTEROP_HTTP_TIMEOUT", "30")
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")

import pytest  # noqa: E402
import requests  # noqa: E402

import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = float(os.environ.get("INTEROP_STARTUP_TIMEOUT", "60"))
CANARY_NAME = "interop-canary.txt"

# --------------------------------------------------------------------------------------------
# 5xx recorder: every HTTP exchange made through `requests` (this includes all traffic of the
# mlflow client and its artifact repositories) is checked.  A 5xx anywhere fails the test.
# --------------------------------------------------------------------------------------------
_SERVER_ERRORS: list[str] = []
_orig_send = requests.Session.send


def _recording_send(self, request, **kwargs):
    try:
        resp = _orig_send(self, request, **kwargs)
    except requests.exceptions.RetryError as exc:  # urllib3 gave up on a 5xx status
        _SERVER_ERRORS.append(f"{request.method} {request.url} -> {exc}")
        raise
    if resp.status_code >= 500:
        body = resp.content[:500] if not kwargs.get("stream") else b"<streamed>"
        _SERVER_ERRORS.append(f"{request.method} {request.url} -> {resp.status_code}: {body!r}")
    return resp


requests.Session.send = _recording_send


def record_server_error(description: str) -> None:
    """For HTTP exchanges that bypass `requests` (raw http.client tests)."""
    _SERVER_ERRORS.append(description)


# --------------------------------------------------------------------------------------------
# Server process management
# --------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, limit: int = 6000) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return "<no server output>"
    return data[-limit:].decode("utf-8", "replace")


@dataclass
class Server:
    kind: str  # "capstan" or "mlflow"
    backend: str  # "sqlite" or "postgres"
    url: str
    base_dir: Path  # everything the server may touch lives below base_dir / "srv" / "data"
    data_dir: Path
    log_path: Path
    canaries: dict[Path, bytes] = field(default_factory=dict)
    proc: subprocess.Popen | None = None

    @property
    def api(self) -> str:
        return self.url + "/api/2.0/mlflow"

    @property
    def artifacts_api(self) -> str:
        return self.url + "/api/2.0/mlflow-artifacts/artifacts"

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_since(self, offset: int, limit: int = 20000) -> str:
        try:
            with open(self.log_path, "rb") as f:
                f.seek(offset)
                data = f.read()
        except OSError:
            return ""
        if len(data) > limit:
            data = b"...\n" + data[-limit:]
        return data.decode("utf-8", "replace")


def _server_command(kind: str, backend: str, port: int, data_dir: Path) -> list[str]:
    if kind == "mlflow":
        return [
            sys.executable, "-m", "mlflow", "server",
            "--host", "127.0.0.1",
            "--port", str(port),
            "--backend-store-uri", f"sqlite:///{data_dir / 'mlflow.db'}",
            "--artifacts-destination", str(data_dir / "mlartifacts"),
            "--workers", "1",
        ]  # fmt: skip
    binary = Path(os.environ.get("CAPSTAN_BIN", REPO_ROOT / ".build" / "debug" / "capstan"))
    if not binary.is_file():
        pytest.fail(
            f"Capstan binary not found at {binary}; build it (swift build) or set CAPSTAN_BIN, "
            "or run the suite against the reference server with INTEROP_SERVER=mlflow",
            pytrace=False,
        )
    # Alert rules every half second, so the monitoring suite sees alerts fire and resolve fast.
    cmd = [str(binary), "server", "--host", "127.0.0.1", "--port", str(port),
           "--data-dir", str(data_dir), "--rule-interval", "0.5"]  # fmt: skip
    if backend == "postgres":
        cmd += ["--database", os.environ["CAPSTAN_TEST_POSTGRES_URL"]]
    return cmd


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # the server's own process group (start_new_session)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def server(request, tmp_path_factory):
    backend = request.param
    kind = os.environ.get("INTEROP_SERVER", "capstan").strip().lower() or "capstan"
    if kind not in ("capstan", "mlflow"):
        pytest.fail(f"INTEROP_SERVER must be 'capstan' or 'mlflow', not {kind!r}", pytrace=False)
    if backend == "postgres":
        if kind == "mlflow":
            pytest.skip("the reference mlflow server is only exercised with SQLite")
        if not os.environ.get("CAPSTAN_TEST_POSTGRES_URL"):
            pytest.skip("PostgreSQL backend: set CAPSTAN_TEST_POSTGRES_URL to run it")

    base_dir = tmp_path_factory.mktemp(f"{kind}-{backend}")
    data_dir = base_dir / "srv" / "data"
    data_dir.mkdir(parents=True)
    # Canary files outside the server's data directory: path traversal must never reach them.
    canaries = {}
    for d in (base_dir, base_dir / "srv"):
        secret = f"canary-secret-{uuid.uuid4().hex}".encode()
        (d / CANARY_NAME).write_bytes(secret)
        canaries[d / CANARY_NAME] = secret

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = base_dir / "server.log"
    cmd = _server_command(kind, backend, port, data_dir)
    env = dict(os.environ, MLFLOW_DISABLE_TELEMETRY="true")
    srv = Server(kind, backend, url, base_dir, data_dir, log_path, canaries)
    with open(log_path, "wb") as log:
        srv.proc = subprocess.Popen(
            cmd, cwd=base_dir / "srv", env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if srv.proc.poll() is not None:
                pytest.fail(
                    f"server exited with code {srv.proc.returncode} before becoming healthy.\n"
                    f"command: {' '.join(cmd)}\n--- server output ---\n{_tail(log_path)}",
                    pytrace=False,
                )
            try:
                if _orig_send(requests.Session(), requests.Request("GET", url + "/health").prepare(),
                              timeout=2).status_code == 200:  # fmt: skip
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"server did not answer GET /health with 200 within {STARTUP_TIMEOUT:.0f}s.\n"
                    f"command: {' '.join(cmd)}\n--- server output ---\n{_tail(log_path)}",
                    pytrace=False,
                )
            time.sleep(0.25)
        yield srv
    finally:
        _stop(srv.proc)


@pytest.fixture(scope="session")
def base_url(server) -> str:
    return server.url


# --------------------------------------------------------------------------------------------
# Per-test client state
# --------------------------------------------------------------------------------------------
def _reset_fluent_state():
    while mlflow.active_run() is not None:
        mlflow.end_run()
    import mlflow.tracking.fluent as fluent

    fluent._active_experiment_id = None


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "reference_server_5xx(pattern, reason): a known 5xx of the reference mlflow server whose "
        "recorded description matches `pattern` is tolerated in INTEROP_SERVER=mlflow mode only; "
        "Capstan must not answer 5xx there.",
    )


@pytest.fixture(autouse=True)
def tracking_env(server, monkeypatch, request):
    """Points the mlflow client at the server under test, isolates fluent state, and fails the
    test if any HTTP response during it was a 5xx."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", server.url)
    monkeypatch.delenv("MLFLOW_REGISTRY_URI", raising=False)
    monkeypatch.delenv("MLFLOW_EXPERIMENT_ID", raising=False)
    monkeypatch.delenv("MLFLOW_EXPERIMENT_NAME", raising=False)
    monkeypatch.delenv("MLFLOW_RUN_ID", raising=False)
    mlflow.set_tracking_uri(server.url)
    mlflow.set_registry_uri(server.url)
    _reset_fluent_state()
    request.node.stash[_LOG_OFFSET] = (server, server.log_size())
    if _SERVER_ERRORS:  # recorded while higher-scoped fixtures (module data sets) were set up
        errors = list(_SERVER_ERRORS)
        del _SERVER_ERRORS[:]
        pytest.fail("server answered with 5xx during fixture setup:\n" + "\n".join(errors), pytrace=False)
    yield
    _reset_fluent_state()
    errors = list(_SERVER_ERRORS)
    del _SERVER_ERRORS[:]
    if server.kind == "mlflow":
        for marker in request.node.iter_markers("reference_server_5xx"):
            errors = [e for e in errors if not re.search(marker.args[0], e)]
    if errors:
        pytest.fail("server answered with 5xx:\n" + "\n".join(errors), pytrace=False)


_LOG_OFFSET = pytest.StashKey[tuple]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and _LOG_OFFSET in item.stash:
        srv, offset = item.stash[_LOG_OFFSET]
        text = srv.log_since(offset)
        if text.strip():
            report.sections.append((f"server output ({srv.kind}/{srv.backend})", text))


@pytest.fixture
def client(server) -> MlflowClient:
    return MlflowClient(tracking_uri=server.url, registry_uri=server.url)


def unique(prefix: str = "interop") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def experiment_id(client) -> str:
    """A fresh experiment, also made the active one for fluent calls."""
    exp_id = client.create_experiment(unique("exp"))
    mlflow.set_experiment(experiment_id=exp_id)
    return exp_id


# --------------------------------------------------------------------------------------------
# Raw HTTP helpers
# --------------------------------------------------------------------------------------------
class Api:
    def __init__(self, srv: Server):
        self.srv = srv
        self.session = requests.Session()

    def url(self, path: str) -> str:
        if path.startswith("http"):
            return path
        if path.startswith("/"):
            return self.srv.url + path
        return self.srv.api + "/" + path

    def get(self, path, params=None, **kw):
        return self.session.get(self.url(path), params=params, timeout=30, **kw)

    def post(self, path, json=None, **kw):
        return self.session.post(self.url(path), json=json, timeout=30, **kw)

    def patch(self, path, json=None, **kw):
        return self.session.patch(self.url(path), json=json, timeout=30, **kw)

    def delete(self, path, json=None, **kw):
        return self.session.delete(self.url(path), json=json, timeout=30, **kw)

    def put(self, path, data=None, **kw):
        return self.session.put(self.url(path), data=data, timeout=30, **kw)


@pytest.fixture
def api(server) -> Api:
    return Api(server)


def assert_error(resp, status: int, error_code: str, message_contains: str | None = None):
    """An MLflow error: the given HTTP status and a JSON body {"error_code", "message"}."""
    assert resp.status_code == status, (resp.status_code, resp.text[:1000])
    assert resp.headers.get("Content-Type", "").startswith("application/json"), resp.headers
    body = resp.json()
    assert isinstance(body, dict), body
    assert body.get("error_code") == error_code, body
    assert isinstance(body.get("message"), str), body
    if message_contains is not None:
        assert message_contains in body["message"], body
    return body


def assert_ok_json(resp) -> dict:
    assert resp.status_code == 200, (resp.status_code, resp.text[:1000])
    body = resp.json()
    assert isinstance(body, dict), body
    return body

