"""Monitors and alerts end to end, as a team would wire them.

A model is registered with the `mlflow` client and deployed; a drift monitor compares the
deployment's recent traffic with the training data, and an alert rule on its drift share
notifies a webhook receiver in Alertmanager's v4 shape (a small HTTP server here, standing
in for any receiver written for Alertmanager).  Drifted traffic must fire the alert once,
and normal traffic afterwards must resolve it.  Capstan-only.
"""

import json
import os
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
import requests
from conftest import REPO_ROOT, unique
from monitored_model import API, FEATURES, TIMEOUT, register_classifier, send_traffic, wait_until_logged, write_reference

pytestmark = pytest.mark.skipif(
    os.environ.get("INTEROP_SERVER", "capstan").strip().lower() == "mlflow",
    reason="monitors and alerts are a Capstan API; the reference mlflow server has none",
)

WINDOW = 200


class Receiver:
    """An HTTP webhook receiver that keeps every JSON payload posted to it."""

    def __init__(self):
        self.payloads: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.payloads.append({"path": self.path, "content_type": self.headers.get("Content-Type"),
                                              "body": json.loads(body)})  # fmt: skip
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/alertmanager/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait_for(self, status, timeout=30.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for payload in self.payloads:
                    if payload["body"].get("status") == status:
                        return payload
            time.sleep(0.2)
        with self.lock:
            raise AssertionError(f"no {status} notification within {timeout}s; received: {self.payloads}")

    def count(self, status) -> int:
        with self.lock:
            return sum(1 for p in self.payloads if p["body"].get("status") == status)


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.httpd.shutdown()


@pytest.fixture(scope="module")
def deployment(server, tmp_path_factory):
    """A deployed classifier and its training data as a CSV file the server can read."""
    rng = np.random.default_rng(3)
    name, x = register_classifier(server, rng, rows=2000, prefix="monitored")
    resp = requests.post(server.url + API + "/deployments", json={"name": name, "model": f"models:/{name}/1"}, timeout=TIMEOUT)
    assert resp.status_code == 200, resp.text
    reference = write_reference(tmp_path_factory.mktemp("reference") / "train.csv", x)
    return {"name": name, "reference": reference, "rng": rng}


def run_monitor(server, monitor) -> dict:
    resp = requests.post(f"{server.url}{API}/monitors/{monitor}/run", timeout=TIMEOUT)
    assert resp.status_code == 200, resp.text
    return resp.json()


def metric(evaluation, name, series=""):
    return next(m["value"] for m in evaluation["metrics"] if m["metric"] == name and m["series"] == series)


def test_drift_fires_a_webhook_alert_and_resolves_when_traffic_is_normal_again(server, deployment, receiver):
    name, rng = deployment["name"], deployment["rng"]
    monitor, rule = unique("drift"), unique("drift_alert").replace("-", "_")
    resp = requests.post(f"{server.url}{API}/monitors", json={
        "name": monitor, "deployment": name, "kind": "drift", "window": {"predictions": WINDOW}, "schedule": "1h",
        "reference": {"csv": deployment["reference"]}, "match": "position", "min_rows": WINDOW,
        # KS weighs the window's size; the preset's default for a reference over 1,000 rows
        # (normed Wasserstein >= 0.1) flags sampling noise in windows of a few hundred rows.
        "drift": {"num_method": "ks", "threshold": 0.01},
    }, timeout=TIMEOUT)  # fmt: skip
    assert resp.status_code == 200, resp.text
    resp = requests.post(f"{server.url}{API}/alerts/rules", json={
        # The matcher keeps other tests' monitors on this server out of the rule.
        "name": rule, "condition": f'drift_share{{monitor="{monitor}"}} >= 0.5', "for": "0s",
        "labels": {"severity": "warning", "team": "ml"},
        "annotations": {"summary": "{{ $labels.deployment }}: {{ $value | humanizePercentage }} of features drifted",
                        "runbook_url": "https://runbooks.example/drift"},
        "notify": {"group_wait": "0s", "group_interval": "1s", "repeat_interval": "4h",
                   "channels": ["log", {"webhook": {"url": receiver.url}}]},
    }, timeout=TIMEOUT)  # fmt: skip
    assert resp.status_code == 200, resp.text

    # Normal traffic: nothing drifts, nothing fires.
    send_traffic(server, name, rng, WINDOW)
    wait_until_logged(server, name, WINDOW)
    evaluation = run_monitor(server, monitor)
    assert evaluation["status"] == "ok", evaluation
    assert evaluation["predictions"] == WINDOW
    assert metric(evaluation, "drift_share") < 0.5, evaluation["result"]
    time.sleep(1.5)
    assert receiver.count("firing") == 0

    # Features 0, 1 and 2 shift by two standard deviations: three of four columns drift.
    send_traffic(server, name, rng, WINDOW, shift=2.0)
    wait_until_logged(server, name, 2 * WINDOW)
    evaluation = run_monitor(server, monitor)
    assert metric(evaluation, "drift_share") == 0.75, evaluation["result"]
    assert [metric(evaluation, "column_drifted", f"f{i}") for i in range(FEATURES)] == [1, 1, 1, 0]
    firing = receiver.wait_for("firing")
    assert firing["content_type"].startswith("application/json")
    body = firing["body"]
    assert body["version"] == "4" and body["receiver"] == rule and body["truncatedAlerts"] == 0
    assert set(body) >= {"groupKey", "groupLabels", "commonLabels", "commonAnnotations", "externalURL", "alerts"}
    assert body["groupLabels"] == {"alertname": rule, "deployment": name, "monitor": monitor}
    [alert] = body["alerts"]
    assert alert["status"] == "firing" and alert["endsAt"] == "0001-01-01T00:00:00Z"
    assert alert["labels"] == {"alertname": rule, "deployment": name, "monitor": monitor, "severity": "warning", "team": "ml"}
    assert alert["annotations"]["summary"] == f"{name}: 75% of features drifted"
    assert alert["annotations"]["runbook_url"] == "https://runbooks.example/drift"
    assert len(alert["fingerprint"]) == 16 and alert["startsAt"].endswith("Z")

    active = requests.get(f"{server.url}{API}/alerts", timeout=TIMEOUT).json()["alerts"]
    assert [a["state"] for a in active if a["rule"] == rule] == ["firing"]

    # One incident is one notification: evaluations while it keeps firing send nothing new.
    time.sleep(2)
    assert receiver.count("firing") == 1

    # Normal traffic again: the newest window no longer drifts and the alert resolves.
    send_traffic(server, name, rng, WINDOW)
    wait_until_logged(server, name, 3 * WINDOW)
    evaluation = run_monitor(server, monitor)
    assert metric(evaluation, "drift_share") < 0.5, evaluation["result"]
    resolved = receiver.wait_for("resolved")["body"]
    [alert] = resolved["alerts"]
    assert alert["status"] == "resolved" and alert["endsAt"] != "0001-01-01T00:00:00Z"

    history = requests.get(f"{server.url}{API}/alerts/history", params={"rule": rule}, timeout=TIMEOUT).json()["events"]
    kinds = [event["kind"] for event in history]
    # Fired once, resolved once, each notified through both channels.
    assert (kinds.count("firing"), kinds.count("resolved"), kinds.count("notified")) == (1, 1, 4), kinds
    assert {e["fingerprint"] for e in history if e["kind"] == "notified"} == {"log", "webhook"}

    # The CLI shows the same, as a user reads it.
    cli = Path(os.environ.get("CAPSTAN_BIN", REPO_ROOT / ".build" / "debug" / "capstan"))
    out = subprocess.run([str(cli), "alerts", "history", "--rule", rule, "--server", server.url],
                         capture_output=True, text=True, timeout=60, check=True).stdout  # fmt: skip
    assert "resolved" in out and "firing" in out, out
    out = subprocess.run([str(cli), "monitor", "list", "--deployment", name, "--server", server.url],
                         capture_output=True, text=True, timeout=60, check=True).stdout  # fmt: skip
    assert monitor in out and "drift_share=" in out, out


def test_operational_and_performance_monitors_read_the_log_and_feedback(server, deployment):
    name, rng = deployment["name"], deployment["rng"]
    operational, performance = unique("ops"), unique("acc")
    for spec in ({"name": operational, "deployment": name, "kind": "operational", "window": "1h"},
                 {"name": performance, "deployment": name, "kind": "performance", "window": "1h", "min_rows": 20}):
        resp = requests.post(f"{server.url}{API}/monitors", json=spec, timeout=TIMEOUT)
        assert resp.status_code == 200, resp.text
    send_traffic(server, name, rng, 40)
    wait_until_logged(server, name, 40)
    ops = run_monitor(server, operational)
    assert ops["status"] == "ok" and metric(ops, "requests") >= 40 and metric(ops, "error_rate") == 0
    assert 0 < metric(ops, "latency_p50_ms") <= metric(ops, "latency_p99_ms")

    # Ground truth for the newest 40 predictions: the opposite of what was predicted for 10.
    logged = requests.get(f"{server.url}{API}/deployments/{name}/predictions", params={"limit": 40}, timeout=TIMEOUT).json()["predictions"]
    feedback = []
    for index, prediction in enumerate(logged):
        predicted = prediction["predicted_label"]
        feedback.append({"request_id": prediction["request_id"], "label": predicted if index >= 10 else str(1 - int(predicted))})
    resp = requests.post(f"{server.url}{API}/deployments/{name}/feedback", json={"feedback": feedback}, timeout=TIMEOUT)
    assert resp.status_code == 200, resp.text
    acc = run_monitor(server, performance)
    assert acc["status"] == "ok", acc
    assert metric(acc, "labelled") == 40 and metric(acc, "accuracy") == pytest.approx(30 / 40)


@pytest.mark.parametrize("spec, status, fragment", [
    ({"kind": "drift"}, 400, "needs a reference"),
    ({"kind": "drift", "reference": {"csv": "/nonexistent/train.csv"}}, 400, "reference.csv"),
    ({"kind": "operational", "window": "forever"}, 400, "window must be a duration"),
    ({"kind": "operational", "colour": "red"}, 400, "colour is not a known setting"),
    ({"kind": "operational", "deployment": "no-such-deployment"}, 404, "no-such-deployment"),
])  # fmt: skip
def test_bad_monitor_specs_are_4xx_naming_the_problem(server, deployment, spec, status, fragment):
    body = {"name": unique("bad"), "deployment": deployment["name"], **spec}
    resp = requests.post(f"{server.url}{API}/monitors", json=body, timeout=TIMEOUT)
    assert resp.status_code == status, resp.text
    assert fragment in resp.json()["error"]["message"], resp.text


@pytest.mark.parametrize("spec, fragment", [
    ({"condition": "drift_share >> 0.5"}, "condition"),
    ({"condition": "no_such_metric > 1"}, "no_such_metric"),
    ({"condition": "drift_share > 0.5", "for": "-1m"}, "for"),
    ({"condition": "drift_share > 0.5", "labels": {"severity": "urgent"}}, "severity"),
    ({"condition": "drift_share > 0.5", "notify": {"channels": [{"webhook": {"url": "ftp://x"}}]}}, "url"),
])  # fmt: skip
def test_bad_alert_rules_are_400_naming_the_field(server, spec, fragment):
    resp = requests.post(f"{server.url}{API}/alerts/rules", json={"name": "bad_rule", **spec}, timeout=TIMEOUT)
    assert resp.status_code == 400, resp.text
    assert fragment in resp.json()["error"]["message"], resp.text


def test_unknown_monitor_or_rule_is_404(server):
    assert requests.post(f"{server.url}{API}/monitors/nope/run", timeout=TIMEOUT).status_code == 404
    assert requests.get(f"{server.url}{API}/alerts/rules/nope", timeout=TIMEOUT).status_code == 404
    resp = requests.get(f"{server.url}{API}/monitors/nope/points", params={"metric": "drift_share"}, timeout=TIMEOUT)
    assert resp.status_code == 404
