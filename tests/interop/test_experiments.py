"""Experiments: create/get/search/rename/delete/restore/tags through the mlflow client."""

import time

import mlflow
import pytest
from conftest import unique
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException


def _make_experiments(client, prefix, n, tags=None):
    ids = []
    for i in range(n):
        ids.append(client.create_experiment(f"{prefix}-{i}", tags=tags(i) if tags else None))
    return ids


def test_default_experiment_exists(client):
    exp = client.get_experiment("0")
    assert exp.experiment_id == "0"
    assert exp.name == "Default"
    assert exp.lifecycle_stage == "active"
    assert client.get_experiment_by_name("Default").experiment_id == "0"
    found = client.search_experiments(filter_string="name = 'Default'")
    assert [e.experiment_id for e in found] == ["0"]


def test_create_experiment_and_get_by_id(client):
    name = unique("exp")
    before = int(time.time() * 1000) - 5000
    exp_id = client.create_experiment(name, tags={"team": "interop", "empty": ""})
    assert isinstance(exp_id, str) and exp_id
    exp = client.get_experiment(exp_id)
    assert exp.experiment_id == exp_id
    assert exp.name == name
    assert exp.lifecycle_stage == "active"
    assert exp.tags == {"team": "interop", "empty": ""}
    assert exp.creation_time >= before
    assert exp.last_update_time >= exp.creation_time


def test_default_artifact_location_is_proxied(client):
    exp_id = client.create_experiment(unique("exp"))
    assert client.get_experiment(exp_id).artifact_location == f"mlflow-artifacts:/{exp_id}"


def test_get_experiment_by_name(client):
    name = unique("exp")
    exp_id = client.create_experiment(name)
    assert client.get_experiment_by_name(name).experiment_id == exp_id
    assert mlflow.get_experiment_by_name(name).experiment_id == exp_id


def test_get_experiment_by_name_missing_returns_none(client):
    assert client.get_experiment_by_name(unique("missing")) is None


def test_get_experiment_unknown_id_raises_not_found(client):
    with pytest.raises(MlflowException) as info:
        client.get_experiment("987654321987")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_set_experiment_creates_then_reuses(client):
    name = unique("exp")
    exp = mlflow.set_experiment(name)
    assert exp.name == name
    assert exp.lifecycle_stage == "active"
    again = mlflow.set_experiment(name)
    assert again.experiment_id == exp.experiment_id
    with mlflow.start_run() as run:
        pass
    assert run.info.experiment_id == exp.experiment_id


def test_set_experiment_on_deleted_experiment_raises(client):
    name = unique("exp")
    exp_id = client.create_experiment(name)
    client.delete_experiment(exp_id)
    with pytest.raises(MlflowException, match="deleted experiment"):
        mlflow.set_experiment(name)


def test_duplicate_experiment_name_is_resource_already_exists(client):
    name = unique("exp")
    client.create_experiment(name)
    with pytest.raises(MlflowException) as info:
        client.create_experiment(name)
    assert info.value.error_code == "RESOURCE_ALREADY_EXISTS"
    assert info.value.get_http_status_code() == 400


def test_duplicate_name_of_deleted_experiment_is_resource_already_exists(client):
    name = unique("exp")
    client.delete_experiment(client.create_experiment(name))
    with pytest.raises(MlflowException) as info:
        client.create_experiment(name)
    assert info.value.error_code == "RESOURCE_ALREADY_EXISTS"


def test_search_experiments_name_like(client):
    prefix = unique("like")
    ids = _make_experiments(client, prefix, 3)
    other = client.create_experiment(unique("unlike"))
    found = client.search_experiments(filter_string=f"name LIKE '{prefix}-%'")
    assert sorted(e.experiment_id for e in found) == sorted(ids)
    assert other not in {e.experiment_id for e in found}
    # LIKE is case-sensitive, ILIKE is not
    assert client.search_experiments(filter_string=f"name LIKE '{prefix.upper()}-%'") == []
    found = client.search_experiments(filter_string=f"name ILIKE '{prefix.upper()}-%'")
    assert sorted(e.experiment_id for e in found) == sorted(ids)


def test_search_experiments_attribute_name_equals(client):
    prefix = unique("eq")
    ids = _make_experiments(client, prefix, 2)
    found = client.search_experiments(filter_string=f"attribute.name = '{prefix}-1'")
    assert [e.experiment_id for e in found] == [ids[1]]
    found = client.search_experiments(filter_string=f"name != '{prefix}-1' AND name LIKE '{prefix}%'")
    assert [e.experiment_id for e in found] == [ids[0]]


def test_search_experiments_tag_ilike(client):
    prefix = unique("tag")
    ids = _make_experiments(client, prefix, 3, tags=lambda i: {"k": ["VALUE", "other", "valUE2"][i]})
    found = client.search_experiments(filter_string=f"tags.k ILIKE '%alu%' AND name LIKE '{prefix}%'")
    assert sorted(e.experiment_id for e in found) == sorted([ids[0], ids[2]])
    found = client.search_experiments(filter_string=f"tags.k = 'other' AND name LIKE '{prefix}%'")
    assert [e.experiment_id for e in found] == [ids[1]]


def test_search_experiments_order_by(client):
    prefix = unique("ord")
    ids = _make_experiments(client, prefix, 3)
    flt = f"name LIKE '{prefix}-%'"
    asc = client.search_experiments(filter_string=flt, order_by=["name ASC"])
    assert [e.experiment_id for e in asc] == ids
    desc = client.search_experiments(filter_string=flt, order_by=["name DESC"])
    assert [e.experiment_id for e in desc] == ids[::-1]
    by_id = client.search_experiments(filter_string=flt, order_by=["experiment_id DESC"])
    assert [e.experiment_id for e in by_id] == sorted(ids, key=int, reverse=True)


def test_search_experiments_default_order_is_newest_first(client):
    prefix = unique("new")
    ids = []
    for i in range(3):
        ids.append(client.create_experiment(f"{prefix}-{i}"))
        time.sleep(0.02)  # distinct creation_time (ms)
    found = client.search_experiments(filter_string=f"name LIKE '{prefix}-%'")
    assert [e.experiment_id for e in found] == ids[::-1]


def test_search_experiments_pagination(client):
    prefix = unique("page")
    ids = _make_experiments(client, prefix, 5)
    flt = f"name LIKE '{prefix}-%'"
    page1 = client.search_experiments(filter_string=flt, max_results=2, order_by=["name"])
    assert [e.experiment_id for e in page1] == ids[:2]
    assert page1.token
    page2 = client.search_experiments(filter_string=flt, max_results=2, order_by=["name"],
                                      page_token=page1.token)  # fmt: skip
    assert [e.experiment_id for e in page2] == ids[2:4]
    assert page2.token
    page3 = client.search_experiments(filter_string=flt, max_results=2, order_by=["name"],
                                      page_token=page2.token)  # fmt: skip
    assert [e.experiment_id for e in page3] == ids[4:]
    assert not page3.token
    # the fluent API follows the tokens itself
    assert [e.experiment_id for e in mlflow.search_experiments(filter_string=flt, order_by=["name"])] == ids


def test_search_experiments_view_type(client):
    prefix = unique("view")
    active, deleted = _make_experiments(client, prefix, 2)
    client.delete_experiment(deleted)
    flt = f"name LIKE '{prefix}-%'"
    ids = lambda vt: sorted(e.experiment_id for e in client.search_experiments(view_type=vt, filter_string=flt))  # noqa: E731
    assert ids(ViewType.ACTIVE_ONLY) == [active]
    assert ids(ViewType.DELETED_ONLY) == [deleted]
    assert ids(ViewType.ALL) == sorted([active, deleted])


def test_rename_experiment(client):
    old, new = unique("old"), unique("new")
    exp_id = client.create_experiment(old)
    client.rename_experiment(exp_id, new)
    assert client.get_experiment(exp_id).name == new
    assert client.get_experiment_by_name(old) is None
    assert client.get_experiment_by_name(new).experiment_id == exp_id


def test_delete_experiment_marks_it_deleted(client):
    exp_id = client.create_experiment(unique("exp"))
    client.delete_experiment(exp_id)
    exp = client.get_experiment(exp_id)  # still readable
    assert exp.lifecycle_stage == "deleted"
    client.restore_experiment(exp_id)
    assert client.get_experiment(exp_id).lifecycle_stage == "active"


def test_delete_and_restore_experiment_cascade_to_runs(client):
    exp_id = client.create_experiment(unique("exp"))
    runs = [client.create_run(exp_id).info.run_id for _ in range(2)]
    client.delete_experiment(exp_id)
    assert {client.get_run(r).info.lifecycle_stage for r in runs} == {"deleted"}
    assert client.search_runs([exp_id]) == []
    assert sorted(r.info.run_id for r in client.search_runs([exp_id], run_view_type=ViewType.DELETED_ONLY)) == sorted(runs)
    client.restore_experiment(exp_id)
    assert {client.get_run(r).info.lifecycle_stage for r in runs} == {"active"}
    assert sorted(r.info.run_id for r in client.search_runs([exp_id])) == sorted(runs)


def test_create_run_in_deleted_experiment_is_rejected(client):
    exp_id = client.create_experiment(unique("exp"))
    client.delete_experiment(exp_id)
    with pytest.raises(MlflowException, match="must be in the 'active' state") as info:
        client.create_run(exp_id)
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"


def test_experiment_tags_set_and_delete(client):
    exp_id = client.create_experiment(unique("exp"), tags={"a": "1"})
    client.set_experiment_tag(exp_id, "b", "2")
    client.set_experiment_tag(exp_id, "a", "updated")
    assert client.get_experiment(exp_id).tags == {"a": "updated", "b": "2"}
    client.delete_experiment_tag(exp_id, "a")
    assert client.get_experiment(exp_id).tags == {"b": "2"}
    mlflow.set_experiment(experiment_id=exp_id)
    mlflow.set_experiment_tags({"c": "3", "d": "4"})
    assert client.get_experiment(exp_id).tags == {"b": "2", "c": "3", "d": "4"}
