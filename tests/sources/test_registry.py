"""The registry of sources and ``python -m bjaikg sources``: checksums verified, a missing or
changed snapshot named with both checksums, snapshots fetched from a real HTTP server on
loopback (never the internet)."""

from __future__ import annotations

import functools
import hashlib
import http.server
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bjaikg import PROJECT_ROOT
from bjaikg.errors import BjaikgError
from bjaikg.sources.registry import (
    Snapshot,
    check_snapshot,
    fetch_snapshot,
    read_registry,
    sources_folder,
)


def run_sources(*arguments: str) -> subprocess.CompletedProcess[str]:
    """``python -m bjaikg sources ARGUMENTS`` from the project root."""
    return subprocess.run(
        [sys.executable, "-m", "bjaikg", "sources", *arguments],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=False,
    )


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real HTTP server on 127.0.0.1 (free port) serving the folder it returns."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


def snapshot_of(data: bytes, url: str | None) -> Snapshot:
    return Snapshot(
        source="https://w3id.org/bjaikg/id/source-test",
        title="test table",
        file="test/table.csv",
        byte_size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        download_url=url,
        licence=None,
        citation=None,
    )


def test_the_registry_lists_the_article_and_both_epoch_tables_with_licences() -> None:
    snapshots = {snapshot.file: snapshot for snapshot in read_registry()}
    assert set(snapshots) == {
        "beijing-ai-first-city.zh.txt",
        "epoch-ai/all-ml-systems.csv",
        "epoch-ai/ml-hardware.csv",
    }
    models = snapshots["epoch-ai/all-ml-systems.csv"]
    assert models.sha256 == "74509130a942f476053447d26cd9a3805a03d48b8feffef714826c5e340c9ec2"
    assert models.licence == "https://creativecommons.org/licenses/by/4.0/"
    assert models.citation is not None and "Epoch AI, 'Data on AI Models'" in models.citation
    assert models.download_url is not None and "263c40a1" in models.download_url


def test_every_registered_snapshot_is_present_with_its_checksum_and_size() -> None:
    for snapshot in read_registry():
        assert check_snapshot(snapshot, sources_folder()) is None
        assert (sources_folder() / snapshot.file).stat().st_size == snapshot.byte_size


def test_a_changed_snapshot_is_named_with_both_checksums(tmp_path: Path) -> None:
    snapshot = snapshot_of(b"a,b\n1,2\n", url="http://127.0.0.1:9/table.csv")
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "table.csv").write_bytes(b"a,b\n1,3\n")
    problem = check_snapshot(snapshot, tmp_path)
    assert problem is not None
    found = hashlib.sha256(b"a,b\n1,3\n").hexdigest()
    assert str(tmp_path / "test" / "table.csv") in problem.message
    assert snapshot.sha256 in problem.message and found in problem.message
    assert "sources fetch" in problem.message


def test_a_missing_snapshot_without_url_says_where_it_comes_from(tmp_path: Path) -> None:
    problem = check_snapshot(snapshot_of(b"x", url=None), tmp_path)
    assert problem is not None
    assert "missing" in problem.message and "no download URL" in problem.message


def test_fetch_downloads_a_missing_snapshot_and_keeps_it_only_when_it_matches(
    served: tuple[str, Path], tmp_path: Path
) -> None:
    base, root = served
    data = b"model,organisation\nGLM-4,Zhipu AI\n"
    (root / "table.csv").write_bytes(data)
    target = tmp_path / "sources"
    snapshot = snapshot_of(data, url=f"{base}/table.csv")
    fetch_snapshot(snapshot, target)
    assert (target / "test" / "table.csv").read_bytes() == data
    assert check_snapshot(snapshot, target) is None

    altered = replace(snapshot, file="test/other.csv", sha256="0" * 64)
    with pytest.raises(BjaikgError, match="kept nothing"):
        fetch_snapshot(altered, target)
    assert sorted(p.name for p in (target / "test").iterdir()) == ["table.csv"]

    gone = replace(snapshot, file="test/gone.csv", download_url=f"{base}/gone.csv")
    with pytest.raises(BjaikgError, match=r"download from .* failed"):
        fetch_snapshot(gone, target)


def test_a_registry_that_is_missing_does_not_parse_or_lists_nothing_is_named(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "sources.ttl"
    broken.write_text("@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<urn:a> dcat:x\n", "utf-8")
    for registry, message in (
        (tmp_path / "absent.ttl", "absent.ttl: cannot read: No such file or directory"),
        (broken, "sources.ttl:3:1: Turtle syntax error"),
        (PROJECT_ROOT / "instances" / "chips.ttl", "chips.ttl: describes no snapshot"),
    ):
        completed = run_sources("--registry", str(registry))
        assert completed.returncode == 2 and "Traceback" not in completed.stderr
        [line] = completed.stderr.splitlines()
        assert line.startswith("bjaikg: error: ") and message in line


def test_the_command_fetches_missing_snapshots_from_their_urls(
    served: tuple[str, Path], tmp_path: Path
) -> None:
    """``sources fetch`` with a registry pointing at the loopback server, then ``sources``."""
    base, root = served
    folder = tmp_path / "sources"
    for snapshot in read_registry():
        source = sources_folder() / snapshot.file
        if snapshot.download_url:
            (root / Path(snapshot.file).name).write_bytes(source.read_bytes())
        else:
            (folder / snapshot.file).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, folder / snapshot.file)
    registry = PROJECT_ROOT / "instances" / "sources.ttl"
    text = registry.read_text(encoding="utf-8")
    for snapshot in read_registry():
        if snapshot.download_url:
            text = text.replace(snapshot.download_url, f"{base}/{Path(snapshot.file).name}")
    local = tmp_path / "sources.ttl"
    local.write_text(text, encoding="utf-8")
    fetched = run_sources("fetch", "--registry", str(local), "--folder", str(folder))
    assert fetched.returncode == 0, fetched.stderr
    assert fetched.stdout.count("fetching ") == 2
    assert all(check_snapshot(snapshot, folder) is None for snapshot in read_registry(local))

    (tmp_path / "empty").mkdir()
    missing = run_sources("--folder", str(tmp_path / "empty"))
    assert missing.returncode == 1
    assert "missing (expected sha256" in missing.stderr
    # a folder that is not there (a typo) is named once, not taken for one missing every file
    for action in ("verify", "build"):
        typo = run_sources(action, "--folder", str(tmp_path / "sourcse"))
        assert typo.returncode == 2 and "Traceback" not in typo.stderr
        reason = "no such folder (the sources folder: --folder)"
        assert typo.stderr == f"bjaikg: error: {tmp_path / 'sourcse'}: {reason}\n"
    assert run_sources("--folder", str(folder)).returncode == 0
