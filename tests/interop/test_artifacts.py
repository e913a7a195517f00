"""Artifacts through the mlflow-artifacts proxy: upload, list, download, round trips."""

import hashlib
import os
from pathlib import Path

import mlflow
import mlflow.artifacts
import pytest
from conftest import assert_ok_json, unique


def _files(tree: Path) -> dict[str, bytes]:
    return {p.relative_to(tree).as_posix(): p.read_bytes() for p in sorted(tree.rglob("*")) if p.is_file()}


def _listing(client, run_id, path=None):
    return [(f.path, f.is_dir, f.file_size) for f in client.list_artifacts(run_id, path)]


@pytest.fixture
def run_id(experiment_id):
    with mlflow.start_run() as run:
        pass
    return run.info.run_id


@pytest.fixture
def tree(tmp_path) -> Path:
    root = tmp_path / "tree"
    (root / "x" / "y").mkdir(parents=True)
    (root / "top.txt").write_text("top level\n")
    (root / "x" / "mid.bin").write_bytes(bytes(range(256)))
    (root / "x" / "y" / "deep.txt").write_text("deep\n")
    return root


def test_run_artifact_uri_is_proxied(experiment_id):
    with mlflow.start_run() as run:
        assert mlflow.get_artifact_uri() == f"mlflow-artifacts:/{experiment_id}/{run.info.run_id}/artifacts"
        assert mlflow.get_artifact_uri("a/b.txt") == f"mlflow-artifacts:/{experiment_id}/{run.info.run_id}/artifacts/a/b.txt"


def test_log_artifact_and_list_root(client, experiment_id, tmp_path):
    f = tmp_path / "hello.txt"
    f.write_text("hello")
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(f))
        mlflow.log_artifact(str(f), artifact_path="sub")
    assert _listing(client, run.info.run_id) == [("hello.txt", False, 5), ("sub", True, None)]
    assert _listing(client, run.info.run_id, "sub") == [("sub/hello.txt", False, 5)]


def test_log_artifacts_nested_directories_and_list_subdirectories(client, run_id, tree):
    client.log_artifacts(run_id, str(tree), artifact_path="tree")
    assert _listing(client, run_id) == [("tree", True, None)]
    assert _listing(client, run_id, "tree") == [("tree/top.txt", False, 10), ("tree/x", True, None)]
    assert _listing(client, run_id, "tree/x") == [("tree/x/mid.bin", False, 256), ("tree/x/y", True, None)]
    assert _listing(client, run_id, "tree/x/y") == [("tree/x/y/deep.txt", False, 5)]


def test_list_missing_directory_is_empty(client, run_id):
    assert client.list_artifacts(run_id, "does/not/exist") == []
    assert client.list_artifacts(run_id) == []


def test_download_single_file(client, run_id, tree, tmp_path):
    client.log_artifacts(run_id, str(tree), artifact_path="tree")
    dst = tmp_path / "dl"
    dst.mkdir()
    local = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="tree/x/y/deep.txt", dst_path=str(dst))
    assert Path(local) == dst / "deep.txt"
    assert Path(local).read_text() == "deep\n"


def test_download_directory(client, run_id, tree, tmp_path):
    client.log_artifacts(run_id, str(tree), artifact_path="tree")
    dst = tmp_path / "dl"
    dst.mkdir()
    local = client.download_artifacts(run_id, "tree/x", str(dst))
    assert Path(local) == dst / "x"
    assert _files(Path(local)) == {k[2:]: v for k, v in _files(tree).items() if k.startswith("x/")}


def test_download_whole_run(client, run_id, tree, tmp_path):
    client.log_artifacts(run_id, str(tree))
    local = mlflow.artifacts.download_artifacts(run_id=run_id, dst_path=str(tmp_path / "all"))
    assert _files(Path(local)) == _files(tree)


def test_download_by_artifact_uri(client, run_id, tree, tmp_path):
    client.log_artifacts(run_id, str(tree), artifact_path="tree")
    uri = client.get_run(run_id).info.artifact_uri + "/tree/top.txt"
    local = mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=str(tmp_path / "u"))
    assert Path(local).read_text() == "top level\n"


def test_log_text_and_load_text(client, run_id):
    text = "héllo wörld\nsecond line ✓\n"
    client.log_text(run_id, text, "notes/readme.txt")
    assert mlflow.artifacts.load_text(f"runs:/{run_id}/notes/readme.txt") == text
    assert _listing(client, run_id, "notes") == [("notes/readme.txt", False, len(text.encode()))]


def test_log_dict_and_load_dict(experiment_id):
    payload = {"a": 1, "nested": {"list": [1, 2.5, "three"], "flag": True}, "none": None}
    with mlflow.start_run() as run:
        mlflow.log_dict(payload, "config/params.json")
    assert mlflow.artifacts.load_dict(f"runs:/{run.info.run_id}/config/params.json") == payload


def test_binary_file_round_trip_is_byte_identical(client, run_id, tmp_path):
    data = bytes(range(256)) * 64 + os.urandom(1_500_000) + b"\r\n\x00\x1a"
    src = tmp_path / "blob.bin"
    src.write_bytes(data)
    client.log_artifact(run_id, str(src), artifact_path="bin")
    assert _listing(client, run_id, "bin") == [("bin/blob.bin", False, len(data))]
    local = client.download_artifacts(run_id, "bin/blob.bin", str(tmp_path))
    assert hashlib.sha256(Path(local).read_bytes()).hexdigest() == hashlib.sha256(data).hexdigest()


def test_empty_file_round_trip(client, run_id, tmp_path):
    src = tmp_path / "empty.txt"
    src.write_bytes(b"")
    client.log_artifact(run_id, str(src))
    # MLflow omits file_size for 0-byte files (client sees None); 0 is equally fine
    [(path, is_dir, size)] = _listing(client, run_id)
    assert (path, is_dir, size or 0) == ("empty.txt", False, 0)
    out = tmp_path / "out"
    out.mkdir()
    local = client.download_artifacts(run_id, "empty.txt", str(out))
    assert Path(local).read_bytes() == b""


def test_file_names_with_spaces_and_punctuation(client, run_id, tmp_path):
    # NB: no '%' in the name: MLflow's proxy URL-decodes artifact paths twice (a%2541 -> a%41 -> aA)
    src = tmp_path / "my file +(1)&=,;'.txt"
    src.write_text("odd name")
    client.log_artifact(run_id, str(src), artifact_path="odd dir")
    assert _listing(client, run_id, "odd dir") == [("odd dir/my file +(1)&=,;'.txt", False, 8)]
    out = tmp_path / "out"
    local = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="odd dir", dst_path=str(out))
    assert _files(Path(local)) == {"my file +(1)&=,;'.txt": b"odd name"}


def test_unicode_file_name_upload_and_list(client, run_id, tmp_path):
    # Listing only: MLflow 3.6.0 answers 500 when *downloading* a non-ASCII name (it puts the raw
    # name into Content-Disposition), so a download check would fail against the reference.
    src = tmp_path / "grüße-✓.txt"
    src.write_text("unicode")
    client.log_artifact(run_id, str(src), artifact_path="uni")
    assert _listing(client, run_id, "uni") == [("uni/grüße-✓.txt", False, 7)]


def test_overwriting_an_artifact_keeps_the_last_upload(client, run_id, tmp_path):
    src = tmp_path / "v.txt"
    src.write_text("first version")
    client.log_artifact(run_id, str(src))
    src.write_text("second")
    client.log_artifact(run_id, str(src))
    assert _listing(client, run_id) == [("v.txt", False, 6)]
    assert mlflow.artifacts.load_text(f"runs:/{run_id}/v.txt") == "second"


def test_client_uploads_land_under_experiment_and_run_path(api, client, experiment_id, run_id):
    client.log_text(run_id, "abc", "d/f.txt")
    body = assert_ok_json(api.get(api.srv.artifacts_api, params={"path": f"{experiment_id}/{run_id}/artifacts/d"}))
    assert body == {"files": [{"path": "f.txt", "is_dir": False, "file_size": 3}]}


# ---------------------------------------------------------------------------- raw proxy API
def test_raw_proxy_put_list_get_delete(api):
    root = unique("raw")
    art = api.srv.artifacts_api
    assert assert_ok_json(api.put(f"{art}/{root}/a.txt", data=b"1")) == {}
    assert assert_ok_json(api.put(f"{art}/{root}/dir/b.txt", data=b"22")) == {}
    listing = assert_ok_json(api.get(art, params={"path": root}))
    assert listing == {"files": [{"path": "a.txt", "is_dir": False, "file_size": 1}, {"path": "dir", "is_dir": True}]}
    got = api.get(f"{art}/{root}/dir/b.txt")
    assert got.status_code == 200 and got.content == b"22"
    # a file path or a missing directory lists as {} (no "files" key)
    assert assert_ok_json(api.get(art, params={"path": f"{root}/a.txt"})) == {}
    assert assert_ok_json(api.get(art, params={"path": f"{root}/missing"})) == {}
    assert assert_ok_json(api.delete(f"{art}/{root}/dir")) == {}
    listing = assert_ok_json(api.get(art, params={"path": root}))
    assert listing == {"files": [{"path": "a.txt", "is_dir": False, "file_size": 1}]}


def test_raw_proxy_put_zero_length_body(api):
    root = unique("raw")
    art = api.srv.artifacts_api
    assert assert_ok_json(api.put(f"{art}/{root}/empty", data=b"")) == {}
    [entry] = assert_ok_json(api.get(art, params={"path": root}))["files"]
    assert entry.pop("file_size", 0) == 0  # MLflow omits file_size for 0-byte files
    assert entry == {"path": "empty", "is_dir": False}
    got = api.get(f"{art}/{root}/empty")
    assert got.status_code == 200 and got.content == b""
