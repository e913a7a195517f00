"""Errors and wire rules, checked with raw HTTP (requests / http.client)."""

import http.client
import json
import math
import re
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from conftest import CANARY_NAME, assert_error, assert_ok_json, record_server_error, unique

MISSING_RUN = "0123456789abcdef0123456789abcdef"
REQUIRED = "Missing value for required parameter '{}'. See the API docs for more information about request parameters."


@pytest.fixture
def exp_id(api):
    return assert_ok_json(api.post("experiments/create", {"name": unique("wire")}))["experiment_id"]


@pytest.fixture
def run_id(api, exp_id):
    body = assert_ok_json(api.post("runs/create", {"experiment_id": exp_id, "start_time": 1000}))
    return body["run"]["info"]["run_id"]


# ---------------------------------------------------------------------------- ops routes
def test_health_returns_ok(api):
    resp = api.get("/health")
    assert resp.status_code == 200
    assert resp.text.strip() == "OK"


def test_version_returns_version_string(api):
    resp = api.get("/version")
    assert resp.status_code == 200
    assert re.fullmatch(r"\d+\.\d+(\.\d+)?\S*", resp.text.strip()), resp.text


# ---------------------------------------------------------------------------- errors
def test_unknown_run_is_404_resource_does_not_exist(api):
    assert_error(api.get("runs/get", {"run_id": MISSING_RUN}), 404, "RESOURCE_DOES_NOT_EXIST",
                 f"Run with id={MISSING_RUN} not found")  # fmt: skip


def test_unknown_experiment_is_404(api):
    assert_error(api.get("experiments/get", {"experiment_id": "987654321987"}), 404,
                 "RESOURCE_DOES_NOT_EXIST", "No Experiment with id=987654321987 exists")  # fmt: skip
    assert_error(api.get("experiments/get-by-name", {"experiment_name": "nope-" + uuid.uuid4().hex}), 404,
                 "RESOURCE_DOES_NOT_EXIST", "Could not find experiment with name")  # fmt: skip


def test_error_body_is_exactly_error_code_and_message(api):
    body = assert_error(api.get("runs/get", {"run_id": MISSING_RUN}), 404, "RESOURCE_DOES_NOT_EXIST")
    assert set(body) >= {"error_code", "message"}


@pytest.mark.parametrize(
    "method,path,payload,field",
    [
        ("GET", "runs/get", None, "run_id"),
        ("POST", "experiments/create", {}, "name"),
        ("POST", "experiments/create", {"name": ""}, "name"),
        ("POST", "experiments/create", {"name": None}, "name"),
        ("POST", "runs/log-parameter", {"key": "k", "value": "v"}, "run_id"),
        ("POST", "runs/log-metric", {"run_id": MISSING_RUN, "key": "k", "value": 1.0}, "timestamp"),
        ("GET", "metrics/get-history", {"run_id": MISSING_RUN}, "metric_key"),
        ("DELETE", "registered-models/delete", {}, "name"),
        ("POST", "registered-models/create", {"description": "x"}, "name"),
    ],
)
def test_missing_required_field_is_400(api, method, path, payload, field):
    if method == "GET":
        resp = api.get(path, payload)
    else:
        resp = api.session.request(method, api.url(path), json=payload, timeout=30)
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE", REQUIRED.format(field))


def test_missing_nested_required_field_is_400(api, run_id):
    resp = api.post("runs/log-batch", {"run_id": run_id, "metrics": [{"key": "m", "value": 1.0}]})
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE", REQUIRED.format("metrics[0].timestamp"))


def test_wrong_value_type_is_400(api, run_id):
    assert_error(api.post("experiments/create", {"name": 31}), 400, "INVALID_PARAMETER_VALUE",
                 "Invalid value 31 for parameter 'name' supplied")  # fmt: skip
    assert_error(api.post("runs/log-batch", {"run_id": run_id, "metrics": "foo"}), 400,
                 "INVALID_PARAMETER_VALUE", "Invalid value \"foo\" for parameter 'metrics' supplied")  # fmt: skip


def test_malformed_json_body_is_400(api):
    for body in (b"{not json", b"[1, 2", b"\xff\xfe"):
        resp = api.session.post(api.url("experiments/create"), data=body,
                                headers={"Content-Type": "application/json"}, timeout=30)  # fmt: skip
        assert_error(resp, 400, "INVALID_PARAMETER_VALUE")


def test_non_json_content_type_is_rejected(api):
    resp = api.session.post(api.url("experiments/create"), data=json.dumps({"name": unique("ct")}),
                            headers={"Content-Type": "text/plain"}, timeout=30)  # fmt: skip
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE", "Content-Type must be one of ['application/json']")


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("path", ["/api/2.0/mlflow/does-not-exist", "/api/2.0/mlflow/runs/get/extra", "/no-such-page"])
def test_unknown_route_is_404(api, method, path):
    resp = api.session.request(method, api.url(path), json={} if method == "POST" else None, timeout=30)
    assert resp.status_code == 404


def test_wrong_method_on_known_route_is_4xx(api):
    resp = api.get("runs/create")
    assert 400 <= resp.status_code < 500 and resp.status_code != 200


def test_resource_already_exists_is_http_400(api):
    name = unique("dup")
    assert_ok_json(api.post("experiments/create", {"name": name}))
    assert_error(api.post("experiments/create", {"name": name}), 400, "RESOURCE_ALREADY_EXISTS",
                 f"Experiment(name={name}) already exists")  # fmt: skip
    assert_ok_json(api.post("registered-models/create", {"name": name}))
    assert_error(api.post("registered-models/create", {"name": name}), 400, "RESOURCE_ALREADY_EXISTS",
                 f"Registered Model (name={name}) already exists.")  # fmt: skip


def test_changing_param_is_400(api, run_id):
    assert assert_ok_json(api.post("runs/log-parameter", {"run_id": run_id, "key": "p", "value": "a"})) == {}
    assert assert_ok_json(api.post("runs/log-parameter", {"run_id": run_id, "key": "p", "value": "a"})) == {}
    assert_error(api.post("runs/log-parameter", {"run_id": run_id, "key": "p", "value": "b"}), 400,
                 "INVALID_PARAMETER_VALUE",
                 f"Changing param values is not allowed. Param with key='p' was already logged with value='a' "
                 f"for run ID='{run_id}'. Attempted logging new value 'b'.")  # fmt: skip


@pytest.mark.parametrize("key", ["a//b", "../a", "/abs", "a/", "./a"])
def test_invalid_key_is_400(api, run_id, key):
    resp = api.post("runs/log-parameter", {"run_id": run_id, "key": key, "value": "v"})
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE", f'Invalid value "{key}" for parameter \'key\' supplied')


def test_batch_limits_are_enforced(api, run_id):
    params = [{"key": f"k{i}", "value": "v"} for i in range(101)]
    assert_error(api.post("runs/log-batch", {"run_id": run_id, "params": params}), 400, "INVALID_PARAMETER_VALUE",
                 "A batch logging request can contain at most 100 params. Got 101 params.")  # fmt: skip
    metrics = [{"key": "m", "value": i, "timestamp": i} for i in range(1001)]
    assert_error(api.post("runs/log-batch", {"run_id": run_id, "metrics": metrics}), 400, "INVALID_PARAMETER_VALUE",
                 "A batch logging request can contain at most 1000 metrics. Got 1001 metrics.")  # fmt: skip


def test_invalid_page_token_is_400(api, exp_id):
    assert_error(api.post("runs/search", {"experiment_ids": [exp_id], "page_token": "garbage"}), 400,
                 "INVALID_PARAMETER_VALUE", "Invalid page token")  # fmt: skip


def test_search_max_results_over_limit_is_400(api, exp_id):
    assert_error(api.post("runs/search", {"experiment_ids": [exp_id], "max_results": 123456789}), 400,
                 "INVALID_PARAMETER_VALUE", "Invalid value 123456789 for parameter 'max_results' supplied")  # fmt: skip


def test_alias_not_found_is_400(api):
    name = unique("rm")
    assert_ok_json(api.post("registered-models/create", {"name": name}))
    assert_error(api.get("registered-models/alias", {"name": name, "alias": "nope"}), 400,
                 "INVALID_PARAMETER_VALUE", "Registered model alias nope not found.")  # fmt: skip


# ---------------------------------------------------------------------------- request decoding
def test_delete_with_json_body(api):
    name = unique("del")
    assert_ok_json(api.post("registered-models/create", {"name": name}))
    assert assert_ok_json(api.delete("registered-models/delete", {"name": name})) == {}
    assert_error(api.get("registered-models/get", {"name": name}), 404, "RESOURCE_DOES_NOT_EXIST",
                 f"Registered Model with name={name} not found")  # fmt: skip


def _versions_with_stages(api, name, exp_id):
    assert_ok_json(api.post("registered-models/create", {"name": name}))
    for stage in ("Production", "Staging", "None"):
        run = assert_ok_json(api.post("runs/create", {"experiment_id": exp_id, "start_time": 1}))["run"]["info"]
        mv = assert_ok_json(api.post("model-versions/create", {
            "name": name, "source": run["artifact_uri"] + "/model", "run_id": run["run_id"]}))["model_version"]  # fmt: skip
        assert mv["status"] == "READY"
        if stage != "None":
            assert_ok_json(api.post("model-versions/transition-stage", {
                "name": name, "version": mv["version"], "stage": stage, "archive_existing_versions": False}))  # fmt: skip


def test_get_with_repeated_query_keys(api, exp_id):
    name = unique("rep")
    _versions_with_stages(api, name, exp_id)
    resp = api.get("registered-models/get-latest-versions",
                   [("name", name), ("stages", "Production"), ("stages", "Staging")])  # fmt: skip
    got = sorted((v["current_stage"], v["version"]) for v in assert_ok_json(resp)["model_versions"])
    assert got == [("Production", "1"), ("Staging", "2")]
    resp = api.post("registered-models/get-latest-versions", {"name": name, "stages": ["Staging"]})
    assert [(v["current_stage"], v["version"]) for v in assert_ok_json(resp)["model_versions"]] == [("Staging", "2")]


def test_get_query_strings_are_coerced(api):
    prefix = unique("coerce")
    for i in range(3):
        assert_ok_json(api.post("registered-models/create", {"name": f"{prefix}-{i}"}))
    body = assert_ok_json(api.get("registered-models/search", [
        ("filter", f"name LIKE '{prefix}-%'"), ("max_results", "2"), ("order_by", "name DESC")]))  # fmt: skip
    assert [m["name"] for m in body["registered_models"]] == [f"{prefix}-2", f"{prefix}-1"]
    assert body["next_page_token"]
    body = assert_ok_json(api.get("experiments/search", [
        ("filter", "name = 'Default'"), ("max_results", "5"), ("view_type", "ALL")]))  # fmt: skip
    assert [e["experiment_id"] for e in body["experiments"]] == ["0"]


def test_numbers_sent_as_strings_and_enums_as_ints_are_accepted(api, run_id, exp_id):
    resp = api.post("runs/log-metric", {"run_id": run_id, "key": "s", "value": 1.5, "timestamp": "7", "step": "3"})
    assert assert_ok_json(resp) == {}
    [m] = assert_ok_json(api.get("metrics/get-history", {"run_id": run_id, "metric_key": "s", "max_results": 10}))["metrics"]
    assert (m["timestamp"], m["step"], m["value"]) == (7, 3, 1.5)
    body = assert_ok_json(api.post("runs/search", {"experiment_ids": [exp_id], "run_view_type": 3, "max_results": "5"}))
    assert [r["info"]["run_id"] for r in body["runs"]] == [run_id]


def test_unknown_fields_in_body_are_ignored(api, run_id):
    body = assert_ok_json(api.post("experiments/create", {
        "name": unique("unk"), "bogus": 1, "nested": {"a": [1, {"b": None}]}}))  # fmt: skip
    assert body["experiment_id"]
    resp = api.post("runs/log-metric", {
        "run_id": run_id, "key": "m", "value": 2.0, "timestamp": 5, "step": 0, "not_a_field": "x",
        "dataset_name": "d", "dataset_digest": "abc"})  # fmt: skip
    assert assert_ok_json(resp) == {}


def test_run_uuid_is_accepted_for_run_id(api, run_id):
    info = assert_ok_json(api.get("runs/get", {"run_uuid": run_id}))["run"]["info"]
    assert info["run_id"] == run_id
    assert assert_ok_json(api.post("runs/log-parameter", {"run_uuid": run_id, "key": "p", "value": "v"})) == {}
    params = assert_ok_json(api.get("runs/get", {"run_id": run_id}))["run"]["data"]["params"]
    assert params == [{"key": "p", "value": "v"}]


def test_empty_filter_and_page_token_mean_none(api, exp_id, run_id):
    body = assert_ok_json(api.post("runs/search", {"experiment_ids": [exp_id], "filter": "", "page_token": ""}))
    assert [r["info"]["run_id"] for r in body["runs"]] == [run_id]
    body = assert_ok_json(api.post("experiments/search", {
        "filter": "", "page_token": "", "max_results": 1000, "view_type": "ACTIVE_ONLY"}))  # fmt: skip
    assert any(e["experiment_id"] == exp_id for e in body["experiments"])


# ---------------------------------------------------------------------------- response encoding
def test_run_json_shape(api, exp_id, run_id):
    run = assert_ok_json(api.get("runs/get", {"run_id": run_id}))["run"]
    info = run["info"]
    assert info["run_id"] == info["run_uuid"] == run_id
    assert info["experiment_id"] == exp_id and isinstance(info["experiment_id"], str)
    assert info["start_time"] == 1000 and isinstance(info["start_time"], int)
    assert "end_time" not in info  # omitted while running
    assert (info["status"], info["lifecycle_stage"]) == ("RUNNING", "active")
    assert info["artifact_uri"] == f"mlflow-artifacts:/{exp_id}/{run_id}/artifacts"
    assert {"key": "mlflow.runName", "value": info["run_name"]} in run["data"]["tags"]
    assert "metrics" not in run["data"] and "params" not in run["data"]  # empty lists are omitted


def test_experiment_json_shape(api, exp_id):
    exp = assert_ok_json(api.get("experiments/get", {"experiment_id": exp_id}))["experiment"]
    assert exp["experiment_id"] == exp_id
    assert exp["artifact_location"] == f"mlflow-artifacts:/{exp_id}"
    assert exp["lifecycle_stage"] == "active"
    assert isinstance(exp["creation_time"], int) and isinstance(exp["last_update_time"], int)
    assert "tags" not in exp


def test_empty_search_result_is_empty_object(api, exp_id):
    body = assert_ok_json(api.post("runs/search", {"experiment_ids": [exp_id], "filter": "params.none = 'x'"}))
    assert body.get("runs", []) == [] and not body.get("next_page_token")


def test_nan_metric_is_the_string_nan_in_json(api, run_id):
    assert assert_ok_json(api.post("runs/log-metric", {"run_id": run_id, "key": "n", "value": "NaN", "timestamp": 5})) == {}
    raw = api.get("runs/get", {"run_id": run_id})
    [metric] = assert_ok_json(raw)["run"]["data"]["metrics"]
    assert metric == {"key": "n", "value": "NaN", "timestamp": 5, "step": 0}
    assert re.search(r'"value"\s*:\s*"NaN"', raw.text)
    hist = assert_ok_json(api.get("metrics/get-history", {"run_id": run_id, "metric_key": "n", "max_results": 10}))
    [point] = hist["metrics"]
    assert {k: point.get(k) for k in ("key", "value", "timestamp", "step")} == {
        "key": "n", "value": "NaN", "timestamp": 5, "step": 0}  # extra Metric fields (run_id) are fine


def test_infinity_is_clamped_to_max_double(api, run_id):
    for value in ("Infinity", "-Infinity"):
        assert assert_ok_json(api.post("runs/log-metric", {"run_id": run_id, "key": value, "value": value, "timestamp": 5})) == {}
    metrics = {m["key"]: m["value"] for m in assert_ok_json(api.get("runs/get", {"run_id": run_id}))["run"]["data"]["metrics"]}
    assert metrics == {"Infinity": 1.7976931348623157e308, "-Infinity": -1.7976931348623157e308}
    assert all(math.isfinite(v) for v in metrics.values())


def test_model_version_json_shape(api, exp_id, run_id):
    name = unique("mvj")
    rm = assert_ok_json(api.post("registered-models/create", {"name": name}))["registered_model"]
    assert rm["name"] == name and isinstance(rm["creation_timestamp"], int)
    mv = assert_ok_json(api.post("model-versions/create", {
        "name": name, "source": f"mlflow-artifacts:/{exp_id}/{run_id}/artifacts/model", "run_id": run_id}))["model_version"]  # fmt: skip
    assert (mv["name"], mv["version"], mv["current_stage"], mv["status"]) == (name, "1", "None", "READY")
    assert mv["run_id"] == run_id
    assert isinstance(mv["creation_timestamp"], int)


# ---------------------------------------------------------------------------- artifact path safety
def _raw(server, method, path, body=None):
    """Send a request with the path exactly as given (requests would normalise `..`)."""
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        conn.putheader("Content-Length", str(len(body or b"")))
        conn.endheaders()
        if body:
            conn.send(body)
        resp = conn.getresponse()
        data = resp.read()
    finally:
        conn.close()
    if resp.status >= 500:
        record_server_error(f"{method} {path} -> {resp.status}: {data[:300]!r}")
    return resp.status, data


ART = "/api/2.0/mlflow-artifacts/artifacts/"
INVALID_PATH = {"error_code": "INVALID_PARAMETER_VALUE", "message": "Invalid path"}
DOTDOT = ["..", "%2e%2e", "%2E%2E", "%252e%252e", ".%2e", "%2e."]
SLASH = ["/", "%2f", "%2F", "%252f"]


def _traversals(target: str, max_depth: int = 5):
    """`../`-style escapes of increasing depth, in several encodings."""
    for dots in DOTDOT:
        for sep in SLASH:
            for depth in (1, 3, max_depth):
                yield sep.join([dots] * depth) + sep + target
    for depth in (2, 4):
        yield "a/" + "/".join([".."] * depth) + "/" + target


def _files_named(root: Path, needle: str):
    return [p for p in root.rglob("*") if needle in p.name]


def _assert_invalid_path(status, data):
    assert status == 400, (status, data[:300])
    assert json.loads(data) == INVALID_PATH


def test_artifact_traversal_read_is_rejected(server):
    for rel in _traversals(CANARY_NAME):
        status, data = _raw(server, "GET", ART + rel)
        _assert_invalid_path(status, data)
        for secret in server.canaries.values():
            assert secret not in data


def test_artifact_traversal_write_is_rejected(server):
    token = f"evil-{uuid.uuid4().hex}"
    for rel in _traversals(token):
        status, data = _raw(server, "PUT", ART + rel, body=b"pwned")
        _assert_invalid_path(status, data)
    # nothing was written anywhere: not inside the data dir, not above it
    assert _files_named(server.base_dir, token) == []
    assert not any(token in p.name for p in Path("/tmp").iterdir())


def test_artifact_traversal_delete_is_rejected(server):
    for rel in _traversals(CANARY_NAME):
        status, data = _raw(server, "DELETE", ART + rel)
        _assert_invalid_path(status, data)
    for path, secret in server.canaries.items():
        assert path.read_bytes() == secret


@pytest.mark.parametrize("path", ["..", "../x", "a/../..", "a/../../" + CANARY_NAME, "%2e%2e", "..%2f..",
                                  "/etc", "/", "a#b", "%2e%2e/x"])  # fmt: skip
def test_artifact_list_with_unsafe_path_is_rejected(api, path):
    resp = api.get(api.srv.artifacts_api, {"path": path})
    assert resp.status_code == 400, resp.text
    assert resp.json() == INVALID_PATH


def test_artifact_fragment_character_is_rejected(server):
    _assert_invalid_path(*_raw(server, "PUT", ART + "a%23b", body=b"x"))
    _assert_invalid_path(*_raw(server, "GET", ART + "a%23b"))


def test_absolute_artifact_paths_stay_inside_the_root(server):
    """`artifacts//abs/path` and `artifacts/%2Fabs%2Fpath`: MLflow answers 308 (redirect to the
    slash-merged, relative path); 400 is equally fine.  The absolute location is never touched."""
    target = server.base_dir / f"abs-{uuid.uuid4().hex}"
    canary = next(iter(server.canaries))
    for p in (target, canary):
        forms = (ART + str(p), ART + quote(str(p), safe=""))
        for path in forms:
            method, body = ("PUT", b"pwned") if p == target else ("GET", None)
            status, data = _raw(server, method, path, body=body)
            assert status in (301, 302, 307, 308, 400, 404), (method, path, status, data[:300])
            for secret in server.canaries.values():
                assert secret not in data
    assert not target.exists()
    assert all(path.read_bytes() == secret for path, secret in server.canaries.items())


@pytest.mark.reference_server_5xx(
    r"GET \S*%5c", "MLflow answers 500 for a GET of a missing artifact; Capstan must answer 400/404"
)
def test_backslash_artifact_paths_do_not_escape(server):
    """On POSIX, MLflow treats `\\` as an ordinary character (the file is stored under the literal
    name inside the root); rejecting with 400 is equally fine.  No file may appear outside."""
    token = f"bs-{uuid.uuid4().hex}"
    for rel in (f"a%5c..%5c..%5c..%5c{token}", f"..%5c..%5c{token}", f"a%5C..%5C{token}"):
        status, data = _raw(server, "PUT", ART + rel, body=b"pwned")
        assert status in (200, 400), (status, data[:300])
    outside = [p for p in _files_named(server.base_dir, token) if server.data_dir not in p.parents]
    assert outside == []
    for rel in (f"..%5c..%5c{CANARY_NAME}", f"a%5c..%5c..%5c..%5c{CANARY_NAME}"):
        status, data = _raw(server, "GET", ART + rel)
        for secret in server.canaries.values():
            assert secret not in data
