"""The `capstan` client commands (experiments/runs/models list) against a running server."""

import json
import os
import subprocess
from pathlib import Path

import mlflow
import pytest
from conftest import REPO_ROOT, unique

pytestmark = pytest.mark.skipif(
    os.environ.get("INTEROP_SERVER", "capstan").strip().lower() == "mlflow",
    reason="the capstan CLI is Capstan's own",
)


def capstan(server, *args, check=True):
    binary = Path(os.environ.get("CAPSTAN_BIN", REPO_ROOT / ".build" / "debug" / "capstan"))
    result = subprocess.run(
        [str(binary), *args, "--server", server.url], capture_output=True, text=True, timeout=60
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def populated(server, client):
    """An experiment with two runs and a registered model with an alias."""
    name = unique("cli")
    exp_id = client.create_experiment(name)
    mlflow.set_experiment(experiment_id=exp_id)
    with mlflow.start_run(run_name="low"):
        mlflow.log_metric("accuracy", 0.5)
    with mlflow.start_run(run_name="high") as high:
        mlflow.log_metric("accuracy", 0.9)
    model = unique("cli-model")
    client.create_registered_model(model, description="for the CLI test")
    client.create_model_version(model, f"runs:/{high.info.run_id}/model", run_id=high.info.run_id)
    client.set_registered_model_alias(model, "champion", "1")
    return name, model


def test_experiments_list_as_json_includes_new_experiment(server, populated):
    name, _ = populated
    experiments = json.loads(capstan(server, "experiments", "list", "--format", "json").stdout)
    assert name in [e["name"] for e in experiments]
    assert "Default" in [e["name"] for e in experiments]


def test_experiments_list_as_table_has_headers_and_rows(server, populated):
    name, _ = populated
    out = capstan(server, "experiments", "list", "--filter", f"name = '{name}'").stdout
    lines = out.strip().splitlines()
    assert lines[0].split()[:2] == ["ID", "NAME"]
    assert len(lines) == 2 and name in lines[1]


def test_runs_list_filters_and_orders(server, populated):
    name, _ = populated
    runs = json.loads(
        capstan(server, "runs", "list", "--experiment", name, "--order-by", "metrics.accuracy DESC", "--format", "json").stdout
    )
    assert [r["info"]["run_name"] for r in runs] == ["high", "low"]
    table = capstan(server, "runs", "list", "--experiment", name, "--filter", "metrics.accuracy > 0.7").stdout
    assert "high" in table and "low" not in table and "accuracy=0.9" in table


def test_models_list_shows_latest_version_and_alias(server, populated):
    _, model = populated
    table = capstan(server, "models", "list", "--filter", f"name = '{model}'").stdout
    row = table.strip().splitlines()[1]
    assert model in row and " 1 " in f" {row} " and "champion=v1" in row


def test_unknown_experiment_is_a_clear_error(server):
    result = capstan(server, "runs", "list", "--experiment", unique("missing"), check=False)
    assert result.returncode != 0
    assert "RESOURCE_DOES_NOT_EXIST" in result.stderr or "No experiment" in result.stderr


def test_unreachable_server_is_a_clear_error():
    binary = Path(os.environ.get("CAPSTAN_BIN", REPO_ROOT / ".build" / "debug" / "capstan"))
    result = subprocess.run(
        [str(binary), "experiments", "list", "--server", "http://127.0.0.1:9"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "Cannot reach the Capstan server" in result.stderr
