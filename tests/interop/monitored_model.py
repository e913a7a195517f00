"""A small classifier deployed behind Capstan, and traffic for it: what the monitoring and
dashboard suites watch.  Four float features; the model is a logistic regression exported to
ONNX and registered with the real `mlflow` client."""

import time

import mlflow
import mlflow.onnx
import numpy as np
import requests
from conftest import unique
from mlflow import MlflowClient
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.linear_model import LogisticRegression

API = "/api/capstan/v1"
FEATURES = 4
COLUMNS = [f"f{i}" for i in range(FEATURES)]
TIMEOUT = 30


def fit_classifier(rng, rows: int):
    """Trains on `rows` normal rows drawn from `rng`; returns the ONNX model and the training rows."""
    x = rng.normal(size=(rows, FEATURES)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    model = convert_sklearn(LogisticRegression().fit(x, y), initial_types=[("float_input", FloatTensorType([None, FEATURES]))],
                            options={"zipmap": False})  # fmt: skip
    return model, x


def register_classifier(server, rng, rows: int, prefix: str) -> tuple[str, np.ndarray]:
    """Trains on `rows` normal rows drawn from `rng`, registers the model as version 1 of a new
    registered model; returns its name and the training rows."""
    model, x = fit_classifier(rng, rows)
    # Callers are module fixtures: they run before the per-test fixture that points the
    # client at the server, and once per backend's server, so both URIs are set here.
    mlflow.set_tracking_uri(server.url)
    mlflow.set_registry_uri(server.url)
    client = MlflowClient(server.url)
    name = unique(prefix)
    with mlflow.start_run(experiment_id=client.create_experiment(unique(prefix))):
        mlflow.onnx.log_model(model, name="model", registered_model_name=name, pip_requirements=["onnx"])
    return name, x


def write_reference(path, x: np.ndarray) -> str:
    """The training rows as a CSV file the server can read (a drift monitor's reference)."""
    with open(path, "w") as f:
        f.write(",".join(COLUMNS) + "\n")
        for row in x:
            f.write(",".join(repr(float(v)) for v in row) + "\n")
    return str(path)


def send_traffic(server, name, rng, count: int, shift=0.0):
    """Single-row requests, as a service calls a model; `shift` moves features 0, 1 and 2."""
    session = requests.Session()
    for _ in range(count):
        row = rng.normal(size=FEATURES)
        row[:3] += shift
        resp = session.post(f"{server.url}/deployments/{name}/invocations",
                            json={"dataframe_split": {"columns": COLUMNS, "data": [row.tolist()]}}, timeout=TIMEOUT)  # fmt: skip
        assert resp.status_code == 200, resp.text


def wait_until_logged(server, name, count: int):
    """The prediction log writes in the background; wait until `count` primary (non-shadow)
    predictions are readable."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        resp = requests.get(f"{server.url}{API}/deployments/{name}/predictions", params={"limit": 10 * count}, timeout=TIMEOUT)
        if sum(1 for p in resp.json()["predictions"] if not p["shadow"]) >= count:
            return
        time.sleep(0.1)
    raise AssertionError(f"{count} predictions not logged within 20s")
