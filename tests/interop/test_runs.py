"""Runs and logging: lifecycle, params/metrics/tags, batch logging, metric history, inputs."""

import math
import re
import sys
import time

import mlflow
import pandas as pd
import pytest
from conftest import assert_ok_json
from mlflow.entities import Metric, Param, RunTag
from mlflow.exceptions import MlflowException

DBL_MAX = sys.float_info.max


def now_ms():
    return int(time.time() * 1000)


# ---------------------------------------------------------------------------- lifecycle
def test_start_run_defaults(client, experiment_id):
    before = now_ms() - 5000
    with mlflow.start_run() as run:
        info = client.get_run(run.info.run_id).info
        assert info.status == "RUNNING"
        assert info.end_time is None
    assert re.fullmatch(r"[0-9a-f]{32}", info.run_id)
    assert info.experiment_id == experiment_id
    assert info.lifecycle_stage == "active"
    assert info.start_time >= before
    assert info.artifact_uri == f"mlflow-artifacts:/{experiment_id}/{info.run_id}/artifacts"


def test_end_run_sets_finished_and_end_time(client, experiment_id):
    run = mlflow.start_run()
    mlflow.end_run()
    info = client.get_run(run.info.run_id).info
    assert info.status == "FINISHED"
    assert info.end_time is not None and info.end_time >= info.start_time


def test_exception_in_run_context_marks_run_failed(client, experiment_id):
    with pytest.raises(RuntimeError):
        with mlflow.start_run() as run:
            raise RuntimeError("boom")
    info = client.get_run(run.info.run_id).info
    assert info.status == "FAILED"
    assert info.end_time is not None


def test_given_run_name_is_kept_and_tagged(client, experiment_id):
    with mlflow.start_run(run_name="my-named-run") as run:
        pass
    fetched = client.get_run(run.info.run_id)
    assert fetched.info.run_name == "my-named-run"
    assert fetched.data.tags["mlflow.runName"] == "my-named-run"


def test_run_name_is_generated_when_absent(client, experiment_id):
    run = client.create_run(experiment_id)
    name = run.info.run_name
    assert re.fullmatch(r"[a-z]+-[a-z]+-\d+", name), name
    assert len(name) <= 20
    assert client.get_run(run.info.run_id).data.tags["mlflow.runName"] == name


def test_update_run_name(client, experiment_id):
    run = client.create_run(experiment_id, run_name="before")
    client.update_run(run.info.run_id, name="after")
    fetched = client.get_run(run.info.run_id)
    assert fetched.info.run_name == "after"
    assert fetched.data.tags["mlflow.runName"] == "after"
    assert fetched.info.status == "RUNNING"


def test_set_run_name_tag_renames_run(client, experiment_id):
    run = client.create_run(experiment_id, run_name="before")
    client.set_tag(run.info.run_id, "mlflow.runName", "via-tag")
    assert client.get_run(run.info.run_id).info.run_name == "via-tag"


def test_nested_run_has_parent_run_id_tag(client, experiment_id):
    with mlflow.start_run() as parent:
        with mlflow.start_run(nested=True) as child:
            pass
    child_run = client.get_run(child.info.run_id)
    assert child_run.data.tags["mlflow.parentRunId"] == parent.info.run_id
    assert "mlflow.parentRunId" not in client.get_run(parent.info.run_id).data.tags
    found = client.search_runs([experiment_id], f"tags.mlflow.parentRunId = '{parent.info.run_id}'")
    assert [r.info.run_id for r in found] == [child.info.run_id]


def test_resume_run(client, experiment_id):
    with mlflow.start_run() as run:
        mlflow.log_param("p", "1")
    run_id = run.info.run_id
    assert client.get_run(run_id).info.status == "FINISHED"
    with mlflow.start_run(run_id=run_id) as resumed:
        assert resumed.info.run_id == run_id
        assert client.get_run(run_id).info.status == "RUNNING"
        mlflow.log_param("q", "2")
    fetched = client.get_run(run_id)
    assert fetched.info.status == "FINISHED"
    assert fetched.data.params == {"p": "1", "q": "2"}


@pytest.mark.parametrize("status", ["KILLED", "FAILED", "FINISHED"])
def test_set_terminated_with_status(client, experiment_id, status):
    run = client.create_run(experiment_id)
    client.set_terminated(run.info.run_id, status=status)
    info = client.get_run(run.info.run_id).info
    assert info.status == status
    assert info.end_time is not None and info.end_time >= info.start_time


def test_set_terminated_with_explicit_end_time(client, experiment_id):
    run = client.create_run(experiment_id, start_time=1_000_000)
    client.set_terminated(run.info.run_id, end_time=2_000_000)
    info = client.get_run(run.info.run_id).info
    assert (info.start_time, info.end_time, info.status) == (1_000_000, 2_000_000, "FINISHED")


def test_create_run_with_all_arguments(client, experiment_id):
    run = client.create_run(experiment_id, start_time=12345, tags={"t1": "v1", "t2": ""}, run_name="full")
    fetched = client.get_run(run.info.run_id)
    assert fetched.info.start_time == 12345
    assert fetched.info.run_name == "full"
    assert fetched.data.tags["t1"] == "v1"
    assert fetched.data.tags["t2"] == ""


def test_delete_and_restore_run(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    client.delete_run(run_id)
    assert client.get_run(run_id).info.lifecycle_stage == "deleted"
    assert client.search_runs([experiment_id]) == []
    client.restore_run(run_id)
    assert client.get_run(run_id).info.lifecycle_stage == "active"
    assert [r.info.run_id for r in client.search_runs([experiment_id])] == [run_id]


def test_logging_to_deleted_run_is_rejected(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    client.delete_run(run_id)
    with pytest.raises(MlflowException, match="must be in the 'active' state") as info:
        client.log_param(run_id, "a", "b")
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"
    with pytest.raises(MlflowException) as info:
        client.log_metric(run_id, "m", 1.0)
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"


def test_get_unknown_run_raises_not_found(client):
    with pytest.raises(MlflowException, match="not found") as info:
        client.get_run("0123456789abcdef0123456789abcdef")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"


# ---------------------------------------------------------------------------- params/metrics/tags
def test_log_param_metric_and_tag(client, experiment_id):
    with mlflow.start_run() as run:
        mlflow.log_param("lr", 0.1)
        mlflow.log_param("empty", "")
        mlflow.log_metric("acc", 0.75)
        mlflow.log_metric("loss", 3, step=7)
        mlflow.set_tag("stage", "dev")
    data = client.get_run(run.info.run_id).data
    assert data.params == {"lr": "0.1", "empty": ""}
    assert data.metrics == {"acc": 0.75, "loss": 3.0}
    assert data.tags["stage"] == "dev"
    assert {"mlflow.user", "mlflow.source.name", "mlflow.source.type", "mlflow.runName"} <= set(data.tags)
    [loss] = client.get_metric_history(run.info.run_id, "loss")
    assert (loss.value, loss.step) == (3.0, 7)


def test_set_tag_overwrites(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    client.set_tag(run_id, "t", "one")
    client.set_tag(run_id, "t", "two")
    assert client.get_run(run_id).data.tags["t"] == "two"


def test_delete_tag(client, experiment_id):
    with mlflow.start_run() as run:
        mlflow.set_tag("keep", "1")
        mlflow.set_tag("drop", "2")
        mlflow.delete_tag("drop")
    tags = client.get_run(run.info.run_id).data.tags
    assert tags["keep"] == "1"
    assert "drop" not in tags


def test_delete_missing_tag_raises_not_found(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    with pytest.raises(MlflowException, match="No tag with name: nope") as info:
        client.delete_tag(run_id, "nope")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_fluent_batch_logging(client, experiment_id):
    with mlflow.start_run() as run:
        mlflow.log_params({"a": 1, "b": "two", "c": 3.5})
        mlflow.log_metrics({"m1": 0.1, "m2": 2.0}, step=3)
        mlflow.set_tags({"x": "1", "y": "2"})
    data = client.get_run(run.info.run_id).data
    assert data.params == {"a": "1", "b": "two", "c": "3.5"}
    assert data.metrics == {"m1": 0.1, "m2": 2.0}
    assert data.tags["x"] == "1" and data.tags["y"] == "2"
    assert [m.step for m in client.get_metric_history(run.info.run_id, "m2")] == [3]


def test_log_batch_with_steps(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    ts = now_ms()
    metrics = [Metric("loss", 1.0 / (s + 1), ts + s, s) for s in range(10)]
    metrics += [Metric("acc", 0.5 + s / 100, ts + s, s) for s in range(10)]
    client.log_batch(run_id, metrics=metrics, params=[Param("p", "v")], tags=[RunTag("t", "v")])
    history = client.get_metric_history(run_id, "loss")
    assert [(m.step, m.value, m.timestamp) for m in history] == [(s, 1.0 / (s + 1), ts + s) for s in range(10)]
    data = client.get_run(run_id).data
    assert data.metrics == {"loss": 0.1, "acc": 0.59}
    assert data.params == {"p": "v"}
    assert data.tags["t"] == "v"


def test_log_batch_duplicate_tag_keys_last_wins(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    client.log_batch(run_id, tags=[RunTag("t", "first"), RunTag("t", "last")])
    assert client.get_run(run_id).data.tags["t"] == "last"


def test_latest_metric_is_max_by_step_then_timestamp_then_value(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    points = [
        (1.0, 1000, 5),  # (value, timestamp, step)
        (2.0, 9999, 3),  # later timestamp but smaller step: not the latest
        (0.5, 2000, 5),  # same step, later timestamp: becomes latest
        (0.7, 2000, 5),  # same step and timestamp, bigger value: becomes latest
        (0.1, 2000, 5),  # smaller value: ignored
        (9.0, 1500, 5),  # earlier timestamp: ignored
    ]
    for value, ts, step in points:
        client.log_metric(run_id, "m", value, timestamp=ts, step=step)
    run = client.get_run(run_id)
    assert run.data.metrics["m"] == 0.7
    [latest] = [m for m in run.data._metric_objs if m.key == "m"]
    assert (latest.step, latest.timestamp) == (5, 2000)
    assert len(client.get_metric_history(run_id, "m")) == len(points)


def test_metric_history_appends_but_collapses_exact_duplicates(client, experiment_id):
    # MLflow's SQL store keys metric rows by (run, key, timestamp, step, value): re-logging an
    # identical point is accepted (200) but stored once; any difference appends a new point.
    run_id = client.create_run(experiment_id).info.run_id
    for _ in range(3):
        client.log_metric(run_id, "m", 1.0, timestamp=1000, step=0)
    client.log_metric(run_id, "m", 2.0, timestamp=1000, step=0)
    client.log_metric(run_id, "m", 1.0, timestamp=1001, step=0)
    client.log_metric(run_id, "m", 1.0, timestamp=1000, step=1)
    history = client.get_metric_history(run_id, "m")
    assert sorted((m.timestamp, m.step, m.value) for m in history) == [
        (1000, 0, 1.0), (1000, 0, 2.0), (1000, 1, 1.0), (1001, 0, 1.0)]


def test_param_same_value_is_idempotent(client, experiment_id):
    with mlflow.start_run() as run:
        mlflow.log_param("p", "a")
        mlflow.log_param("p", "a")
        mlflow.log_params({"p": "a"})
    assert client.get_run(run.info.run_id).data.params == {"p": "a"}


def test_param_change_is_rejected(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    client.log_param(run_id, "p", "a")
    with pytest.raises(MlflowException) as info:
        client.log_param(run_id, "p", "b")
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"
    assert (
        f"Changing param values is not allowed. Param with key='p' was already logged with value='a' "
        f"for run ID='{run_id}'. Attempted logging new value 'b'."
    ) in str(info.value)
    assert client.get_run(run_id).data.params == {"p": "a"}


def test_param_change_in_batch_is_rejected(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    client.log_param(run_id, "p", "a")
    with pytest.raises(MlflowException, match="Changing param values is not allowed") as info:
        client.log_batch(run_id, params=[Param("p", "c")])
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"
    assert client.get_run(run_id).data.params == {"p": "a"}


def test_long_param_value_is_truncated_to_6000(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    client.log_param(run_id, "single", "x" * 7000)
    client.log_batch(run_id, params=[Param("batched", "y" * 6500)])
    params = client.get_run(run_id).data.params
    assert params["single"] == "x" * 6000
    assert params["batched"] == "y" * 6000


def test_long_tag_value_is_truncated_to_8000(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    client.set_tag(run_id, "single", "t" * 9000)
    client.log_batch(run_id, tags=[RunTag("batched", "u" * 8500)])
    tags = client.get_run(run_id).data.tags
    assert tags["single"] == "t" * 8000
    assert tags["batched"] == "u" * 8000


def test_nan_metric_round_trips(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    client.log_metric(run_id, "nan", float("nan"), step=1)
    client.log_batch(run_id, metrics=[Metric("nan_batch", float("nan"), now_ms(), 0)])
    metrics = client.get_run(run_id).data.metrics
    assert math.isnan(metrics["nan"])
    assert math.isnan(metrics["nan_batch"])
    [h] = client.get_metric_history(run_id, "nan")
    assert math.isnan(h.value) and h.step == 1


def test_infinite_metric_values_are_stored_as_max_double(client, experiment_id):
    # MLflow's SQL store clamps +-inf to +-DBL_MAX (sqlalchemy_store.log_metric); a client reading
    # the metric back sees +-1.7976931348623157e308, not inf.
    run_id = client.create_run(experiment_id).info.run_id
    client.log_metric(run_id, "pinf", float("inf"))
    client.log_metric(run_id, "ninf", float("-inf"))
    metrics = client.get_run(run_id).data.metrics
    assert metrics["pinf"] == DBL_MAX
    assert metrics["ninf"] == -DBL_MAX
    assert [m.value for m in client.get_metric_history(run_id, "pinf")] == [DBL_MAX]


def test_metric_history_of_unknown_key_is_empty(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    assert client.get_metric_history(run_id, "never-logged") == []


def test_metric_history_with_30000_points_crosses_page_boundary(client, api, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    n = 30000
    base = 1_700_000_000_000
    client.log_batch(run_id, metrics=[Metric("big", i * 0.5, base + i, i) for i in range(n)])
    history = client.get_metric_history(run_id, "big")
    assert len(history) == n
    assert [m.step for m in history] == list(range(n))
    assert history[-1].value == (n - 1) * 0.5
    # the server pages at the client's max_results=25000
    first = assert_ok_json(api.get("metrics/get-history",
                                   params={"run_id": run_id, "metric_key": "big", "max_results": 25000}))  # fmt: skip
    assert len(first["metrics"]) == 25000
    assert first.get("next_page_token")
    second = assert_ok_json(api.get("metrics/get-history", params={
        "run_id": run_id, "metric_key": "big", "max_results": 25000, "page_token": first["next_page_token"]}))  # fmt: skip
    assert [m["step"] for m in second["metrics"]] == list(range(25000, n))
    assert not second.get("next_page_token")
    assert client.get_run(run_id).data.metrics["big"] == (n - 1) * 0.5


def test_log_input_dataset_is_visible_on_run_inputs(client, experiment_id):
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [0.0, 1.0, 0.0]})
    dataset = mlflow.data.from_pandas(df, name="training-set", targets="y")
    with mlflow.start_run() as run:
        mlflow.log_input(dataset, context="training", tags={"origin": "interop"})
    inputs = client.get_run(run.info.run_id).inputs.dataset_inputs
    assert len(inputs) == 1
    ds = inputs[0].dataset
    expected = dataset._to_mlflow_entity()
    assert ds.name == "training-set"
    assert ds.digest == dataset.digest
    for attr in ("source_type", "source", "schema", "profile"):
        assert getattr(ds, attr) == getattr(expected, attr), attr
    tags = {t.key: t.value for t in inputs[0].tags}
    assert tags == {"mlflow.data.context": "training", "origin": "interop"}
    found = client.search_runs([experiment_id], "datasets.name = 'training-set'")
    assert [r.info.run_id for r in found] == [run.info.run_id]
