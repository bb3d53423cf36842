"""Search over labels and alternative labels: ranking, languages, HTML and JSON answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bjaikg.interface.labels import LabelIndex, Name, build_label_index
from bjaikg.interface.search import MatchKind, search_labels
from bjaikg.namespaces import BJ, BJO
from bjaikg.store import load_knowledge_graph


def hits(client: TestClient, text: str) -> list[dict[str, str]]:
    answer = client.get("/search", params={"q": text, "format": "json"})
    assert answer.status_code == 200
    return answer.json()["hits"]


def test_exact_match_ranks_before_prefix_and_partial() -> None:
    index = LabelIndex(
        names={
            f"{BJ}partial": [Name("大型芯片组", "zh", True)],
            f"{BJ}prefix": [Name("芯片组", "zh", True)],
            f"{BJ}exact": [Name("芯片", "zh", True)],
            f"{BJ}alternative": [Name("Chip maker", "en", True), Name("芯片", "zh", False)],
        }
    )
    found = search_labels(index, "芯片", "zh")
    assert [hit.iri for hit in found] == [
        f"{BJ}exact",
        f"{BJ}alternative",
        f"{BJ}prefix",
        f"{BJ}partial",
    ]
    assert [hit.kind for hit in found] == [
        MatchKind.EXACT,
        MatchKind.EXACT,
        MatchKind.PREFIX,
        MatchKind.PARTIAL,
    ]


def test_a_deprecated_resource_ranks_after_every_other() -> None:
    index = LabelIndex(
        names={
            f"{BJ}merged": [Name("Ascend 910B (deprecated)", "en", True)],
            f"{BJ}live": [Name("Huawei Ascend 910B", "en", True)],
        },
        deprecated=frozenset({f"{BJ}merged"}),
    )
    found = search_labels(index, "Ascend 910B", "en")
    assert [(hit.iri, hit.deprecated) for hit in found] == [
        (f"{BJ}live", False),
        (f"{BJ}merged", True),
    ]


def test_shapes_are_not_hits() -> None:
    index = LabelIndex(
        names={
            "https://w3id.org/bjaikg/shapes#AIChip": [Name("AI chip", "en", True)],
            "https://w3id.org/bjaikg/ontology#AIChip": [Name("AI chip", "en", True)],
        }
    )
    found = search_labels(index, "AI chip", "en")
    assert [hit.address for hit in found] == ["/ontology#AIChip"]


def test_other_vocabularies_terms_are_not_hits() -> None:
    """They have labels for the pages that show them, and no page here: "Organization" found
    five schema.org and W3C terms in six hits on the project (helper L's report, session 38)."""
    index = LabelIndex(
        names={
            "https://schema.org/Organization": [Name("Organization", "en", True)],
            "http://www.w3.org/ns/org#Organization": [Name("Organization", "en", True)],
            f"{BJO}Organisation": [Name("organisation", "en", True)],
            f"{BJ}organization-x": [Name("Organization X", "en", True)],
        }
    )
    found = search_labels(index, "Organization", "en")
    assert [hit.address for hit in found] == ["/id/organization-x"]


def test_the_answer_says_how_many_matched(client: TestClient) -> None:
    answer = client.get("/search", params={"q": "测试", "format": "json"}).json()
    assert answer["total"] == len(answer["hits"]) > 3
    html = client.get("/search", params={"q": "测试", "lang": "en"}).text
    assert f'<p class="hint" role="status">{answer["total"]} found.</p>' in html


def test_chinese_and_english_labels_are_found(client: TestClient) -> None:
    chinese = hits(client, "测试芯片")
    assert chinese[0]["iri"] == "https://w3id.org/bjaikg/id/test-chip"
    assert chinese[0]["match"] == "exact"
    assert chinese[1]["iri"] == "https://w3id.org/bjaikg/id/test-chip-two"
    assert chinese[1]["match"] == "prefix"
    english = hits(client, "test chip")  # case-insensitive
    assert english[0]["iri"] == "https://w3id.org/bjaikg/id/test-chip"
    # the label shown is the page's language's, and says so (R5's finding 15, session 38)
    chip = "https://w3id.org/bjaikg/id/test-chip"
    for language in ("en", "zh"):
        answer = client.get("/search", params={"q": "测试芯片", "format": "json", "lang": language})
        [hit] = [hit for hit in answer.json()["hits"] if hit["iri"] == chip]
        assert (hit["labelLanguage"], hit["matchedLanguage"]) == (language, "zh")


def test_alternative_labels_are_found(client: TestClient) -> None:
    found = hits(client, "Test Quarter")
    assert found[0]["iri"] == "https://w3id.org/bjaikg/id/test-district"
    assert found[0]["matched"] == "Test Quarter"
    assert found[0]["address"] == "/id/test-district"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Zhipu AI", "zhipu"),
        ("Kunlunxin Baidu", "kunlunxin"),
        ("Megvii Inc", "megvii"),
        ("OPPO HealthLab", "oppo-health-lab"),  # a hidden label: the label is "OPPO Health Lab"
        ("Xi’an Jiaotong University", "xian-jiaotong-university"),
    ],
)
def test_an_organisation_is_found_by_the_name_epoch_ai_s_tables_give_it(
    project_client: TestClient, name: str, slug: str
) -> None:
    """Epoch AI's spelling (a row's Organization or Manufacturer cell), which is none of the
    organisation's labels ("Zhipu", "Kunlunxin", "Megvii Technology Limited")."""
    found = hits(project_client, name)
    assert found[0]["iri"] == f"https://w3id.org/bjaikg/id/{slug}"
    assert (found[0]["matched"], found[0]["match"]) == (name, "exact")


def test_a_name_stated_as_label_and_alternative_label_is_one_preferred_name(
    tmp_path: Path,
) -> None:
    """Epoch AI's spelling of an organisation may be its label too ("Tsinghua University"):
    the page lists it once, and a search matches it as the label."""
    path = tmp_path / "names.ttl"
    path.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://w3id.org/bjaikg/id/x> rdfs:label "Tsinghua University"@en ;\n'
        '    skos:altLabel "Tsinghua University"@en, "THU"@en .\n',
        encoding="utf-8",
    )
    index = build_label_index(load_knowledge_graph([path]))
    assert index.names["https://w3id.org/bjaikg/id/x"] == [
        Name("Tsinghua University", "en", True),
        Name("THU", "en", False),
    ]


def test_full_width_text_matches(client: TestClient) -> None:
    assert hits(client, "ＴＥＳＴ ＣＨＩＰ")[0]["iri"] == "https://w3id.org/bjaikg/id/test-chip"


def test_nothing_and_empty_find_nothing(client: TestClient) -> None:
    assert hits(client, "不存在的名字") == []
    assert hits(client, "   ") == []


def test_accept_json_gives_json(client: TestClient) -> None:
    answer = client.get("/search", params={"q": "测试"}, headers={"Accept": "application/json"})
    assert answer.headers["content-type"].startswith("application/json")
    assert len(answer.json()["hits"]) > 3


def test_html_answer_lists_hits_as_links(client: TestClient) -> None:
    answer = client.get("/search", params={"q": "测试芯片", "lang": "zh"})
    assert answer.headers["content-type"].startswith("text/html")
    html = answer.text
    assert html.index('href="/id/test-chip?lang=zh"') < html.index(
        'href="/id/test-chip-two?lang=zh"'
    )
    assert "完全匹配" in html
    assert 'value="测试芯片"' in html  # the box keeps the text


def test_unknown_format_is_406_and_an_empty_one_is_none(client: TestClient) -> None:
    assert client.get("/search", params={"q": "x", "format": "xml"}).status_code == 406
    assert client.get("/search", params={"q": "x", "format": ""}).status_code == 200


def test_a_whole_word_ranks_before_a_longer_word_and_a_thing_before_its_records() -> None:
    """UCL in "University College London (UCL)" before "UCLA" and "nucleotide"; a company
    before the page titled with its name and the site one source gives it."""
    index = LabelIndex(
        names={
            f"{BJ}ucla": [Name("UCLA Health", "en", True)],
            f"{BJ}nucleotide": [Name("Nucleotide prediction", "en", True)],
            f"{BJ}ucl": [
                Name("UCL", "en", False),
                Name("University College London (UCL)", "en", False),
            ],
            f"{BJ}page": [Name("ByteDance", "en", True)],
            f"{BJ}site": [Name("ByteDance headquarters", "en", True)],
            f"{BJ}company": [Name("字节跳动", "zh", True), Name("ByteDance", "en", False)],
        },
        types={
            f"{BJ}page": [str(BJO.WebPage), str(BJO.Source)],
            f"{BJ}site": ["http://www.w3.org/ns/org#Site"],
            f"{BJ}company": [str(BJO.Company)],
        },
    )
    assert [hit.iri for hit in search_labels(index, "ucl", "en")][:1] == [f"{BJ}ucl"]
    found = search_labels(index, "University College London", "en")
    assert [(hit.iri, hit.kind) for hit in found] == [(f"{BJ}ucl", MatchKind.WORD)]
    assert [hit.iri for hit in search_labels(index, "ucl", "en")] == [
        f"{BJ}ucl", f"{BJ}ucla", f"{BJ}nucleotide"
    ]  # fmt: skip
    assert [hit.iri for hit in search_labels(index, "bytedance", "en")] == [
        f"{BJ}company", f"{BJ}page", f"{BJ}site"
    ]  # fmt: skip


def test_latin_accents_are_ignored_and_japanese_voicing_marks_kept() -> None:
    index = LabelIndex(names={f"{BJ}udem": [Name("Université de Montréal", "fr", True)],
                              f"{BJ}ga": [Name("ガ", "ja", True)]})  # fmt: skip
    assert [hit.iri for hit in search_labels(index, "universite de montreal", "en")] == [
        f"{BJ}udem"
    ]
    assert search_labels(index, "カ", "en") == []
