"""CITATION.cff is valid (cffconvert, from PyPI) and, like .zenodo.json, names the newest
release: its version, date and IRI."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bjaikg import PROJECT_ROOT
from bjaikg.interface.releases import read_releases
from bjaikg.metadata import ABSTRACT, CREATOR, DATASET_IRI, KEYWORDS, TITLE

CFFCONVERT = PROJECT_ROOT / "build" / "cffconvert" / "bin" / "cffconvert"
"""Where scripts/test.sh installs cffconvert: in a virtual environment of its own, as it pins
jsonschema<4, which the test extra's openapi-spec-validator cannot work with."""

NEWEST = read_releases(PROJECT_ROOT / "releases")[0]


def cffconvert() -> str:
    found = str(CFFCONVERT) if CFFCONVERT.is_file() else shutil.which("cffconvert")
    if found is None:
        pytest.fail("cffconvert is missing: bash scripts/test.sh installs it in build/cffconvert")
    return found


def test_citation_cff_is_valid() -> None:
    done = subprocess.run(
        [cffconvert(), "--validate", "-i", str(PROJECT_ROOT / "CITATION.cff")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid" in done.stdout


def test_cffconvert_rejects_a_broken_file(tmp_path: Path) -> None:
    broken = tmp_path / "CITATION.cff"
    text = (PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8")
    broken.write_text(text.replace('date-released: "', 'date-released: "not a date '), "utf-8")
    done = subprocess.run([cffconvert(), "--validate", "-i", str(broken)], capture_output=True)
    assert done.returncode != 0


def test_citation_names_the_newest_release() -> None:
    citation = yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["version"] == NEWEST.version
    assert str(citation["date-released"]) == NEWEST.date
    assert NEWEST.iri in [identifier["value"] for identifier in citation["identifiers"]]
    assert TITLE["en"] in citation["title"] and TITLE["zh"] in citation["title"]
    assert citation["authors"] == [{"name": CREATOR}]


def test_citation_names_the_dataset_by_its_one_identifier() -> None:
    """CITATION.cff's ``url`` is the dataset's IRI, the one the releases are versions of and the
    served description's ``dcterms:identifier`` (it was ``https://w3id.org/bjaikg``, the query
    editor); its abstract and keywords are the DCAT description's and keywords."""
    citation = yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["url"] == DATASET_IRI
    assert " ".join(citation["abstract"].split()) == ABSTRACT["en"]
    assert tuple(citation["keywords"]) == KEYWORDS


def test_zenodo_metadata_names_the_newest_release() -> None:
    zenodo = json.loads((PROJECT_ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert zenodo["upload_type"] == "dataset"
    assert zenodo["version"] == NEWEST.version
    assert zenodo["publication_date"] == NEWEST.date
    assert zenodo["license"] == "CC-BY-4.0"
    assert zenodo["creators"] == [{"name": CREATOR}]
    assert zenodo["description"] and TITLE["en"] in zenodo["title"]
    identifiers = {item["identifier"] for item in zenodo["related_identifiers"]}
    assert NEWEST.iri in identifiers
    assert tuple(zenodo["keywords"]) == KEYWORDS


def test_zenodo_relations_are_the_deposits_own() -> None:
    """DataCite's relation types say what the described resource (the deposit, A) is to B: the
    deposit of a release is identical to the release IRI and a version of the dataset (it
    said ``hasPart`` the release and ``isPartOf`` https://w3id.org/bjaikg, read backwards)."""
    zenodo = json.loads((PROJECT_ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    relations = {item["identifier"]: item["relation"] for item in zenodo["related_identifiers"]}
    assert relations == {NEWEST.iri: "isIdenticalTo", DATASET_IRI: "isVersionOf"}


def test_the_readme_cites_the_newest_release() -> None:
    """The README's example citation names the newest release's version and IRI (1.24.0's
    first commit left the IRI of 1.23.4 beside the new version)."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    citation = readme[readme.index("## Citing") :]
    citation = citation[: citation.index("\n## ")]
    assert f"version {NEWEST.version}\n" in citation
    assert f"https://w3id.org/bjaikg/releases/{NEWEST.version}\n" in citation


def git(*arguments: str) -> str:
    return subprocess.run(
        ["git", *arguments], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout


def test_each_release_is_committed_with_the_citation_files_that_name_it() -> None:
    """The commit that adds a release folder is the one to tag ``vVERSION`` (docs/releases.md):
    its CITATION.cff and .zenodo.json name that release, so ``git show vVERSION:CITATION.cff``
    and an archive of the tag cite it. 1.0.0 came before both files."""
    for release in read_releases(PROJECT_ROOT / "releases")[:-1]:  # newest first; not 1.0.0
        added = f"releases/{release.version}/void.ttl"
        commit = git("log", "--diff-filter=A", "--format=%H", "--", added).split()[-1]
        citation = yaml.safe_load(git("show", f"{commit}:CITATION.cff"))
        assert citation["version"] == release.version, commit
        assert json.loads(git("show", f"{commit}:.zenodo.json"))["version"] == release.version
