"""A drift monitor's reference taken from the model's own lineage, as MLflow records it.

The training script logs its training set with ``mlflow.log_input(mlflow.data.from_pandas(df,
source=CSV), context="training")``, also logs the CSV as a run artifact, and registers the ONNX
model from the same run.  A monitor with ``reference: {dataset: training}`` must find that CSV
through deployment → revision → model version → run → dataset input; one with ``reference:
{artifact: runs:/RUN_ID/data/train.csv}`` must read the artifact.  References that cannot be
read (no such input, an S3 source, a missing artifact) are 400s naming the field.
Capstan-only.
"""

import os

import mlflow
import mlflow.onnx
import numpy as np
import pandas as pd
import pytest
import requests
from conftest import unique
from mlflow import MlflowClient
from monitored_model import API, COLUMNS, TIMEOUT, fit_classifier, send_traffic, wait_until_logged, write_reference

pytestmark = pytest.mark.skipif(
    os.environ.get("INTEROP_SERVER", "capstan").strip().lower() == "mlflow",
    reason="monitors are a Capstan API; the reference mlflow server has none",
)

WINDOW = 200


def train_and_deploy(server, rng, directory, prefix: str, source=None) -> dict:
    """Runs a training script against the server: logs the training set as the run's
    `training` input (from `source`, by default a local CSV of it) and as the artifact
    data/train.csv, registers the model from the run and deploys version 1."""
    model, x = fit_classifier(rng, rows=2000)
    csv = write_reference(directory / "train.csv", x)
    mlflow.set_tracking_uri(server.url)
    mlflow.set_registry_uri(server.url)
    client = MlflowClient(server.url)
    name = unique(prefix)
    with mlflow.start_run(experiment_id=client.create_experiment(unique(prefix))) as run:
        dataset = mlflow.data.from_pandas(pd.DataFrame(x, columns=COLUMNS), source=source or csv, name="churn-train")
        mlflow.log_input(dataset, context="training")
        mlflow.log_artifact(csv, artifact_path="data")
        mlflow.onnx.log_model(model, name="model", registered_model_name=name, pip_requirements=["onnx"])
    resp = requests.post(server.url + API + "/deployments", json={"name": name, "model": f"models:/{name}/1"}, timeout=TIMEOUT)
    assert resp.status_code == 200, resp.text
    return {"name": name, "run_id": run.info.run_id, "artifact_uri": run.info.artifact_uri}


@pytest.fixture(scope="module")
def deployment(server, tmp_path_factory):
    """A classifier trained on a local CSV and deployed."""
    rng = np.random.default_rng(11)
    return {**train_and_deploy(server, rng, tmp_path_factory.mktemp("training"), "lineage"), "rng": rng}


def create_monitor(server, deployment_name, reference) -> requests.Response:
    return requests.post(f"{server.url}{API}/monitors", json={
        "name": unique("drift"), "deployment": deployment_name, "kind": "drift", "window": {"predictions": WINDOW}, "schedule": "1h",
        "reference": reference, "match": "position", "min_rows": WINDOW, "drift": {"num_method": "ks", "threshold": 0.01},
    }, timeout=TIMEOUT)  # fmt: skip


def run_monitor(server, monitor) -> dict:
    resp = requests.post(f"{server.url}{API}/monitors/{monitor}/run", timeout=TIMEOUT)
    assert resp.status_code == 200, resp.text
    evaluation = resp.json()
    assert evaluation["status"] == "ok", evaluation
    return evaluation


def send_and_wait(server, name, rng, count: int, shift=0.0):
    """Sends `count` requests and waits until they are in the log, whatever other tests sent before."""
    resp = requests.get(f"{server.url}{API}/deployments/{name}/predictions", params={"limit": 10_000}, timeout=TIMEOUT)
    assert resp.status_code == 200, resp.text
    before = sum(1 for p in resp.json()["predictions"] if not p["shadow"])
    send_traffic(server, name, rng, count, shift=shift)
    wait_until_logged(server, name, before + count)


def metric(evaluation, name, series=""):
    return next(m["value"] for m in evaluation["metrics"] if m["metric"] == name and m["series"] == series)


def test_the_training_dataset_the_run_logged_is_the_reference(server, deployment):
    name, rng = deployment["name"], deployment["rng"]
    resp = create_monitor(server, name, {"dataset": "training"})
    assert resp.status_code == 200, resp.text
    monitor = resp.json()["name"]

    # Traffic like the training set: nothing drifts against it.
    send_and_wait(server, name, rng, WINDOW)
    assert metric(run_monitor(server, monitor), "drift_share") < 0.5

    # Features 0, 1 and 2 shift by two standard deviations: three of four columns drift.
    send_and_wait(server, name, rng, WINDOW, shift=2.0)
    evaluation = run_monitor(server, monitor)
    assert metric(evaluation, "drift_share") == 0.75, evaluation["result"]
    assert metric(evaluation, "dataset_drift") == 1
    assert [metric(evaluation, "column_drifted", c) for c in COLUMNS] == [1, 1, 1, 0]


def test_a_csv_artifact_of_the_run_is_the_reference(server, deployment):
    name, rng = deployment["name"], deployment["rng"]
    send_and_wait(server, name, rng, WINDOW, shift=2.0)
    for reference in ({"artifact": f"runs:/{deployment['run_id']}/data/train.csv"},
                      {"artifact": deployment["artifact_uri"] + "/data/train.csv"}):  # fmt: skip
        assert reference["artifact"].startswith(("runs:/", "mlflow-artifacts:")), reference
        resp = create_monitor(server, name, reference)
        assert resp.status_code == 200, resp.text
        evaluation = run_monitor(server, resp.json()["name"])
        assert metric(evaluation, "drift_share") == 0.75, evaluation["result"]


def test_a_training_dataset_outside_the_servers_reach_is_a_400_naming_its_source_type(server, tmp_path):
    # The same training script, but the training set came from S3.
    lake = train_and_deploy(server, np.random.default_rng(5), tmp_path, "lake", source="s3://churn-lake/train.parquet")
    resp = create_monitor(server, lake["name"], {"dataset": "training"})
    assert resp.status_code == 400, resp.text
    error = resp.json()["error"]
    assert error["code"] == "INVALID_SPEC"
    message = error["message"]
    assert message.startswith("reference.dataset: ") and "'churn-train'" in message, message
    assert "source type s3" in message and "s3://churn-lake/train.parquet" in message, message
    assert "source type local" in message and "runs:/RUN_ID/PATH" in message, message  # what is supported


@pytest.mark.parametrize("reference, fragments", [
    ({"dataset": "validation"}, ["reference.dataset", "no dataset with context 'validation'", "'churn-train' (context training)"]),
    ({"dataset": "training", "name": "other"}, ["reference.dataset", "no dataset named 'other'"]),
    ({"artifact": "runs:/{run_id}/data/missing.csv"}, ["reference.artifact", "no file at runs:/"]),
    ({"artifact": "runs:/{run_id}/model/MLmodel"}, ["reference.artifact", "not a CSV file"]),
    ({"artifact": "/tmp/train.csv"}, ["reference.artifact must be runs:/RUN_ID/PATH or mlflow-artifacts:/PATH"]),
    ({"csv": "/tmp/train.csv", "name": "churn-train"}, ["reference.name"]),
])  # fmt: skip
def test_unusable_references_are_400s_naming_the_field(server, deployment, reference, fragments):
    reference = {k: v.format(run_id=deployment["run_id"]) for k, v in reference.items()}
    resp = create_monitor(server, deployment["name"], reference)
    assert resp.status_code == 400, resp.text
    error = resp.json()["error"]
    assert error["code"] == "INVALID_SPEC"
    for fragment in fragments:
        assert fragment in error["message"], error["message"]
