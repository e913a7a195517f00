"""MLflow 3 logged models, model loading and the model registry."""

import json
import re

import mlflow
import mlflow.pyfunc
import mlflow.sklearn
import numpy as np
import pandas as pd
import pytest
from conftest import unique
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from sklearn.linear_model import LogisticRegression

# stages are deprecated client-side but still a supported server API
pytestmark = pytest.mark.filterwarnings("ignore:.*Model registry stages will be removed:FutureWarning")

X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0], [5.0, 0.0], [2.6, 0.5]])
Y = np.array([0, 0, 0, 1, 1, 1, 1])


@pytest.fixture(scope="module")
def sk_model():
    return LogisticRegression().fit(X, Y)


@pytest.fixture(scope="module")
def logged(server, sk_model):
    """Two runs, each logging the model with registered_model_name -> versions 1 and 2."""
    mlflow.set_tracking_uri(server.url)
    mlflow.set_registry_uri(server.url)
    client = MlflowClient(server.url)
    exp_id = client.create_experiment(unique("models"))
    name = unique("rm")
    infos, run_ids = [], []
    for i in range(2):
        with mlflow.start_run(experiment_id=exp_id) as run:
            mlflow.log_param("C", 1.0)
            mlflow.log_metric("train_acc", 0.5 + i / 10)
            infos.append(mlflow.sklearn.log_model(
                sk_model, name="model", registered_model_name=name,
                pip_requirements=["scikit-learn"], input_example=X[:2]))  # fmt: skip
        run_ids.append(run.info.run_id)
    return {"name": name, "exp_id": exp_id, "infos": infos, "run_ids": run_ids}


def assert_same_predictions(loaded, sk_model):
    np.testing.assert_array_equal(np.asarray(loaded.predict(pd.DataFrame(X))).ravel(), sk_model.predict(X))


def _cheap_version(client, name, exp_id=None, **kwargs):
    """A model version without uploading a model (source = a run's artifact path)."""
    exp_id = exp_id or client.create_experiment(unique("mv"))
    run = client.create_run(exp_id)
    return client.create_model_version(name, f"{run.info.artifact_uri}/model", run_id=run.info.run_id, **kwargs)


# ---------------------------------------------------------------------------- logged models
def test_log_model_creates_ready_logged_model(client, logged):
    info = logged["infos"][0]
    assert re.fullmatch(r"m-[0-9a-f]{32}", info.model_id)
    assert info.model_uri == f"models:/{info.model_id}"
    assert info.artifact_path == f"mlflow-artifacts:/{logged['exp_id']}/models/{info.model_id}/artifacts"
    lm = mlflow.get_logged_model(info.model_id)
    assert lm.model_id == info.model_id
    assert lm.name == "model"
    assert lm.experiment_id == logged["exp_id"]
    assert lm.source_run_id == logged["run_ids"][0]
    assert lm.status.to_int() == 2  # LOGGED_MODEL_READY
    assert lm.artifact_location == info.artifact_path
    assert lm.params == {"C": "1.0"}


def test_logged_model_gets_the_run_metrics(logged):
    lm = mlflow.get_logged_model(logged["infos"][1].model_id)
    [metric] = lm.metrics
    assert (metric.key, metric.value, metric.model_id) == ("train_acc", 0.6, lm.model_id)
    assert metric.run_id == logged["run_ids"][1]


def test_run_outputs_reference_the_logged_model(client, logged):
    outputs = client.get_run(logged["run_ids"][0]).outputs.model_outputs
    assert [(o.model_id, o.step) for o in outputs] == [(logged["infos"][0].model_id, 0)]


def test_logged_model_records_registered_versions_tag(logged):
    lm = mlflow.get_logged_model(logged["infos"][1].model_id)
    entries = json.loads(lm.tags["mlflow.modelVersions"])
    assert {(e["name"], str(e["version"])) for e in entries} == {(logged["name"], "2")}


def test_logged_model_artifacts_listed_under_run_path(client, logged):
    files = {f.path for f in client.list_artifacts(logged["run_ids"][0], "model")}
    assert {"model/MLmodel", "model/model.pkl", "model/requirements.txt"} <= files


def test_get_unknown_logged_model_raises_not_found():
    with pytest.raises(MlflowException) as info:
        mlflow.get_logged_model("m-" + "0" * 32)
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_search_logged_models(logged):
    ids = [i.model_id for i in logged["infos"]]
    found = mlflow.search_logged_models(experiment_ids=[logged["exp_id"]], output_format="list")
    assert sorted(m.model_id for m in found) == sorted(ids)
    found = mlflow.search_logged_models(
        experiment_ids=[logged["exp_id"]], filter_string=f"source_run_id = '{logged['run_ids'][1]}'",
        output_format="list")  # fmt: skip
    assert [m.model_id for m in found] == [ids[1]]
    found = mlflow.search_logged_models(
        experiment_ids=[logged["exp_id"]], filter_string="name = 'model'",
        order_by=[{"field_name": "creation_timestamp", "ascending": True}], output_format="list")  # fmt: skip
    assert [m.model_id for m in found] == ids
    df = mlflow.search_logged_models(experiment_ids=[logged["exp_id"]])
    assert isinstance(df, pd.DataFrame)
    assert sorted(df["model_id"]) == sorted(ids)


def test_logged_model_tags_set_and_delete(logged):
    model_id = logged["infos"][0].model_id
    key = unique("k")
    mlflow.set_logged_model_tags(model_id, {key: "v1", key + "-2": "v2"})
    tags = mlflow.get_logged_model(model_id).tags
    assert (tags[key], tags[key + "-2"]) == ("v1", "v2")
    mlflow.delete_logged_model_tag(model_id, key)
    tags = mlflow.get_logged_model(model_id).tags
    assert key not in tags and tags[key + "-2"] == "v2"
    found = mlflow.search_logged_models(
        experiment_ids=[logged["exp_id"]], filter_string=f"tags.`{key}-2` = 'v2'", output_format="list")  # fmt: skip
    assert [m.model_id for m in found] == [model_id]


# ---------------------------------------------------------------------------- loading
def test_log_model_registers_increasing_versions(client, logged):
    assert [str(i.registered_model_version) for i in logged["infos"]] == ["1", "2"]
    versions = client.search_model_versions(f"name = '{logged['name']}'")
    assert sorted(v.version for v in versions) == ["1", "2"]
    for info, run_id in zip(logged["infos"], logged["run_ids"]):
        mv = client.get_model_version(logged["name"], str(info.registered_model_version))
        assert mv.source == f"models:/{info.model_id}"
        assert mv.run_id == run_id
        assert mv.status == "READY"
        assert mv.current_stage == "None"


def test_load_model_by_alias_predicts_like_in_memory_model(client, logged, sk_model):
    client.set_registered_model_alias(logged["name"], "champion", "2")
    loaded = mlflow.pyfunc.load_model(f"models:/{logged['name']}@champion")
    assert loaded.metadata.model_id == logged["infos"][1].model_id
    assert_same_predictions(loaded, sk_model)


def test_load_model_by_version(logged, sk_model):
    loaded = mlflow.pyfunc.load_model(f"models:/{logged['name']}/1")
    assert loaded.metadata.model_id == logged["infos"][0].model_id
    assert_same_predictions(loaded, sk_model)


def test_load_model_latest(logged, sk_model):
    loaded = mlflow.pyfunc.load_model(f"models:/{logged['name']}/latest")
    assert loaded.metadata.model_id == logged["infos"][1].model_id
    assert_same_predictions(loaded, sk_model)


@pytest.mark.reference_server_5xx(
    r"GET \S+/mlflow-artifacts/artifacts/\S+/artifacts/model ",
    "the client first tries run-artifact path <run>/artifacts/model, which does not exist "
    "(the model lives under models/<id>); MLflow answers 500 for a missing file, Capstan must 404",
)
def test_load_model_from_runs_uri(logged, sk_model):
    loaded = mlflow.pyfunc.load_model(f"runs:/{logged['run_ids'][0]}/model")
    assert loaded.metadata.model_id == logged["infos"][0].model_id
    assert_same_predictions(loaded, sk_model)


def test_load_sklearn_flavor_from_logged_model_uri(logged, sk_model):
    loaded = mlflow.sklearn.load_model(logged["infos"][0].model_uri)
    np.testing.assert_array_equal(loaded.predict_proba(X), sk_model.predict_proba(X))


def test_register_model_from_runs_uri(client, logged):
    name = unique("reg")
    mv = mlflow.register_model(f"runs:/{logged['run_ids'][0]}/model", name)
    assert mv.version == "1"
    fetched = client.get_model_version(name, "1")
    assert fetched.source == f"models:/{logged['infos'][0].model_id}"
    assert fetched.run_id == logged["run_ids"][0]


def test_model_version_download_uri(client, logged):
    uri = client.get_model_version_download_uri(logged["name"], "1")
    assert uri == logged["infos"][0].artifact_path


# ---------------------------------------------------------------------------- registry CRUD
def test_registered_model_create_get_update(client):
    name = unique("rm")
    created = client.create_registered_model(name, tags={"team": "a"}, description="first")
    assert created.name == name
    rm = client.get_registered_model(name)
    assert (rm.name, rm.description, rm.tags) == (name, "first", {"team": "a"})
    assert rm.creation_timestamp > 0 and rm.last_updated_timestamp >= rm.creation_timestamp
    updated = client.update_registered_model(name, description="second")
    assert updated.description == "second"
    assert client.get_registered_model(name).description == "second"


def test_duplicate_registered_model_is_resource_already_exists(client):
    name = unique("rm")
    client.create_registered_model(name)
    with pytest.raises(MlflowException, match=re.escape(f"Registered Model (name={name}) already exists.")) as info:
        client.create_registered_model(name)
    assert info.value.error_code == "RESOURCE_ALREADY_EXISTS"


def test_get_missing_registered_model_raises_not_found(client):
    name = unique("missing")
    with pytest.raises(MlflowException, match=f"Registered Model with name={name} not found") as info:
        client.get_registered_model(name)
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_rename_registered_model_moves_versions(client):
    old, new = unique("old"), unique("new")
    client.create_registered_model(old)
    _cheap_version(client, old)
    client.rename_registered_model(old, new)
    assert client.get_registered_model(new).name == new
    assert client.get_model_version(new, "1").name == new
    with pytest.raises(MlflowException) as info:
        client.get_registered_model(old)
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_rename_to_existing_name_is_rejected(client):
    a, b = unique("a"), unique("b")
    client.create_registered_model(a)
    client.create_registered_model(b)
    with pytest.raises(MlflowException) as info:
        client.rename_registered_model(a, b)
    assert info.value.error_code == "RESOURCE_ALREADY_EXISTS"


def test_delete_registered_model_cascades(client):
    name = unique("rm")
    client.create_registered_model(name)
    _cheap_version(client, name)
    client.delete_registered_model(name)
    with pytest.raises(MlflowException) as info:
        client.get_registered_model(name)
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert client.search_model_versions(f"name = '{name}'") == []


def test_model_version_numbers_increase(client):
    name = unique("rm")
    client.create_registered_model(name)
    exp_id = client.create_experiment(unique("mv"))
    versions = [_cheap_version(client, name, exp_id).version for _ in range(3)]
    assert versions == ["1", "2", "3"]
    rm = client.get_registered_model(name)
    assert [v.version for v in rm.latest_versions] == ["3"]


def test_create_version_of_missing_registered_model_is_not_found(client):
    with pytest.raises(MlflowException) as info:
        client.create_model_version(unique("missing"), "mlflow-artifacts:/0/x/artifacts/model")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_update_model_version_description(client):
    name = unique("rm")
    client.create_registered_model(name)
    _cheap_version(client, name, description="v1 desc")
    assert client.get_model_version(name, "1").description == "v1 desc"
    client.update_model_version(name, "1", description="changed")
    assert client.get_model_version(name, "1").description == "changed"


def test_registered_model_and_version_tags(client):
    name = unique("rm")
    client.create_registered_model(name, tags={"a": "1"})
    _cheap_version(client, name, tags={"vt": "x"})
    client.set_registered_model_tag(name, "b", "2")
    client.set_registered_model_tag(name, "empty", "")
    client.delete_registered_model_tag(name, "a")
    assert client.get_registered_model(name).tags == {"b": "2", "empty": ""}
    client.set_model_version_tag(name, "1", "vt2", "y")
    client.delete_model_version_tag(name, "1", "vt")
    assert client.get_model_version(name, "1").tags == {"vt2": "y"}


def test_search_registered_models_filter_and_order(client):
    prefix = unique("srch")
    names = [f"{prefix}-{i}" for i in range(3)]
    for i, n in enumerate(names):
        client.create_registered_model(n, tags={"parity": "even" if i % 2 == 0 else "odd"})
    found = client.search_registered_models(f"name LIKE '{prefix}-%'", order_by=["name DESC"])
    assert [m.name for m in found] == names[::-1]
    found = client.search_registered_models(f"name LIKE '{prefix}-%' AND tags.parity = 'even'")
    assert [m.name for m in found] == [names[0], names[2]]  # default order: name ASC
    found = client.search_registered_models(f"name ILIKE '{prefix.upper()}-%'")
    assert [m.name for m in found] == names


def test_search_registered_models_pagination(client):
    prefix = unique("rmpage")
    names = [f"{prefix}-{i}" for i in range(3)]
    for n in names:
        client.create_registered_model(n)
    page1 = client.search_registered_models(f"name LIKE '{prefix}-%'", max_results=2)
    assert [m.name for m in page1] == names[:2] and page1.token
    page2 = client.search_registered_models(f"name LIKE '{prefix}-%'", max_results=2, page_token=page1.token)
    assert [m.name for m in page2] == names[2:] and not page2.token


def test_search_model_versions_filter(client):
    name = unique("rm")
    client.create_registered_model(name)
    exp_id = client.create_experiment(unique("mv"))
    mvs = [_cheap_version(client, name, exp_id) for _ in range(3)]
    found = client.search_model_versions(f"name = '{name}'", order_by=["version_number ASC"])
    assert [v.version for v in found] == ["1", "2", "3"]
    found = client.search_model_versions(f"name = '{name}' AND run_id = '{mvs[1].run_id}'")
    assert [v.version for v in found] == ["2"]
    found = client.search_model_versions(f"name = '{name}' AND version_number >= 2", order_by=["version_number DESC"])
    assert [v.version for v in found] == ["3", "2"]


def test_transition_stage_archives_existing_versions(client):
    name = unique("rm")
    client.create_registered_model(name)
    exp_id = client.create_experiment(unique("mv"))
    for _ in range(3):
        _cheap_version(client, name, exp_id)
    client.transition_model_version_stage(name, "1", "Production")
    client.transition_model_version_stage(name, "2", "staging")  # stage names are case-insensitive
    assert client.get_model_version(name, "2").current_stage == "Staging"
    mv = client.transition_model_version_stage(name, "3", "Production", archive_existing_versions=True)
    assert mv.current_stage == "Production"
    stages = {v: client.get_model_version(name, v).current_stage for v in ("1", "2", "3")}
    assert stages == {"1": "Archived", "2": "Staging", "3": "Production"}


def test_transition_to_invalid_stage_is_rejected(client):
    name = unique("rm")
    client.create_registered_model(name)
    _cheap_version(client, name)
    with pytest.raises(MlflowException) as info:
        client.transition_model_version_stage(name, "1", "Shipping")
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"


def test_get_latest_versions(client):
    name = unique("rm")
    client.create_registered_model(name)
    exp_id = client.create_experiment(unique("mv"))
    for stage in ("Staging", "Production", "None", "Staging", "Archived"):
        v = _cheap_version(client, name, exp_id).version
        if stage != "None":
            client.transition_model_version_stage(name, v, stage)
    latest = lambda stages: sorted((v.current_stage, v.version) for v in client.get_latest_versions(name, stages))  # noqa: E731
    assert latest(None) == [("Archived", "5"), ("None", "3"), ("Production", "2"), ("Staging", "4")]
    assert latest(["Staging"]) == [("Staging", "4")]
    assert latest(["Production", "staging"]) == [("Production", "2"), ("Staging", "4")]


def test_delete_model_version_and_its_aliases(client):
    name = unique("rm")
    client.create_registered_model(name)
    exp_id = client.create_experiment(unique("mv"))
    _cheap_version(client, name, exp_id)
    _cheap_version(client, name, exp_id)
    client.set_registered_model_alias(name, "gone", "1")
    client.delete_model_version(name, "1")
    with pytest.raises(MlflowException) as info:
        client.get_model_version(name, "1")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    # The alias no longer resolves.  (MLflow 3.6.0 means to drop aliases of a deleted version but
    # compares int with str, so the alias row survives and resolving it gives 404; removing the
    # alias, which gives 400 "alias ... not found", is the intended behaviour.)
    with pytest.raises(MlflowException) as info:
        client.get_model_version_by_alias(name, "gone")
    assert info.value.error_code in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE")
    assert [v.version for v in client.search_model_versions(f"name = '{name}'")] == ["2"]
    # numbering continues after the deleted version
    assert _cheap_version(client, name, exp_id).version == "3"


def test_model_version_download_uri_for_plain_source(client):
    name = unique("rm")
    client.create_registered_model(name)
    mv = _cheap_version(client, name)
    assert client.get_model_version_download_uri(name, "1") == mv.source


# ---------------------------------------------------------------------------- aliases
def test_alias_set_get_move_delete(client):
    name = unique("rm")
    client.create_registered_model(name)
    exp_id = client.create_experiment(unique("mv"))
    _cheap_version(client, name, exp_id)
    _cheap_version(client, name, exp_id)
    client.set_registered_model_alias(name, "champion", "1")
    client.set_registered_model_alias(name, "challenger", "2")
    mv = client.get_model_version_by_alias(name, "champion")
    assert (mv.version, mv.aliases) == ("1", ["champion"])
    assert client.get_registered_model(name).aliases == {"champion": "1", "challenger": "2"}
    client.set_registered_model_alias(name, "champion", "2")  # moving an alias
    assert client.get_model_version_by_alias(name, "champion").version == "2"
    assert sorted(client.get_model_version(name, "2").aliases) == ["challenger", "champion"]
    assert client.get_model_version(name, "1").aliases == []
    client.delete_registered_model_alias(name, "champion")
    assert client.get_registered_model(name).aliases == {"challenger": "2"}
    with pytest.raises(MlflowException, match="Registered model alias champion not found.") as info:
        client.get_model_version_by_alias(name, "champion")
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"


@pytest.mark.parametrize("alias", ["latest", "LATEST", "v1", "bad alias!"])
def test_invalid_or_reserved_alias_is_rejected(client, alias):
    name = unique("rm")
    client.create_registered_model(name)
    _cheap_version(client, name)
    with pytest.raises(MlflowException) as info:
        client.set_registered_model_alias(name, alias, "1")
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"


def test_alias_on_missing_version_is_not_found(client):
    name = unique("rm")
    client.create_registered_model(name)
    with pytest.raises(MlflowException) as info:
        client.set_registered_model_alias(name, "champion", "7")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"
