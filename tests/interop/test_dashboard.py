"""The dashboard at /ui, as a browser renders it.

A model is registered with the `mlflow` client and deployed as two variants and a shadow;
traffic flows, a drift monitor and an operational monitor evaluate it, and an alert rule on
the drift share fires.  Each dashboard page is then opened in headless Chromium (the Debian
package): the DOM Chromium renders must hold the SVG charts with their lines and bars, and a
screenshot of each page is saved (into $CAPSTAN_SCREENSHOTS, or a pytest temporary
directory) for a person to look at.  Capstan-only.
"""

import os
import shutil
import subprocess
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
import requests
from conftest import unique
from monitored_model import API, COLUMNS, FEATURES, TIMEOUT, register_classifier, send_traffic, wait_until_logged, write_reference

pytestmark = pytest.mark.skipif(
    os.environ.get("INTEROP_SERVER", "capstan").strip().lower() == "mlflow",
    reason="the dashboard is Capstan's; the reference mlflow server has none",
)

WINDOW = 80


def chromium() -> str:
    """The Chromium binary; CI must have it (scripts/test installs it), elsewhere the test skips."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI") == "1":
        pytest.fail("chromium is missing: scripts/test installs it as root (Debian package chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium; scripts/test does it when run as root)")


def browse(url: str, *args: str) -> subprocess.CompletedProcess:
    """Runs headless Chromium on `url` with a throwaway profile."""
    with tempfile.TemporaryDirectory(prefix="capstan-chromium-") as profile:
        return subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--hide-scrollbars", f"--user-data-dir={profile}", *args, url],
            capture_output=True, text=True, timeout=120)  # fmt: skip


class Dom(HTMLParser):
    """The elements of a rendered page: each SVG chart by its accessible title, with the
    classes of the shapes drawn inside it, and the page's text."""

    def __init__(self, html: str):
        super().__init__()
        self.charts: dict[str, list[tuple[str, set[str]]]] = {}
        self.tags: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self._chart: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append(tag)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "svg" and attributes.get("aria-label"):
            self._chart = attributes["aria-label"]
            self.charts[self._chart] = []
        elif self._chart is not None:
            self.charts[self._chart].append((tag, set((attributes.get("class") or "").split())))

    def handle_endtag(self, tag):
        if tag == "svg":
            self._chart = None

    def handle_data(self, data):
        self.text.append(data)

    def shapes(self, chart: str, tag: str, css_class: str) -> int:
        assert chart in self.charts, f"no chart {chart!r}; charts: {sorted(self.charts)}"
        return sum(1 for t, classes in self.charts[chart] if t == tag and css_class in classes)

    @property
    def page_text(self) -> str:
        return " ".join(" ".join(self.text).split())


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    directory = Path(os.environ.get("CAPSTAN_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def open_page(server, path: str, screenshots: Path, shot: str) -> Dom:
    """The page as Chromium renders it, checked to be a dashboard page, with a screenshot saved."""
    url = server.url + path
    direct = requests.get(url, timeout=TIMEOUT)
    assert direct.status_code == 200, direct.text[:2000]
    assert direct.headers["Content-Type"] == "text/html; charset=utf-8"
    rendered = browse(url, "--dump-dom")
    assert rendered.returncode == 0, rendered.stderr[-3000:]
    dom = Dom(rendered.stdout)
    assert "Capstan" in dom.page_text and "script" not in dom.tags, rendered.stdout[:2000]
    target = screenshots / f"{server.backend}-{shot}.png"
    target.unlink(missing_ok=True)
    taken = browse(url, f"--screenshot={target}", "--window-size=1280,2000")
    assert taken.returncode == 0 and target.exists(), taken.stderr[-3000:]
    # A blank or error page compresses to a few kilobytes; charts and tables do not.
    assert target.stat().st_size > 30_000, f"{target} is only {target.stat().st_size} bytes"
    return dom


@pytest.fixture(scope="module")
def dashboard(server, tmp_path_factory):
    """A deployment with two variants and a shadow that has served normal and then drifted
    traffic, a drift monitor evaluated on both, an operational monitor, and a firing alert."""
    rng = np.random.default_rng(11)
    name, x = register_classifier(server, rng, rows=1000, prefix="dash")
    uri = f"models:/{name}/1"
    spec = {"name": name, "variants": [{"name": "stable", "model": uri, "weight": 80}, {"name": "canary", "model": uri, "weight": 20}],
            "shadows": [{"name": "twin", "model": uri, "percent": 50}]}  # fmt: skip
    resp = requests.post(server.url + API + "/deployments", json=spec, timeout=TIMEOUT)
    assert resp.status_code == 200, resp.text

    reference = write_reference(tmp_path_factory.mktemp("dashboard-reference") / "train.csv", x)
    drift, ops, rule = unique("drift"), unique("ops"), unique("dash_drift").replace("-", "_")
    try:
        for body in (
            {"name": drift, "deployment": name, "kind": "drift", "window": {"predictions": WINDOW}, "schedule": "1h",
             "reference": {"csv": reference}, "match": "position", "min_rows": WINDOW, "drift": {"num_method": "ks", "threshold": 0.01}},
            {"name": ops, "deployment": name, "kind": "operational", "window": "1h", "schedule": "1h"},
        ):  # fmt: skip
            resp = requests.post(f"{server.url}{API}/monitors", json=body, timeout=TIMEOUT)
            assert resp.status_code == 200, resp.text
        resp = requests.post(f"{server.url}{API}/alerts/rules", json={
            "name": rule, "condition": f'drift_share{{deployment="{name}"}} >= 0.5', "for": "0s", "labels": {"severity": "warning"},
            "annotations": {"summary": "{{ $labels.deployment }}: {{ $value | humanizePercentage }} of features drifted"},
            "notify": {"channels": ["log"]},
        }, timeout=TIMEOUT)  # fmt: skip
        assert resp.status_code == 200, resp.text

        # Normal traffic, then traffic whose features 0–2 moved by two standard deviations.
        for shift, logged in ((0.0, WINDOW), (2.0, 2 * WINDOW)):
            send_traffic(server, name, rng, WINDOW, shift=shift)
            wait_until_logged(server, name, logged)
            for monitor in (drift, ops):
                resp = requests.post(f"{server.url}{API}/monitors/{monitor}/run", timeout=TIMEOUT)
                assert resp.status_code == 200 and resp.json()["status"] == "ok", resp.text
            time.sleep(1.1)  # evaluations one second apart: two points on each line
        active = requests.get(f"{server.url}{API}/alerts", timeout=TIMEOUT).json()["alerts"]
        # The PostgreSQL database is shared with earlier runs: look at this deployment's alert only.
        assert [a["state"] for a in active if a["rule"] == rule and a["labels"]["deployment"] == name] == ["firing"], active
        yield {"name": name, "drift": drift, "ops": ops, "rule": rule}
    finally:
        # Alert rules see every monitor's numbers: a drifted monitor left behind would fire
        # other tests' rules on the same server (and, on PostgreSQL, in later runs).
        for path in (f"/monitors/{drift}", f"/monitors/{ops}", f"/alerts/rules/{rule}"):
            requests.delete(f"{server.url}{API}{path}", timeout=TIMEOUT)


def test_overview_lists_the_deployment_its_monitors_and_the_firing_alert(server, dashboard, screenshots):
    dom = open_page(server, "/ui", screenshots, "overview")
    text = dom.page_text
    assert "stable 80% (" in text and "canary 20% (" in text and "twin 50% mirrored" in text, text
    assert f"/ui/deployments/{dashboard['name']}" in dom.links
    assert f"/ui/monitors/{dashboard['drift']}" in dom.links and "/ui/alerts" in dom.links
    assert dashboard["rule"] in text and "Firing" in text
    assert f"{dashboard['name']}: 75% of features drifted" in text


def test_deployment_page_charts_requests_errors_and_latency_per_variant(server, dashboard, screenshots):
    dom = open_page(server, f"/ui/deployments/{dashboard['name']}", screenshots, "deployment")
    # Requests are zero-filled per bucket: a drawn line for each variant and the shadow.
    assert dom.shapes("Requests per 15 min", "path", "series") == 3
    for chart in ("Error rate", "Mean latency", "Maximum latency"):
        # All traffic fell in one or two buckets: lines or lone points, but something drawn.
        assert dom.shapes(chart, "path", "series") + dom.shapes(chart, "circle", "point") >= 3, chart
    assert dom.shapes("Traffic split", "rect", "bar") == 4
    text = dom.page_text
    assert f"Requests (last 24 h) {2 * WINDOW}" in text, text
    assert f"/ui/monitors/{dashboard['drift']}" in dom.links and f"/ui/monitors/{dashboard['ops']}" in dom.links
    assert "stable: " in text and "(weight 80)" in text and "shadow twin: " in text


def test_drift_monitor_page_draws_share_scores_and_histograms(server, dashboard, screenshots):
    dom = open_page(server, f"/ui/monitors/{dashboard['drift']}", screenshots, "drift-monitor")
    assert dom.shapes("Share of drifted columns", "line", "threshold") == 1
    assert dom.shapes("Share of drifted columns", "path", "series") == 1, "two evaluations: one line"
    assert dom.shapes("Drift score per feature", "path", "series") == FEATURES
    for column in COLUMNS:
        chart = f"{column}: reference and current"
        assert dom.shapes(chart, "rect", "series-0") == 10 and dom.shapes(chart, "rect", "series-1") == 10, chart
    text = dom.page_text
    assert "drifted" in text and "no drift" in text and "ks" in text


def test_operational_monitor_page_draws_its_series(server, dashboard, screenshots):
    dom = open_page(server, f"/ui/monitors/{dashboard['ops']}", screenshots, "operational-monitor")
    assert dom.shapes("Requests per window", "path", "series") == 1
    assert dom.shapes("Latency", "path", "series") == 4


def test_alerts_page_shows_the_firing_alert_and_its_history(server, dashboard, screenshots):
    dom = open_page(server, "/ui/alerts", screenshots, "alerts")
    text = dom.page_text
    assert dashboard["rule"] in text and ">= 0.5" in text and "severity=warning" in text, text
    assert f"/ui/deployments/{dashboard['name']}" in dom.links and f"/ui/monitors/{dashboard['drift']}" in dom.links


def test_unknown_names_are_404_pages(server):
    resp = requests.get(f"{server.url}/ui/deployments/{unique('missing')}", timeout=TIMEOUT)
    assert resp.status_code == 404 and resp.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "404 Not Found" in resp.text
