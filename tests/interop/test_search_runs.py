"""search_runs: filter grammar, ordering, pagination, view types, the pandas DataFrame API."""

import mlflow
import pandas as pd
import pytest
from conftest import unique
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag, ViewType
from mlflow.exceptions import MlflowException

BASE_TS = 1_700_000_000_000


@pytest.fixture(scope="module")
def dataset(server):
    """Five runs with known metrics/params/tags/statuses in a fresh experiment.

    r0..r3 are active with start_time BASE_TS + 1000*i; r4 is deleted.
    """
    client = MlflowClient(server.url)
    exp_id = client.create_experiment(unique("search"))
    spec = [
        # name,        acc,   loss, lr,     group, t,           status
        ("alpha-run", 0.9, 0.1, "0.1", "a", "xray", "FINISHED"),
        ("Beta-RUN", 0.4, 0.5, "0.01", "a", "yankee", "FINISHED"),
        ("gamma", 0.7, None, "0.1", "b", "xylophone", "KILLED"),
        ("delta", None, None, "0.2", "b", None, "RUNNING"),
        ("deleted-one", 0.99, None, "0.1", "c", "xdeleted", "FINISHED"),
    ]
    ids = []
    for i, (name, acc, loss, lr, group, t, status) in enumerate(spec):
        start = BASE_TS + 1000 * i
        run_id = client.create_run(exp_id, start_time=start, run_name=name).info.run_id
        metrics = []
        if acc is not None:
            # an older, lower value first: filters must use the latest value only
            metrics += [Metric("acc", 0.2, start, 0), Metric("acc", acc, start + 1, 1)]
        if loss is not None:
            metrics.append(Metric("loss", loss, start, 0))
        tags = [RunTag("t", t)] if t is not None else []
        client.log_batch(run_id, metrics=metrics, params=[Param("lr", lr), Param("group", group)], tags=tags)
        if status != "RUNNING":
            client.set_terminated(run_id, status=status, end_time=start + 500)
        ids.append(run_id)
    client.delete_run(ids[4])
    return exp_id, ids


def search(client, dataset, filter_string="", **kwargs):
    exp_id, _ = dataset
    return [r.info.run_id for r in client.search_runs([exp_id], filter_string, **kwargs)]


def names(dataset, *indexes):
    return [dataset[1][i] for i in indexes]


def test_filter_metric_greater_than(client, dataset):
    assert sorted(search(client, dataset, "metrics.acc > 0.5")) == sorted(names(dataset, 0, 2))


def test_filter_metric_uses_latest_value(client, dataset):
    # every run with acc logged 0.2 first; only the latest value counts
    assert search(client, dataset, "metrics.acc < 0.3") == []
    assert search(client, dataset, "metrics.acc = 0.4") == names(dataset, 1)


def test_filter_on_missing_metric_does_not_match_not_equal(client, dataset):
    assert sorted(search(client, dataset, "metrics.acc != 0.4")) == sorted(names(dataset, 0, 2))
    assert sorted(search(client, dataset, "metrics.loss >= 0")) == sorted(names(dataset, 0, 1))


def test_filter_param_equals(client, dataset):
    assert sorted(search(client, dataset, "params.lr = '0.1'")) == sorted(names(dataset, 0, 2))
    assert search(client, dataset, "params.lr = '0.01'") == names(dataset, 1)
    assert sorted(search(client, dataset, "params.lr != '0.1'")) == sorted(names(dataset, 1, 3))


def test_filter_tag_like_and_ilike(client, dataset):
    assert sorted(search(client, dataset, "tags.t LIKE 'x%'")) == sorted(names(dataset, 0, 2))
    assert search(client, dataset, "tags.t LIKE 'X%'") == []  # LIKE is case-sensitive
    assert sorted(search(client, dataset, "tags.t ILIKE 'X%'")) == sorted(names(dataset, 0, 2))
    assert search(client, dataset, "tags.t LIKE '_ankee'") == names(dataset, 1)
    assert search(client, dataset, "tags.t = 'xray'") == names(dataset, 0)


def test_filter_status_attribute(client, dataset):
    assert sorted(search(client, dataset, "attributes.status = 'FINISHED'")) == sorted(names(dataset, 0, 1))
    assert search(client, dataset, "attributes.status = 'KILLED'") == names(dataset, 2)
    assert search(client, dataset, "status = 'RUNNING'") == names(dataset, 3)


def test_filter_run_name_like_and_ilike(client, dataset):
    assert sorted(search(client, dataset, "attributes.run_name ILIKE '%run'")) == sorted(names(dataset, 0, 1))
    assert search(client, dataset, "attributes.run_name LIKE '%run'") == names(dataset, 0)
    assert search(client, dataset, "run_name = 'gamma'") == names(dataset, 2)
    assert search(client, dataset, "tags.`mlflow.runName` = 'delta'") == names(dataset, 3)


def test_filter_run_id_in_and_not_in(client, dataset):
    r0, _, _, r3 = names(dataset, 0, 1, 2, 3)
    assert sorted(search(client, dataset, f"attributes.run_id IN ('{r0}', '{r3}')")) == sorted([r0, r3])
    not_in = search(client, dataset, f"attributes.run_id NOT IN ('{r0}', '{r3}')")
    assert sorted(not_in) == sorted(names(dataset, 1, 2))


def test_filter_numeric_attribute(client, dataset):
    got = search(client, dataset, f"attributes.start_time >= {BASE_TS + 2000}")
    assert sorted(got) == sorted(names(dataset, 2, 3))
    assert search(client, dataset, f"attributes.end_time = {BASE_TS + 500}") == names(dataset, 0)


def test_filter_and_of_several_clauses(client, dataset):
    flt = "metrics.acc > 0.3 AND params.group = 'a' AND tags.t LIKE '%e%'"
    assert search(client, dataset, flt) == names(dataset, 1)
    flt = "params.lr = '0.1' and attributes.status != 'KILLED'"  # lower-case AND is fine
    assert search(client, dataset, flt) == names(dataset, 0)


def test_default_order_is_start_time_descending(client, dataset):
    assert search(client, dataset) == names(dataset, 3, 2, 1, 0)


def test_order_by_metric_missing_values_last(client, dataset):
    assert search(client, dataset, order_by=["metrics.acc DESC"]) == names(dataset, 0, 2, 1, 3)
    assert search(client, dataset, order_by=["metrics.acc ASC"]) == names(dataset, 1, 2, 0, 3)
    assert search(client, dataset, order_by=["metrics.acc"]) == names(dataset, 1, 2, 0, 3)


def test_order_by_param_then_metric(client, dataset):
    got = search(client, dataset, order_by=["params.group ASC", "metrics.acc DESC"])
    assert got == names(dataset, 0, 1, 2, 3)
    got = search(client, dataset, order_by=["params.group DESC", "metrics.acc ASC"])
    assert got == names(dataset, 2, 3, 1, 0)


def test_order_by_attribute_and_tag(client, dataset):
    assert search(client, dataset, order_by=["attributes.start_time ASC"]) == names(dataset, 0, 1, 2, 3)
    assert search(client, dataset, order_by=["tags.t ASC"]) == names(dataset, 0, 2, 1, 3)
    assert search(client, dataset, order_by=["attributes.status DESC", "start_time ASC"]) == names(dataset, 3, 2, 0, 1)


def test_run_view_type(client, dataset):
    assert search(client, dataset, run_view_type=ViewType.DELETED_ONLY) == names(dataset, 4)
    assert sorted(search(client, dataset, run_view_type=ViewType.ALL)) == sorted(dataset[1])
    assert sorted(search(client, dataset, run_view_type=ViewType.ACTIVE_ONLY)) == sorted(names(dataset, 0, 1, 2, 3))


def test_search_result_carries_run_data(client, dataset):
    [run] = MlflowClient().search_runs([dataset[0]], "run_name = 'alpha-run'")
    assert run.data.metrics == {"acc": 0.9, "loss": 0.1}
    assert run.data.params == {"lr": "0.1", "group": "a"}
    assert run.data.tags["t"] == "xray"
    assert run.info.status == "FINISHED"
    assert run.info.end_time == BASE_TS + 500


def test_search_pagination_with_equal_start_times(client):
    """MLflow's test_search_pagination: equal start_time, so the run_id tie-break decides."""
    exp_id = client.create_experiment(unique("page"))
    run_ids = sorted(client.create_run(exp_id, start_time=BASE_TS).info.run_id for _ in range(10))
    page1 = client.search_runs([exp_id], max_results=4)
    assert [r.info.run_id for r in page1] == run_ids[:4]
    assert page1.token
    page2 = client.search_runs([exp_id], max_results=4, page_token=page1.token)
    assert [r.info.run_id for r in page2] == run_ids[4:8]
    assert page2.token
    page3 = client.search_runs([exp_id], max_results=4, page_token=page2.token)
    assert [r.info.run_id for r in page3] == run_ids[8:]
    assert not page3.token


def test_search_runs_across_experiments(client, dataset):
    other = client.create_experiment(unique("other"))
    other_run = client.create_run(other).info.run_id
    client.log_metric(other_run, "acc", 0.95)
    found = [r.info.run_id for r in client.search_runs([dataset[0], other], "metrics.acc > 0.8")]
    assert sorted(found) == sorted([other_run, dataset[1][0]])


def test_fluent_search_runs_returns_dataframe(dataset):
    exp_id, ids = dataset
    df = mlflow.search_runs(experiment_ids=[exp_id], order_by=["attributes.start_time ASC"])
    assert isinstance(df, pd.DataFrame)
    assert list(df["run_id"]) == ids[:4]
    for col in ("experiment_id", "status", "artifact_uri", "start_time", "end_time",
                "metrics.acc", "metrics.loss", "params.lr", "params.group", "tags.t", "tags.mlflow.runName"):  # fmt: skip
        assert col in df.columns, col
    row = df.set_index("run_id").loc[ids[0]]
    assert row["metrics.acc"] == 0.9
    assert row["params.lr"] == "0.1"
    assert row["tags.t"] == "xray"
    assert row["status"] == "FINISHED"
    assert row["experiment_id"] == exp_id
    assert pd.api.types.is_datetime64_any_dtype(df["start_time"])
    assert pd.isna(df.set_index("run_id").loc[ids[3], "metrics.acc"])


def test_fluent_search_runs_by_experiment_name_as_list(client, dataset):
    exp_name = client.get_experiment(dataset[0]).name
    runs = mlflow.search_runs(experiment_names=[exp_name], filter_string="params.group = 'b'", output_format="list")
    assert sorted(r.info.run_id for r in runs) == sorted(names(dataset, 2, 3))


@pytest.mark.parametrize(
    "bad_filter",
    [
        "metrics.acc > 0.5 OR params.lr = '0.1'",
        "params.lr = 0.1",
        "attributes.status IN ('FINISHED')",
        "foo.bar = 'x'",
        "metrics.acc >",
        "(metrics.acc > 0.5)",
    ],
)
def test_invalid_filter_is_invalid_parameter_value(client, dataset, bad_filter):
    with pytest.raises(MlflowException) as info:
        client.search_runs([dataset[0]], bad_filter)
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"
    assert info.value.get_http_status_code() == 400


def test_invalid_order_by_is_invalid_parameter_value(client, dataset):
    with pytest.raises(MlflowException) as info:
        client.search_runs([dataset[0]], order_by=["metrics.acc SIDEWAYS"])
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"
