"""The serving gateway, driven by the real clients.

ONNX models are logged and registered with the `mlflow` client, deployed through
`/api/capstan/v1/deployments`, and scored over two protocols:

* the Open Inference Protocol (KServe v2), with the real `tritonclient.http` (binary tensors
  by default, JSON on request) and with raw requests for headers and errors;
* MLflow's scoring protocol (`/deployments/{name}/invocations`), in every body format.

Expected outputs come from onnxruntime running the same ONNX bytes.  Capstan-only: the
reference mlflow server has no such API.
"""

import json
import shutil
import subprocess
import os
from urllib.parse import urlsplit

import mlflow
import mlflow.onnx
import numpy as np
import onnxruntime as ort
import pytest
import requests
import tritonclient.http as triton
from conftest import unique
from mlflow import MlflowClient
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from tritonclient.utils import InferenceServerException

pytestmark = pytest.mark.skipif(
    os.environ.get("INTEROP_SERVER", "capstan").strip().lower() == "mlflow",
    reason="the serving gateway is a Capstan API; the reference mlflow server has none",
)

DEPLOYMENTS = "/api/capstan/v1/deployments"
INPUT = "float_input"
FEATURES = 8
CLASSES = 3
COLUMNS = [f"f{i}" for i in range(FEATURES)]
TIMEOUT = 30


# ---------------------------------------------------------------------------- models
def _training_data():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(300, FEATURES)).astype(np.float32)
    score = x[:, 0] + 0.5 * x[:, 1] - 0.25 * x[:, 2]
    y = np.digitize(score, [-0.5, 0.5])  # three classes
    return x, y


def _to_onnx(estimator):
    return convert_sklearn(
        estimator, initial_types=[(INPUT, FloatTensorType([None, FEATURES]))],
        options={id(estimator): {"zipmap": False}})  # fmt: skip


class Reference:
    """What onnxruntime answers for a model: labels [N] int64, probabilities [N, K] float32."""

    def __init__(self, onnx_model):
        self.session = ort.InferenceSession(onnx_model.SerializeToString(), providers=["CPUExecutionProvider"])

    def __call__(self, x):
        labels, probabilities = self.session.run(["label", "probabilities"], {INPUT: x})
        return labels, probabilities


# Rows to score: exact float32 values, so JSON and CSV carry them without rounding.
X_TEST = np.random.default_rng(11).normal(size=(6, FEATURES)).astype(np.float32)


@pytest.fixture(scope="module")
def models(server):
    """One registered model with two ONNX versions: 1 = logistic regression, 2 = random forest."""
    mlflow.set_tracking_uri(server.url)
    mlflow.set_registry_uri(server.url)
    client = MlflowClient(server.url)
    exp_id = client.create_experiment(unique("serving"))
    name = unique("onnx")
    x, y = _training_data()
    estimators = [LogisticRegression(max_iter=1000), RandomForestClassifier(n_estimators=8, max_depth=4, random_state=0)]
    refs, versions = [], []
    for estimator in estimators:
        onnx_model = _to_onnx(estimator.fit(x, y))
        with mlflow.start_run(experiment_id=exp_id):
            # Explicit requirements: inferring them runs a subprocess that may create ./mlruns.
            info = mlflow.onnx.log_model(onnx_model, name="model", registered_model_name=name, input_example=x[:2],
                                         pip_requirements=["onnx", "onnxruntime"])  # fmt: skip
        assert info.artifact_path.startswith("mlflow-artifacts:/"), info.artifact_path
        versions.append(str(info.registered_model_version))
        refs.append(Reference(onnx_model))
    assert versions == ["1", "2"]
    ref1, ref2 = (ref(X_TEST) for ref in refs)
    # The versions must be told apart by their answers.
    assert np.abs(ref1[1] - ref2[1]).max() > 0.05
    return {"name": name, "exp_id": exp_id, "ref": {1: ref1, 2: ref2}}


# ---------------------------------------------------------------------------- helpers
def _session():
    return requests.Session()  # goes through the conftest 5xx recorder


def apply(session, server, spec):
    return session.post(server.url + DEPLOYMENTS, json=spec, timeout=TIMEOUT)


def deploy(session, server, spec) -> dict:
    resp = apply(session, server, spec)
    assert resp.status_code == 200, (spec, resp.status_code, resp.text[:2000])
    body = resp.json()
    assert body["name"] == spec["name"]
    assert body["status"] == "serving", body
    return body


def get_deployment(session, server, name) -> dict:
    resp = session.get(f"{server.url}{DEPLOYMENTS}/{name}", timeout=TIMEOUT)
    assert resp.status_code == 200, (resp.status_code, resp.text[:2000])
    return resp.json()


def assert_api_error(resp, status, message_contains=None) -> dict:
    """A `/api/capstan/v1` error: the status and `{"error": {"code", "message"}}`."""
    assert resp.status_code == status, (resp.status_code, resp.text[:2000])
    assert resp.headers.get("Content-Type", "").startswith("application/json"), resp.headers
    error = resp.json()["error"]
    assert isinstance(error["code"], str) and error["code"], error
    assert isinstance(error["message"], str) and error["message"], error
    if message_contains is not None:
        assert message_contains in error["message"], error
    return error


def invocations(session, server, name, body, content_type="application/json", headers=None):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return session.post(f"{server.url}/deployments/{name}/invocations", data=data,
                        headers={"Content-Type": content_type, **(headers or {})}, timeout=TIMEOUT)  # fmt: skip


def predictions(resp) -> tuple[np.ndarray, np.ndarray]:
    """Labels and probabilities from a 200 `{"predictions": {"label": [...], "probabilities": [[...], ...]}}`,
    the shape `mlflow models serve` gives an ONNX model's outputs (one list per output)."""
    assert resp.status_code == 200, (resp.status_code, resp.text[:2000])
    assert resp.headers.get("Content-Type", "").startswith("application/json"), resp.headers
    outputs = resp.json()["predictions"]
    assert isinstance(outputs, dict) and set(outputs) == {"label", "probabilities"}, outputs
    assert all(isinstance(label, int) for label in outputs["label"]), outputs
    return np.array(outputs["label"]), np.array(outputs["probabilities"], dtype=np.float64)


def assert_matches(labels, probabilities, ref):
    ref_labels, ref_probabilities = ref
    assert np.asarray(labels).tolist() == ref_labels.tolist()
    assert np.asarray(probabilities).shape == ref_probabilities.shape
    np.testing.assert_allclose(probabilities, ref_probabilities, rtol=0, atol=1e-5)


def score(session, server, name, x=X_TEST, headers=None):
    """Scores rows through /invocations; returns (labels, probabilities, response)."""
    resp = invocations(session, server, name, {"dataframe_split": {"columns": COLUMNS, "data": x.tolist()}},
                       headers=headers)  # fmt: skip
    return (*predictions(resp), resp)


def oip_infer(session, server, name, body, version=None, headers=None):
    path = f"/v2/models/{name}" + (f"/versions/{version}" if version else "") + "/infer"
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return session.post(server.url + path, data=data, headers=headers or {}, timeout=TIMEOUT)


def oip_body(x=X_TEST, name=INPUT, datatype="FP32", shape=None, data=None):
    return {"inputs": [{"name": name, "datatype": datatype, "shape": list(x.shape) if shape is None else shape,
                        "data": x.flatten().tolist() if data is None else data}]}  # fmt: skip


def assert_oip_error(resp, status):
    assert resp.status_code == status, (resp.status_code, resp.text[:2000])
    body = resp.json()
    assert isinstance(body.get("error"), str) and body["error"], body
    return body["error"]


def assert_scoring_error(resp, status):
    assert resp.status_code == status, (resp.status_code, resp.text[:2000])
    body = resp.json()
    assert isinstance(body.get("error_code"), str) and body["error_code"], body
    assert isinstance(body.get("message"), str) and body["message"], body
    return body


@pytest.fixture(scope="module")
def deployed(server, models):
    """A deployment of version 1, shared by the protocol tests (which never change it)."""
    name = unique("churn")
    body = deploy(_session(), server, {"name": name, "model": f"models:/{models['name']}/1"})
    return {"name": name, "body": body, "ref": models["ref"][1]}


@pytest.fixture(scope="module")
def triton_client(server):
    client = triton.InferenceServerClient(url=urlsplit(server.url).netloc, connection_timeout=TIMEOUT,
                                          network_timeout=TIMEOUT)  # fmt: skip
    yield client
    client.close()


@pytest.fixture
def http():
    return _session()


def triton_input(x, binary_data=True, name=INPUT, datatype="FP32"):
    item = triton.InferInput(name, list(x.shape), datatype)
    item.set_data_from_numpy(x, binary_data=binary_data)
    return item


def assert_triton_error(call, status):
    with pytest.raises(InferenceServerException) as info:
        call()
    assert info.value.status() == status, (info.value.status(), info.value.message())
    assert info.value.message(), info.value
    return info.value.message()


# ---------------------------------------------------------------------------- deployments API
def test_deploy_serves_the_registered_version(server, models, deployed, http):
    body = deployed["body"]
    assert body["active_revision"] == 1
    [variant] = body["variants"]
    assert (variant["model"], variant["version"]) == (models["name"], 1)
    assert variant["weight"] > 0
    assert body["shadows"] == []
    assert body["revision"]["revision"] == 1
    assert get_deployment(http, server, deployed["name"])["active_revision"] == 1
    listed = http.get(server.url + DEPLOYMENTS, timeout=TIMEOUT)
    assert listed.status_code == 200, listed.text
    assert deployed["name"] in [d["name"] for d in listed.json()["deployments"]]
    revisions = http.get(f"{server.url}{DEPLOYMENTS}/{deployed['name']}/revisions", timeout=TIMEOUT)
    assert revisions.status_code == 200, revisions.text
    assert [r["revision"] for r in revisions.json()["revisions"]] == [1]
    events = http.get(f"{server.url}{DEPLOYMENTS}/{deployed['name']}/events", timeout=TIMEOUT)
    assert events.status_code == 200, events.text
    assert events.json()["events"], events.json()


def test_reapplying_the_same_spec_keeps_the_revision(server, models, http):
    spec = {"name": unique("same"), "model": f"models:/{models['name']}/1"}
    first = deploy(http, server, spec)
    again = deploy(http, server, spec)
    assert again["active_revision"] == first["active_revision"] == 1
    revisions = http.get(f"{server.url}{DEPLOYMENTS}/{spec['name']}/revisions", timeout=TIMEOUT).json()["revisions"]
    assert [r["revision"] for r in revisions] == [1]


def test_unknown_model_or_version_is_404(server, models, http):
    assert_api_error(apply(http, server, {"name": unique("dep"), "model": f"models:/{unique('nope')}/1"}), 404)
    assert_api_error(apply(http, server, {"name": unique("dep"), "model": f"models:/{models['name']}/99"}), 404)
    assert_api_error(apply(http, server, {"name": unique("dep"), "model": f"models:/{models['name']}@no-such-alias"}), 404)
    assert_api_error(http.get(f"{server.url}{DEPLOYMENTS}/{unique('nope')}", timeout=TIMEOUT), 404)


@pytest.mark.parametrize(
    "spec, field",
    [
        ({"model": "models:/m/1"}, "name"),
        ({"name": "bad", "model": "churn/1"}, "model"),
        ({"name": "bad", "model": "models:/m/1", "replicas": 3}, "replicas"),
        ({"name": "bad", "variants": [{"name": "a", "model": "models:/m/1", "weight": -5}]}, "variants[0].weight"),
        ({"name": "bad", "variants": [{"name": "a", "model": "m"}]}, "variants[0].model"),
    ],
    ids=["missing-name", "bad-model-uri", "unknown-key", "negative-weight", "bad-variant-model"],
)
def test_invalid_spec_is_400_naming_the_field(server, http, spec, field):
    assert_api_error(apply(http, server, spec), 400, field)


def test_malformed_spec_json_is_400(server, http):
    resp = http.post(server.url + DEPLOYMENTS, data=b'{"name": "x", "model": ', timeout=TIMEOUT,
                     headers={"Content-Type": "application/json"})  # fmt: skip
    assert_api_error(resp, 400)


def test_model_that_fails_to_load_is_422_and_previous_revision_keeps_serving(server, models, http, client, tmp_path):
    name = unique("fragile")
    deploy(http, server, {"name": name, "model": f"models:/{models['name']}/1"})
    # A version whose MLmodel points at a file that is not an ONNX model.
    broken = unique("broken")
    run = client.create_run(models["exp_id"])
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "MLmodel").write_text("flavors:\n  onnx:\n    data: model.onnx\n    onnx_version: 1.23.2\n")
    (model_dir / "model.onnx").write_bytes(b"this is not an ONNX protobuf \x00\x01\x02" * 10)
    client.log_artifacts(run.info.run_id, str(model_dir), "model")
    client.create_registered_model(broken)
    mv = client.create_model_version(broken, f"{run.info.artifact_uri}/model", run_id=run.info.run_id)
    error = assert_api_error(apply(http, server, {"name": name, "model": f"models:/{broken}/{mv.version}"}), 422)
    assert error["code"] == "MODEL_LOAD_FAILED", error
    after = get_deployment(http, server, name)
    assert (after["active_revision"], after["status"]) == (1, "serving"), after
    assert [(v["model"], v["version"]) for v in after["variants"]] == [(models["name"], 1)]
    labels, probabilities, resp = score(http, server, name)
    assert_matches(labels, probabilities, models["ref"][1])
    assert resp.headers["X-Capstan-Revision"] == "1"
    # The failed revision is in the history but cannot be rolled back to: it never served.
    revisions = http.get(f"{server.url}{DEPLOYMENTS}/{name}/revisions", timeout=TIMEOUT).json()["revisions"]
    failed = [r["revision"] for r in revisions if r["revision"] != 1]
    assert len(failed) == 1, revisions
    resp = http.post(f"{server.url}{DEPLOYMENTS}/{name}/rollback", json={"revision": failed[0]}, timeout=TIMEOUT)
    assert 400 <= resp.status_code < 500, (resp.status_code, resp.text)
    assert get_deployment(http, server, name)["active_revision"] == 1


# ---------------------------------------------------------------------------- OIP with tritonclient
def test_triton_server_health_and_metadata(triton_client):
    assert triton_client.is_server_live()
    assert triton_client.is_server_ready()
    meta = triton_client.get_server_metadata()
    assert isinstance(meta["name"], str) and isinstance(meta["version"], str), meta
    assert "binary_tensor_data" in meta["extensions"], meta


def test_triton_model_ready(triton_client, deployed):
    name = deployed["name"]
    assert triton_client.is_model_ready(name)
    assert triton_client.is_model_ready(name, "1")
    assert not triton_client.is_model_ready(name, "2")
    assert not triton_client.is_model_ready(unique("nope"))


def test_triton_model_metadata(triton_client, deployed):
    meta = triton_client.get_model_metadata(deployed["name"])
    assert meta["name"] == deployed["name"]
    assert meta["versions"] == ["1"]
    assert meta["inputs"] == [{"name": INPUT, "datatype": "FP32", "shape": [-1, FEATURES]}]
    assert {o["name"]: o["datatype"] for o in meta["outputs"]} == {"label": "INT64", "probabilities": "FP32"}
    assert triton_client.get_model_metadata(deployed["name"], "1")["name"] == deployed["name"]
    assert_triton_error(lambda: triton_client.get_model_metadata(unique("nope")), "404")


@pytest.mark.parametrize("binary_data", [True, False], ids=["binary", "json"])
def test_triton_infer_matches_onnxruntime(triton_client, deployed, binary_data):
    result = triton_client.infer(deployed["name"], [triton_input(X_TEST, binary_data)], request_id="req-42")
    labels, probabilities = result.as_numpy("label"), result.as_numpy("probabilities")
    assert labels.dtype == np.int64 and labels.shape == (len(X_TEST),)
    assert probabilities.dtype == np.float32 and probabilities.shape == (len(X_TEST), CLASSES)
    assert_matches(labels, probabilities, deployed["ref"])
    response = result.get_response()
    assert (response["model_name"], response["model_version"], response["id"]) == (deployed["name"], "1", "req-42")


@pytest.mark.parametrize("binary_data", [True, False], ids=["binary", "json"])
def test_triton_infer_requested_output_only(triton_client, deployed, binary_data):
    result = triton_client.infer(
        deployed["name"], [triton_input(X_TEST, binary_data)], model_version="1",
        outputs=[triton.InferRequestedOutput("probabilities", binary_data=binary_data)])  # fmt: skip
    assert [o["name"] for o in result.get_response()["outputs"]] == ["probabilities"]
    assert result.as_numpy("label") is None
    np.testing.assert_allclose(result.as_numpy("probabilities"), deployed["ref"][1], rtol=0, atol=1e-5)


def test_triton_infer_single_row(triton_client, deployed):
    result = triton_client.infer(deployed["name"], [triton_input(X_TEST[:1])])
    assert_matches(result.as_numpy("label"), result.as_numpy("probabilities"), tuple(r[:1] for r in deployed["ref"]))


def test_triton_errors_are_4xx(triton_client, deployed):
    name = deployed["name"]
    assert_triton_error(lambda: triton_client.infer(name, [triton_input(X_TEST, name="wrong_input")]), "400")
    assert_triton_error(lambda: triton_client.infer(name, [triton_input(X_TEST[:, :7])]), "400")
    assert_triton_error(lambda: triton_client.infer(name, [triton_input(X_TEST[:, :7], binary_data=False)]), "400")
    strings = np.array([[b"a"] * FEATURES] * 2, dtype=np.object_)
    assert_triton_error(lambda: triton_client.infer(name, [triton_input(strings, datatype="BYTES")]), "400")
    assert_triton_error(lambda: triton_client.infer(name, [triton_input(X_TEST)], model_version="7"), "404")
    assert_triton_error(lambda: triton_client.infer(unique("nope"), [triton_input(X_TEST)]), "404")
    assert_triton_error(
        lambda: triton_client.infer(name, [triton_input(X_TEST)], outputs=[triton.InferRequestedOutput("nope")]), "400")


# ---------------------------------------------------------------------------- OIP raw HTTP
def test_oip_health_and_ready_routes(server, deployed, http):
    for path in ("/v2/health/live", "/v2/health/ready", f"/v2/models/{deployed['name']}/ready",
                 f"/v2/models/{deployed['name']}/versions/1/ready"):  # fmt: skip
        resp = http.get(server.url + path, timeout=TIMEOUT)
        assert resp.status_code == 200, (path, resp.status_code, resp.text)
    resp = http.get(f"{server.url}/v2/models/{unique('nope')}/ready", timeout=TIMEOUT)
    assert resp.status_code == 404, resp.text


def test_oip_json_infer_answers_with_tagging_headers(server, deployed, http):
    resp = oip_infer(http, server, deployed["name"], oip_body(), headers={"Content-Type": "application/json"})
    assert resp.status_code == 200, resp.text
    assert resp.headers["X-Request-Id"]
    assert resp.headers["X-Capstan-Variant"] == deployed["body"]["variants"][0]["name"]
    assert resp.headers["X-Capstan-Revision"] == "1"
    body = resp.json()
    outputs = {o["name"]: o for o in body["outputs"]}
    assert (outputs["label"]["datatype"], outputs["label"]["shape"]) == ("INT64", [len(X_TEST)])
    assert (outputs["probabilities"]["datatype"], outputs["probabilities"]["shape"]) == ("FP32", [len(X_TEST), CLASSES])
    probabilities = np.array(outputs["probabilities"]["data"], dtype=np.float64).reshape(len(X_TEST), CLASSES)
    assert_matches(outputs["label"]["data"], probabilities, deployed["ref"])


def test_oip_nested_json_data_is_accepted(server, deployed, http):
    resp = oip_infer(http, server, deployed["name"], oip_body(data=X_TEST.tolist()), version="1")
    assert resp.status_code == 200, resp.text
    outputs = {o["name"]: o for o in resp.json()["outputs"]}
    assert outputs["label"]["data"] == deployed["ref"][0].tolist()


@pytest.mark.parametrize(
    "body, status",
    [
        (b'{"inputs": [', 400),
        (b"[1, 2, 3]", 400),
        ({"inputs": []}, 400),
        (oip_body(shape=[2, FEATURES]), 400),  # 6 rows of data, shape says 2
        (oip_body(X_TEST[:, :7]), 400),  # the model takes 8 features
        (oip_body(datatype="FLOAT32"), 400),
        (oip_body(data=["x"] * (len(X_TEST) * FEATURES)), 400),
        (oip_body(datatype="BYTES", data=["x"] * (len(X_TEST) * FEATURES)), 400),
        (oip_body(name="wrong_input"), 400),
        ({**oip_body(), "outputs": [{"name": "nope"}]}, 400),
    ],
    ids=["malformed-json", "not-an-object", "no-inputs", "shape-vs-data", "wrong-width", "unknown-datatype",
         "strings-as-fp32", "bytes-datatype", "wrong-input-name", "unknown-output"],  # fmt: skip
)
def test_oip_bad_requests_are_400(server, deployed, http, body, status):
    assert_oip_error(oip_infer(http, server, deployed["name"], body), status)


def test_oip_binary_size_beyond_the_body_is_400(server, deployed, http):
    header = json.dumps({"inputs": [{"name": INPUT, "datatype": "FP32", "shape": [len(X_TEST), FEATURES],
                                     "parameters": {"binary_data_size": X_TEST.nbytes}}]}).encode()  # fmt: skip
    truncated = header + X_TEST.tobytes()[:-4]
    resp = oip_infer(http, server, deployed["name"], truncated,
                     headers={"Inference-Header-Content-Length": str(len(header))})  # fmt: skip
    assert_oip_error(resp, 400)
    resp = oip_infer(http, server, deployed["name"], header + X_TEST.tobytes(),
                     headers={"Inference-Header-Content-Length": str(len(header) + 10_000)})  # fmt: skip
    assert_oip_error(resp, 400)


def test_oip_unknown_model_or_version_is_404(server, deployed, http):
    assert_oip_error(oip_infer(http, server, unique("nope"), oip_body()), 404)
    assert_oip_error(oip_infer(http, server, deployed["name"], oip_body(), version="9"), 404)
    assert_oip_error(http.get(f"{server.url}/v2/models/{unique('nope')}", timeout=TIMEOUT), 404)


def test_oip_body_over_the_limit_is_413(server, deployed, http):
    too_big = b'{"inputs": [' + b" " * (33 << 20) + b"]}"
    assert_oip_error(oip_infer(http, server, deployed["name"], too_big), 413)


# ---------------------------------------------------------------------------- MLflow scoring
def _records(x):
    return [dict(zip(COLUMNS, row)) for row in x.tolist()]


SCORING_BODIES = {
    "dataframe_split": lambda x: {"dataframe_split": {"columns": COLUMNS, "data": x.tolist()}},
    "dataframe_split-index": lambda x: {"dataframe_split": {"index": list(range(len(x))), "columns": COLUMNS,
                                                            "data": x.tolist()}},  # fmt: skip
    "dataframe_records": lambda x: {"dataframe_records": _records(x)},
    "instances": lambda x: {"instances": x.tolist()},
    "inputs": lambda x: {"inputs": x.tolist()},
}


@pytest.mark.parametrize("fmt", list(SCORING_BODIES))
def test_invocations_json_formats_match_onnxruntime(server, deployed, http, fmt):
    resp = invocations(http, server, deployed["name"], SCORING_BODIES[fmt](X_TEST))
    assert_matches(*predictions(resp), deployed["ref"])
    assert resp.headers["X-Capstan-Revision"] == "1"
    assert resp.headers["X-Request-Id"]


@pytest.mark.parametrize("content_type", ["text/csv", "text/csv; charset=utf-8", "application/csv"])
def test_invocations_csv_matches_onnxruntime(server, deployed, http, content_type):
    csv = ",".join(COLUMNS) + "\n" + "".join(",".join(repr(v) for v in row) + "\n" for row in X_TEST.tolist())
    resp = invocations(http, server, deployed["name"], csv, content_type=content_type)
    assert_matches(*predictions(resp), deployed["ref"])


def test_invocations_json_with_charset_is_accepted(server, deployed, http):
    resp = invocations(http, server, deployed["name"], SCORING_BODIES["instances"](X_TEST),
                       content_type="application/json; charset=utf-8")  # fmt: skip
    assert_matches(*predictions(resp), deployed["ref"])


def test_invocations_inputs_as_named_tensor(server, deployed, http):
    # MLflow's ONNX flavor feeds `{"inputs": {"<input name>": [[...], ...]}}` to that input.
    resp = invocations(http, server, deployed["name"], {"inputs": {INPUT: X_TEST.tolist()}})
    assert_matches(*predictions(resp), deployed["ref"])


@pytest.mark.parametrize(
    "body, content_type, status",
    [
        (b'{"dataframe_split": ', "application/json", 400),
        ([[1.0] * FEATURES], "application/json", 400),  # a top-level list (pre-2.0 protocol)
        ({"rows": [[1.0] * FEATURES]}, "application/json", 400),
        ({"instances": [[1.0] * FEATURES], "inputs": [[1.0] * FEATURES]}, "application/json", 400),
        ({"instances": X_TEST[:, :7].tolist()}, "application/json", 400),  # 7 features, the model takes 8
        ({"instances": [[1.0] * FEATURES, [1.0] * 5]}, "application/json", 400),  # ragged rows
        ({"dataframe_split": {"columns": COLUMNS, "data": [["a"] * FEATURES]}}, "application/json", 400),
        ({"dataframe_split": {"columns": COLUMNS}}, "application/json", 400),
        ("f0,f1\n1.0,2.0\n", "text/csv", 400),
        ({"instances": X_TEST.tolist()}, "text/plain", 415),
        ({"instances": X_TEST.tolist()}, "application/json; format=pandas-split", 415),
        ({"instances": X_TEST.tolist()}, "application/json; charset=latin-1", 415),
    ],
    ids=["malformed-json", "top-level-list", "no-known-key", "two-keys", "wrong-width", "ragged", "strings",
         "split-without-data", "csv-wrong-width", "text-plain", "format-parameter", "latin-1"],  # fmt: skip
)
def test_invocations_bad_requests_are_4xx(server, deployed, http, body, content_type, status):
    if isinstance(body, list):
        body = json.dumps(body)
    resp = invocations(http, server, deployed["name"], body, content_type=content_type)
    if status == 415:
        assert resp.status_code == 415, (resp.status_code, resp.text)
    else:
        assert_scoring_error(resp, status)


def test_invocations_unknown_deployment_is_404(server, http):
    assert_scoring_error(invocations(http, server, unique("nope"), SCORING_BODIES["instances"](X_TEST)), 404)


# ---------------------------------------------------------------------------- aliases, splits, rollback
def test_alias_is_resolved_when_applied(server, models, http, client):
    name, rm = unique("alias"), models["name"]
    client.set_registered_model_alias(rm, "champion", "1")
    spec = {"name": name, "model": f"models:/{rm}@champion"}
    body = deploy(http, server, spec)
    assert [v["version"] for v in body["variants"]] == [1]
    revision = body["active_revision"]

    client.set_registered_model_alias(rm, "champion", "2")
    # Moving the alias does not move traffic: the revision pinned version 1 when it was made.
    assert [v["version"] for v in get_deployment(http, server, name)["variants"]] == [1]
    labels, probabilities, resp = score(http, server, name)
    assert_matches(labels, probabilities, models["ref"][1])
    assert resp.headers["X-Capstan-Revision"] == str(revision)

    # Re-applying the same spec resolves the alias again.
    body = deploy(http, server, spec)
    assert body["active_revision"] != revision
    assert [v["version"] for v in body["variants"]] == [2]
    labels, probabilities, resp = score(http, server, name)
    assert_matches(labels, probabilities, models["ref"][2])
    assert resp.headers["X-Capstan-Revision"] == str(body["active_revision"])


def test_sticky_split_keeps_each_user_on_one_variant(server, models, http, triton_client):
    name, rm = unique("ab"), models["name"]
    body = deploy(http, server, {
        "name": name, "sticky": {"header": "X-User"},
        "variants": [{"name": "a", "model": f"models:/{rm}/1", "weight": 50},
                     {"name": "b", "model": f"models:/{rm}/2", "weight": 50}]})  # fmt: skip
    assert sorted((v["name"], v["version"], v["weight"]) for v in body["variants"]) == [("a", 1, 50), ("b", 2, 50)]
    version_of = {"a": 1, "b": 2}
    seen = {}
    for user in (f"user-{i}" for i in range(16)):
        variants = set()
        for _ in range(3):
            labels, probabilities, resp = score(http, server, name, headers={"X-User": user})
            variant = resp.headers["X-Capstan-Variant"]
            assert_matches(labels, probabilities, models["ref"][version_of[variant]])
            variants.add(variant)
        assert len(variants) == 1, (user, variants)
        seen[user] = variants.pop()
        # The Open Inference Protocol routes the same user to the same variant.
        resp = oip_infer(http, server, name, oip_body(), headers={"X-User": user})
        assert resp.status_code == 200, resp.text
        assert resp.headers["X-Capstan-Variant"] == seen[user], user
    assert set(seen.values()) == {"a", "b"}, seen
    # tritonclient passes the header through as well.
    user = "user-0"
    result = triton_client.infer(name, [triton_input(X_TEST)], headers={"X-User": user})
    assert_matches(result.as_numpy("label"), result.as_numpy("probabilities"), models["ref"][version_of[seen[user]]])
    # Without the header, traffic is split at random over both variants.
    answered = {score(http, server, name)[2].headers["X-Capstan-Variant"] for _ in range(40)}
    assert answered == {"a", "b"}


def test_rollback_returns_traffic_to_the_earlier_revision(server, models, http, triton_client):
    name, rm = unique("rb"), models["name"]
    assert deploy(http, server, {"name": name, "model": f"models:/{rm}/1"})["active_revision"] == 1
    body = deploy(http, server, {"name": name, "model": f"models:/{rm}/2"})
    assert body["active_revision"] == 2
    assert [v["version"] for v in body["variants"]] == [2]
    assert_matches(*score(http, server, name)[:2], models["ref"][2])
    assert triton_client.is_model_ready(name, "2") and not triton_client.is_model_ready(name, "1")

    resp = http.post(f"{server.url}{DEPLOYMENTS}/{name}/rollback", json={}, timeout=TIMEOUT)
    assert resp.status_code == 200, resp.text
    assert resp.json()["active_revision"] == 1
    assert [v["version"] for v in resp.json()["variants"]] == [1]
    labels, probabilities, scored = score(http, server, name)
    assert_matches(labels, probabilities, models["ref"][1])
    assert scored.headers["X-Capstan-Revision"] == "1"
    result = triton_client.infer(name, [triton_input(X_TEST)], model_version="1")
    assert result.get_response()["model_version"] == "1"
    assert_matches(result.as_numpy("label"), result.as_numpy("probabilities"), models["ref"][1])
    assert get_deployment(http, server, name)["active_revision"] == 1

    # Forward again to an explicit revision.
    resp = http.post(f"{server.url}{DEPLOYMENTS}/{name}/rollback", json={"revision": 2}, timeout=TIMEOUT)
    assert resp.status_code == 200, resp.text
    assert resp.json()["active_revision"] == 2
    assert_matches(*score(http, server, name)[:2], models["ref"][2])
    revisions = http.get(f"{server.url}{DEPLOYMENTS}/{name}/revisions", timeout=TIMEOUT).json()["revisions"]
    assert sorted(r["revision"] for r in revisions) == [1, 2]


def test_rollback_errors_are_4xx(server, models, http):
    name = unique("rb")
    deploy(http, server, {"name": name, "model": f"models:/{models['name']}/1"})
    # Nothing earlier to roll back to.
    resp = http.post(f"{server.url}{DEPLOYMENTS}/{name}/rollback", json={}, timeout=TIMEOUT)
    assert 400 <= resp.status_code < 500, (resp.status_code, resp.text)
    assert_api_error(resp, resp.status_code)
    resp = http.post(f"{server.url}{DEPLOYMENTS}/{name}/rollback", json={"revision": 42}, timeout=TIMEOUT)
    assert_api_error(resp, 404)
    resp = http.post(f"{server.url}{DEPLOYMENTS}/{name}/rollback", json={"revision": "one"}, timeout=TIMEOUT)
    assert_api_error(resp, 400)
    resp = http.post(f"{server.url}{DEPLOYMENTS}/{unique('nope')}/rollback", json={}, timeout=TIMEOUT)
    assert_api_error(resp, 404)
    assert get_deployment(http, server, name)["active_revision"] == 1


# --------------------------------------------------------------------------------------------
# /metrics: Prometheus' own checker accepts the exposition.
# --------------------------------------------------------------------------------------------
def test_metrics_pass_promtool_and_count_the_traffic(server, deployed, http):
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: scripts/test installs it (Debian package prometheus)"
    for _ in range(3):
        assert invocations(http, server, deployed["name"], {"instances": X_TEST[:1].tolist()}).status_code == 200
    resp = http.get(f"{server.url}/metrics", timeout=TIMEOUT)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    check = subprocess.run([promtool, "check", "metrics"], input=resp.content, capture_output=True, timeout=60)
    assert check.returncode == 0, (check.stdout + check.stderr).decode()
    name = deployed["name"]
    assert f'capstan_inference_request_duration_seconds_bucket{{deployment="{name}",variant="default",le="+Inf"}}' in resp.text
    requests_line = next(line for line in resp.text.splitlines()
                         if line.startswith(f'capstan_inference_requests_total{{deployment="{name}",variant="default",code="200"}}'))
    assert float(requests_line.split()[-1]) >= 3
