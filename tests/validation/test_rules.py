"""Each quality and link rule with a failing and a passing case on inline Turtle, and the
implicit-prefix rule on query text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bjaikg.errors import QueryFileError
from bjaikg.query_catalogue import QUERY_FOLDER, parse_query_file
from bjaikg.validation import ValidationOptions, validate
from bjaikg.validation.finding import Severity
from bjaikg.validation.rules import (
    CHECK_FOLDER,
    check_query_prefixes,
    load_rules,
    parse_rule_file,
    undeclared_prefixes,
)
from tests.validation.conftest import SOURCED

PERSON = 'bj:someone a bjo:Person ; rdfs:label "某人"@zh, "someone"@en ; ' + SOURCED + " ."
CHIP = 'bj:{slug} a bjo:AIChip ; rdfs:label "{zh}"@zh, "{en}"@en ; ' + SOURCED + " ."
OBSERVATION = (
    'bj:figure a bjo:Observation ; rdfs:label "数字"@zh, "figure"@en ; '
    "bjo:indicator bjo:AICoreIndustryScale ; {extra} " + SOURCED + " ."
)
MEETING = (
    'bj:article a bjo:SourceDocument ; rdfs:label "报道"@zh, "article"@en ; '
    'schema:datePublished "2026-01-06"^^xsd:date ; ' + SOURCED + " .\n"
    'bj:meeting a bjo:Meeting ; rdfs:label "会议"@zh, "meeting"@en ; '
    'schema:startDate "{date}"^^xsd:date ; prov:wasDerivedFrom bj:article ; '
    'bjo:quote "北京"@zh ; bjo:paragraph 1 .'
)
PERIOD = 'bjo:period "2025"^^xsd:gYear ;'
UNIT = "sdmx-attribute:unitMeasure unit:NUM ;"
ISSUANCE = (
    'bj:{slug} a bjo:PolicyIssuance ; rdfs:label "{slug}"@en ; bjo:issuanceOf bj:plan ; '
    "prov:wasDerivedFrom bj:source-test .\n"
)
PAGE = (
    'bj:{slug} a bjo:WebPage ; schema:url <https://example.org/page> ; dcterms:title "page"@en ; '
    'bjo:dateRetrieved "2026-12-06"^^xsd:date .\n'
)

PAGE_QUOTED = (
    "bj:page-a a bjo:WebPage ; schema:url <https://example.org/a> .\n"
    'bj:body prov:wasDerivedFrom bj:page-a ; bjo:quote "{quote}"@{language} .'
)

TWO_PAGES = "".join(
    f"bj:page-{slug} a bjo:WebPage ; schema:url <https://example.org/{slug}> .\n" for slug in "ab"
)

CASES: dict[str, tuple[str, str]] = {
    # rule id: (Turtle with exactly the problem, the same data without it)
    "quality.undeclared-term": (
        PERSON + "\nbj:someone bjo:locatedInn bj:someone .",
        PERSON + "\nbj:someone bjo:locatedIn bj:someone .",
    ),
    "quality.missing-label": (
        'bjo:NewThing a owl:Class ; rdfs:label "new thing"@en ; skos:definition "x"@en .',
        'bjo:NewThing a owl:Class ; rdfs:label "new thing"@en, "新事物"@zh ; '
        'skos:definition "x"@en .',
    ),
    "quality.missing-definition": (
        'bjo:NewThing a owl:Class ; rdfs:label "new thing"@en, "新事物"@zh .',
        'bjo:NewThing a owl:Class ; rdfs:label "new thing"@en, "新事物"@zh ; '
        'skos:definition "A new thing."@en .',
    ),
    "quality.duplicate-label": (
        CHIP.format(slug="chip-a", zh="芯片", en="chip a")
        + CHIP.format(slug="chip-b", zh="芯片", en="chip b"),
        CHIP.format(slug="chip-a", zh="芯片甲", en="chip a")
        + CHIP.format(slug="chip-b", zh="芯片乙", en="chip b"),
    ),
    "quality.punning": (
        'bjo:Thing2 a owl:Class, owl:ObjectProperty ; rdfs:label "t"@en, "t"@zh ; '
        'skos:definition "t"@en .',
        'bjo:Thing2 a owl:Class ; rdfs:label "t"@en, "t"@zh ; skos:definition "t"@en .',
    ),
    "quality.label-whitespace": (
        CHIP.format(slug="chip-a", zh="芯片 ", en="chip a"),
        CHIP.format(slug="chip-a", zh="芯片", en="chip a"),
    ),
    "quality.chinese-in-english-label": (
        CHIP.format(slug="chip-a", zh="昇腾 910", en="Ascend (昇腾) 910"),
        CHIP.format(slug="chip-a", zh="昇腾 910", en="Ascend 910"),
    ),
    "quality.article-fact-without-quote": (
        'bj:someone a bjo:Person ; rdfs:label "某人"@zh, "someone"@en ; '
        "prov:wasDerivedFrom bj:source-test .",
        PERSON,
    ),
    "quality.sources-disagree": (
        CHIP.format(slug="chip-a", zh="芯片", en="chip a")
        + '\nbj:chip-a bjo:releaseDate "2021-11-03"^^xsd:date, "2022-03-21"^^xsd:date .',
        CHIP.format(slug="chip-a", zh="芯片", en="chip a")
        + '\nbj:chip-a bjo:releaseDate "2021-11-03"^^xsd:date .',
    ),
    "quality.dangling-reference": (
        PERSON + "\nbj:someone bjo:locatedIn bj:nowhere .",
        PERSON + "\nbj:someone bjo:locatedIn bj:someone .",
    ),
    "quality.statistic-without-unit": (
        OBSERVATION.format(extra=PERIOD),
        OBSERVATION.format(
            extra='bjo:period "2025"^^xsd:gYear ; sdmx-attribute:unitMeasure unit:NUM ;'
        ),
    ),
    "quality.statistic-without-period": (
        OBSERVATION.format(extra=UNIT),
        OBSERVATION.format(
            extra='bjo:period "2025"^^xsd:gYear ; sdmx-attribute:unitMeasure unit:NUM ;'
        ),
    ),
    "quality.date-after-source": (
        MEETING.format(date="2026-02-01"),
        MEETING.format(date="2026-01-05"),
    ),
    "links.iri-wikidata": (
        PERSON + "\nbj:someone skos:exactMatch <https://www.wikidata.org/wiki/Q1> .",
        PERSON + "\nbj:someone skos:exactMatch <http://www.wikidata.org/entity/Q1> .",
    ),
    "links.iri-geonames": (
        PERSON + "\nbj:someone skos:exactMatch <http://sws.geonames.org/1> .",
        PERSON + "\nbj:someone skos:exactMatch <http://sws.geonames.org/1/> .",
    ),
    "quality.deprecated-without-replacement": (
        PERSON + '\nbj:gone owl:deprecated true ; rdfs:label "旧"@zh, "old"@en .',
        PERSON
        + '\nbj:gone owl:deprecated true ; dcterms:isReplacedBy bj:someone ; rdfs:label "旧"@zh, '
        '"old"@en .',
    ),
    "quality.deprecated-typed": (
        PERSON + "\nbj:gone a bjo:Person ; owl:deprecated true ; dcterms:isReplacedBy bj:someone .",
        PERSON + "\nbj:gone a owl:Thing ; owl:deprecated true ; dcterms:isReplacedBy bj:someone .",
    ),
    "quality.row-number-repeated": (
        PERSON + "\nbj:row-a a bjo:SourceRecord ; dcterms:isPartOf bj:table ; csvw:rownum 5 ."
        "\nbj:row-b a bjo:SourceRecord ; dcterms:isPartOf bj:table ; csvw:rownum 5 .",
        PERSON + "\nbj:row-a a bjo:SourceRecord ; dcterms:isPartOf bj:table ; csvw:rownum 5 ."
        "\nbj:row-b a bjo:SourceRecord ; dcterms:isPartOf bj:table ; csvw:rownum 6 .",
    ),
    "quality.duplicate-page": (
        PAGE.format(slug="page-a") + PAGE.format(slug="page-b"),
        PAGE.format(slug="page-a")
        + PAGE.format(slug="page-b")
        + "\nbj:page-b owl:deprecated true ; dcterms:isReplacedBy bj:page-a .",
    ),
    "quality.statement-repeated": (
        PERSON + "\nbjo:Person a owl:Class .",
        PERSON,
    ),
    "quality.issuance-source-repeated": (
        ISSUANCE.format(slug="issuance-a") + ISSUANCE.format(slug="issuance-b"),
        ISSUANCE.format(slug="issuance-a"),
    ),
    "quality.chip-support-unstated": (
        CHIP.format(slug="chip-a", zh="芯片", en="chip a")
        + "\nbj:model bjo:supportsChip bj:chip-a .",
        CHIP.format(slug="chip-a", zh="芯片", en="chip a")
        + "\nbj:model bjo:supportsChip bj:chip-a .\n"
        + "bj:support a bjo:ChipSupport ; bjo:supportingProduct bj:model ; "
        + "bjo:supportedChip bj:chip-a .",
    ),
    "quality.link-unstated": (
        PERSON + "\nbj:someone skos:exactMatch <http://www.wikidata.org/entity/Q1> .",
        PERSON
        + "\nbj:someone skos:exactMatch <http://www.wikidata.org/entity/Q1> .\n"
        + "bj:link a bjo:LinkStatement ; bjo:linkedEntity bj:someone ; "
        + "bjo:statedMatch <http://www.wikidata.org/entity/Q1> .",
    ),
    "quality.chip-generation-unstated": (
        CHIP.format(slug="card", zh="加速卡", en="card")
        + CHIP.format(slug="generation", zh="代际", en="generation")
        + "\nbj:card bjo:chipGeneration bj:generation .",
        CHIP.format(slug="card", zh="加速卡", en="card")
        + CHIP.format(slug="generation", zh="代际", en="generation")
        + "\nbj:card bjo:chipGeneration bj:generation .\n"
        + "bj:statement a bjo:ChipGenerationStatement ; bjo:statedCard bj:card ; "
        + "bjo:statedGeneration bj:generation .",
    ),
    "quality.chip-outside-its-family": (
        CHIP.format(slug="chip-a", zh="芯片", en="chip a")
        + "\nbj:chip-a bjo:designedBy bj:designer .\n"
        + 'bj:family a bjo:ChipFamily ; rdfs:label "系列"@zh, "family"@en ; '
        + "bjo:designedBy bj:designer .",
        CHIP.format(slug="chip-a", zh="芯片", en="chip a")
        + "\nbj:chip-a bjo:designedBy bj:designer .\n"
        + 'bj:family a bjo:ChipFamily ; rdfs:label "系列"@zh, "family"@en ; '
        + "bjo:designedBy bj:designer ; bjo:familyMember bj:chip-a .",
    ),
    "quality.quote-unpaired": (
        TWO_PAGES + 'bj:body prov:wasDerivedFrom bj:page-a, bj:page-b ; bjo:quote "a"@en .',
        TWO_PAGES
        + "bj:body prov:wasDerivedFrom bj:page-a, bj:page-b ;"
        + ' prov:qualifiedDerivation [ prov:entity bj:page-a ; bjo:quote "a"@en ] ,'
        + ' [ prov:entity bj:page-b ; bjo:quote "b"@en ] .',
    ),
    "quality.quote-several-sentences": (
        PAGE_QUOTED.format(quote="北京举办推进会。会议发布了规划", language="zh"),
        PAGE_QUOTED.format(quote="北京举办推进会。", language="zh"),
    ),
    "quality.untyped-entity": (
        PERSON + '\nbj:thing rdfs:label "物"@zh, "thing"@en .',
        PERSON + '\nbj:thing a bjo:Person ; rdfs:label "物"@zh, "thing"@en .',
    ),
    "quality.undeclared-external-term": (
        PERSON + "\nbj:someone org:hasPrimarySit bj:someone .",
        PERSON + "\nbj:someone org:hasPrimarySite bj:someone .",
    ),
    "quality.label-language": (
        PERSON + '\nbj:someone rdfs:label "某人甲"@zh-CN .',
        PERSON + '\nbj:someone skos:altLabel "某人甲"@zh-CN .',
    ),
    "links.identifier-outside-links-file": (
        PERSON + "\nbj:someone skos:exactMatch <http://www.wikidata.org/entity/Q1> .",
        PERSON + "\nbj:someone skos:exactMatch <https://example.org/someone> .",
    ),
    "quality.disjoint-types": (
        PERSON + "\nbj:thing a bjo:Person, bjo:Place .",
        PERSON + "\nbj:thing a bjo:Person .",
    ),
    "quality.similar-label": (
        CHIP.format(slug="chip-a", zh="甲芯片", en="Alpha AI")
        + CHIP.format(slug="chip-b", zh="乙芯片", en="alpha"),
        CHIP.format(slug="chip-a", zh="甲芯片", en="Alpha AI")
        + CHIP.format(slug="chip-b", zh="乙芯片", en="Beta"),
    ),
    "links.iri-ror": (
        PERSON + "\nbj:someone skos:exactMatch <https://ror.org/0abcdeXYZ> .",
        PERSON + "\nbj:someone skos:exactMatch <https://ror.org/0abcdef12> .",
    ),
}
"""The ROR, GeoNames and Wikidata identifiers above are made-up values that test the form only."""


def rules_found(path: Path) -> set[str]:
    """The rules that fire on a self-contained case (without the project's instances, which
    would only cost time)."""
    options = ValidationOptions(
        paths=(path,), checks=frozenset({"parse", "quality", "links"}), with_instances=False
    )
    return {finding.rule for finding in validate(options).findings}


def test_every_rule_file_has_a_case() -> None:
    rule_ids = {rule.id for check in ("quality",) for rule in load_rules(check)}
    rule_ids |= {rule.id for rule in load_rules("links") if rule.id.startswith("links.iri-")}
    rule_ids.add("links.identifier-outside-links-file")
    assert rule_ids <= set(CASES), sorted(rule_ids - set(CASES))


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_finds_the_problem(rule_id: str, turtle_file: Callable[..., Path]) -> None:
    assert rule_id in rules_found(turtle_file(CASES[rule_id][0]))


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_passes_clean_data(rule_id: str, turtle_file: Callable[..., Path]) -> None:
    assert rule_id not in rules_found(turtle_file(CASES[rule_id][1]))


def test_a_date_after_the_day_its_page_was_read_is_found_and_a_source_s_date_is_declared(
    turtle_file: Callable[..., Path],
) -> None:
    """No source of the project states when it was published; every page, when it was read."""
    meeting = (
        'bj:meeting a bjo:Meeting ; rdfs:label "会议"@zh, "meeting"@en ; '
        'schema:startDate "{date}"^^xsd:date ; prov:wasDerivedFrom bj:page-a .'
    )
    found = rules_found(turtle_file(PAGE.format(slug="page-a") + meeting.format(date="2026-12-07")))
    assert "quality.date-after-source" in found
    found = rules_found(turtle_file(PAGE.format(slug="page-a") + meeting.format(date="2026-12-06")))
    assert "quality.date-after-source" not in found
    # the property the shapes and this rule read for a source's date is not an unknown term
    assert "quality.undeclared-external-term" not in rules_found(
        turtle_file(CASES["quality.date-after-source"][0])
    )


@pytest.mark.parametrize(
    "namespace", ["https://w3id.org/bjaikg/ontologie#", "http://w3id.org/bjaikg/ontology#"]
)
def test_a_mistyped_ontology_namespace_is_an_undeclared_term(
    namespace: str, turtle_file: Callable[..., Path]
) -> None:
    """Nothing else reports it: no shape targets a node of a class outside the ontology."""
    company = f"bj:new a <{namespace}Company> ; <{namespace}locatedIn> bj:beijing ."
    path = turtle_file(company)
    options = ValidationOptions(paths=(path,), checks=frozenset({"parse", "quality"}),
                                with_instances=False)  # fmt: skip
    found = {(f.rule, f.value) for f in validate(options).findings}
    assert {
        ("quality.undeclared-term", f"<{namespace}Company>"),
        ("quality.undeclared-term", f"<{namespace}locatedIn>"),
    } <= found


def test_a_label_that_is_another_s_alternative_name_is_a_duplicate_naming_the_other(
    turtle_file: Callable[..., Path],
) -> None:
    """Epoch AI's "Zhipu AI" is bj:zhipu's alternative name: a new bj:zhipu-ai labelled so is
    the same company entered twice. Two alternative names alike are not (a shared acronym)."""
    known = (
        'bj:zhipu a bjo:Company ; rdfs:label "Zhipu"@en ; skos:altLabel "Zhipu AI"@en, "GLM"@en .\n'
    )
    path = turtle_file(
        known + 'bj:zhipu-ai a bjo:Company ; rdfs:label "Zhipu AI"@en ; skos:altLabel "GLM"@en .'
    )
    options = ValidationOptions(paths=(path,), checks=frozenset({"parse", "quality"}),
                                with_instances=False)  # fmt: skip
    found = [f for f in validate(options).findings if f.rule == "quality.duplicate-label"]
    assert sorted((f.focus, f.path, f.value, f.message) for f in found) == [
        (
            "<https://w3id.org/bjaikg/id/zhipu-ai>",
            "<http://www.w3.org/2000/01/rdf-schema#label>",
            '"Zhipu AI"@en',
            "Another resource, <https://w3id.org/bjaikg/id/zhipu>, has this name as its "
            "alternative name.",
        ),
        (
            "<https://w3id.org/bjaikg/id/zhipu>",
            "<http://www.w3.org/2004/02/skos/core#altLabel>",
            '"Zhipu AI"@en',
            "Another resource, <https://w3id.org/bjaikg/id/zhipu-ai>, has this name as its label.",
        ),
    ]


ONTOLOGY = "https://w3id.org/bjaikg/ontology#"


@pytest.mark.parametrize(
    ("statement", "focus", "message"),
    [
        ("bj:someone a bjo:Place .", "someone",
         f"It is a <{ONTOLOGY}Person> and a <{ONTOLOGY}Place>"),
        ("bj:firm bjo:locatedIn bj:someone .", "firm",
         f"The range of the property makes the value a <{ONTOLOGY}Place>, but it is a "
         f"<{ONTOLOGY}Person>"),
        ("bj:someone bjo:developedBy bj:firm .", "someone",
         f"The domain of the property makes the subject a <{ONTOLOGY}Product>, but it is a "
         f"<{ONTOLOGY}Person>"),
    ],
)  # fmt: skip
def test_disjoint_types_are_found_by_type_by_range_and_by_domain(
    turtle_file: Callable[..., Path], statement: str, focus: str, message: str
) -> None:
    path = turtle_file(PERSON + "\n" + statement)
    options = ValidationOptions(paths=(path,), checks=frozenset({"parse", "quality"}),
                                with_instances=False)  # fmt: skip
    found = [f for f in validate(options).findings if f.rule == "quality.disjoint-types"]
    assert [(f.focus, f.message) for f in found] == [
        (f"<https://w3id.org/bjaikg/id/{focus}>", f"{message}, declared disjoint.")
    ]


def test_finding_points_to_the_statement_in_the_subject_block(
    turtle_file: Callable[..., Path],
) -> None:
    path = turtle_file(PERSON + "\n\nbj:other a bjo:Person ;\n    bjo:locatedIn bj:nowhere .")
    options = ValidationOptions(paths=(path,), checks=frozenset({"parse", "quality"}))
    [finding] = [f for f in validate(options).findings if f.rule == "quality.dangling-reference"]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[finding.line - 1] == "    bjo:locatedIn bj:nowhere ." if finding.line else False
    assert finding.focus == "<https://w3id.org/bjaikg/id/other>"


PAGE_A = "bj:page-a a bjo:WebPage ; schema:url <https://example.org/a> .\n"
ARTICLE = 'bj:article a bjo:SourceDocument ; bjo:sourceFile "beijing-ai-first-city.zh.txt" .\n'


@pytest.mark.parametrize(
    ("turtle", "unpaired"),
    [
        # the article's quote on the node, the page's on its derivation: paired
        (
            ARTICLE + PAGE_A + "bj:body prov:wasDerivedFrom bj:article, bj:page-a ;"
            ' bjo:quote "北京"@zh ; bjo:paragraph 1 ; prov:qualifiedDerivation'
            ' [ prov:entity bj:page-a ; bjo:quote "a"@en ] .',
            set(),
        ),
        # one page and a dataset row: the node's quote is the page's
        (
            PAGE_A
            + "bj:row a bjo:SourceRecord .\n"
            + 'bj:body prov:wasDerivedFrom bj:page-a, bj:row ; bjo:quote "a"@en .',
            set(),
        ),
        # a quote left on a node that pairs its page's quotes: whose is it?
        (
            PAGE_A + 'bj:body prov:wasDerivedFrom bj:page-a ; bjo:quote "b"@en ;'
            ' prov:qualifiedDerivation [ prov:entity bj:page-a ; bjo:quote "a"@en ] .',
            {'"b"@en'},
        ),
        # the article's quotes are not paired through a derivation (their paragraphs pair them)
        (
            ARTICLE + "bj:body prov:wasDerivedFrom bj:article ;"
            ' prov:qualifiedDerivation [ prov:entity bj:article ; bjo:quote "北京"@zh ] .',
            {"<https://w3id.org/bjaikg/id/article>"},
        ),
        # a derivation of a page the node does not cite
        (
            TWO_PAGES + "bj:body prov:wasDerivedFrom bj:page-a ;"
            ' prov:qualifiedDerivation [ prov:entity bj:page-b ; bjo:quote "b"@en ] .',
            {"<https://w3id.org/bjaikg/id/page-b>"},
        ),
        # a page without a quote of its own
        (
            TWO_PAGES + "bj:body prov:wasDerivedFrom bj:page-a, bj:page-b ;"
            ' prov:qualifiedDerivation [ prov:entity bj:page-a ; bjo:quote "a"@en ] .',
            {"<https://w3id.org/bjaikg/id/page-b>"},
        ),
        # two pages and a quote on the node: whose is it? (and neither page is paired)
        (
            TWO_PAGES + 'bj:body prov:wasDerivedFrom bj:page-a, bj:page-b ; bjo:quote "a"@en .',
            {
                '"a"@en',
                "<https://w3id.org/bjaikg/id/page-a>",
                "<https://w3id.org/bjaikg/id/page-b>",
            },
        ),
    ],
)
def test_what_the_pairing_rule_finds_and_lets_through(
    turtle_file: Callable[..., Path], turtle: str, unpaired: set[str]
) -> None:
    options = ValidationOptions(
        paths=(turtle_file(turtle),), checks=frozenset({"parse", "quality"}), with_instances=False
    )
    found = [f.value for f in validate(options).findings if f.rule == "quality.quote-unpaired"]
    assert sorted(found) == sorted(unpaired)


@pytest.mark.parametrize(
    ("quote", "language", "several"),
    [
        # Chinese and Japanese: 。！？ followed by more text
        ("北京举办推进会。会议发布了规划", "zh", True),
        ("会议发布了规划！还有成果", "zh", True),
        ("東京で開催された。会議は", "ja", True),
        ("北京举办“推进会”。", "zh", False),  # a sentence end, then only a closing mark
        ("会议发布了规划。”", "zh", False),
        ("北京市海淀区长春桥路17号;", "zh", False),
        # English, German, French: . ! ? followed by a space and an upper-case letter
        ("Issued March 7, 2025. Effective September 1, 2025.", "en", True),
        ("It was issued! The plan follows.", "en", True),
        ('He said "we agree." Then he left.', "en", True),
        ("Die Stadt wächst. Sie plant mehr.", "de", True),
        ("Elle est privée. Elle est à Stanford.", "fr", True),
        ("Issued March 7, 2025.", "en", False),
        ("One sentence. and then lower case", "en", False),
        ("Version 2.0 of the list", "en", False),
        # abbreviations and initials are not sentence ends
        ("Huawei Technologies Co. Ltd. Is a company", "en", False),
        ("The order (Order No. 15) was issued", "en", False),
        ("Michael I. Jordan and Jeannette M. Wing joined", "en", False),
        ("about 142.5 billion U.S. Dollars", "en", False),
        ("Weijin Road, Tianjin, P.R. China", "en", False),
        ("Dongchuan RD. Minhang District", "en", False),
        ("chips, e.g. Ascend and Kunlun", "en", False),
        ("Am 21. März eröffnet", "de", False),  # a German ordinal
    ],
)
def test_what_the_several_sentences_rule_finds_and_lets_through(
    turtle_file: Callable[..., Path], quote: str, language: str, several: bool
) -> None:
    turtle = PAGE_QUOTED.format(quote=quote.replace('"', '\\"'), language=language)
    options = ValidationOptions(
        paths=(turtle_file(turtle),), checks=frozenset({"parse", "quality"}), with_instances=False
    )
    rules = {f.rule for f in validate(options).findings}
    assert ("quality.quote-several-sentences" in rules) is several


def test_the_several_sentences_rule_reads_the_quotes_of_a_derivation(
    turtle_file: Callable[..., Path],
) -> None:
    turtle = (
        TWO_PAGES + "bj:body prov:wasDerivedFrom bj:page-a, bj:page-b ; prov:qualifiedDerivation"
        ' [ prov:entity bj:page-a ; bjo:quote "One. Two."@en ],'
        ' [ prov:entity bj:page-b ; bjo:quote "One."@en ] .'
    )
    options = ValidationOptions(
        paths=(turtle_file(turtle),), checks=frozenset({"parse", "quality"}), with_instances=False
    )
    found = [
        (f.focus, f.value, f.severity)
        for f in validate(options).findings
        if f.rule == "quality.quote-several-sentences"
    ]
    assert found == [("<https://w3id.org/bjaikg/id/body>", '"One. Two."@en', Severity.WARNING)]


def test_problems_of_the_context_ontology_are_not_reported(
    turtle_file: Callable[..., Path],
) -> None:
    # Validating someone's file reports nothing about the project's own ontology.
    found = {f.file for f in validate(ValidationOptions(paths=(turtle_file(PERSON),))).findings}
    assert all(not file.startswith("ontology/") for file in found)


def test_undeclared_prefixes_ignore_iris_strings_and_comments() -> None:
    text = (
        "PREFIX a: <http://x/>\n# rdfs:comment in a comment\n"
        'SELECT * WHERE { ?s a:p "x:y" , <http://z/w:q> ; rdfs:label ?l . ?l :x ?y }'
    )
    assert undeclared_prefixes(text) == [("rdfs", 3, 50), ("", 3, 69)]


def test_implicit_prefix_rule_names_the_query_file(tmp_path: Path) -> None:
    (tmp_path / "good.rq").write_text("PREFIX rdfs: <http://x/>\nSELECT * { ?s rdfs:label ?o }")
    (tmp_path / "bad.rq").write_text("SELECT * {\n  ?s rdfs:label ?o }")
    [finding] = check_query_prefixes(tmp_path)
    assert (finding.rule, finding.file.endswith("bad.rq"), finding.line) == (
        "quality.implicit-prefix",
        True,
        2,
    )


def test_project_queries_declare_their_prefixes() -> None:
    assert check_query_prefixes() == []


def test_rule_file_with_bad_header_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.rq"
    path.write_text("#+ id: quality.x\n#+ severity: fatal\nSELECT ?focus WHERE {}")
    with pytest.raises(QueryFileError, match=r"broken\.rq"):
        parse_rule_file(path, "quality")


def test_rule_with_invalid_sparql_is_an_error(
    tmp_path: Path, turtle_file: Callable[..., Path]
) -> None:
    folder = tmp_path / "checks" / "quality"
    folder.mkdir(parents=True)
    header = "".join(
        f"#+ {key}: {value}\n"
        for key, value in [
            ("id", "quality.broken"),
            ("severity", "warning"),
            ("message.en", "x"),
            ("message.zh", "x"),
            ("hint", "x"),
        ]
    )
    (folder / "broken.rq").write_text(header + "SELECT ?focus WHERE { ?focus ex:p ?o }")
    options = ValidationOptions(
        paths=(turtle_file(PERSON),),
        checks=frozenset({"parse", "quality"}),
        rule_folder=tmp_path / "checks",
    )
    with pytest.raises(QueryFileError, match=r"broken\.rq: invalid SPARQL"):
        validate(options)


def test_rule_catalogue_folder_exists() -> None:
    assert (CHECK_FOLDER / "quality").is_dir() and load_rules("quality")


TWO_SITES = (
    'bj:city-a a bjo:City ; rdfs:label "甲市"@zh, "city a"@en ; ' + SOURCED + " .\n"
    'bj:city-b a bjo:City ; rdfs:label "乙市"@zh, "city b"@en ; ' + SOURCED + " .\n"
    'bj:firm a bjo:Company ; rdfs:label "公司"@zh, "firm"@en ; ' + SOURCED + " ;\n"
    "    org:hasPrimarySite bj:firm-in-a, bj:firm-in-b .\n"
    'bj:firm-in-a a org:Site ; rdfs:label "公司（甲市）"@zh, "firm, city a"@en ; '
    "org:siteOf bj:firm ; bjo:locatedIn bj:city-a ; {rank_a} " + SOURCED + " .\n"
    'bj:firm-in-b a org:Site ; rdfs:label "公司（乙市）"@zh, "firm, city b"@en ; '
    "org:siteOf bj:firm ; bjo:locatedIn bj:city-b ; {rank_b} " + SOURCED + " .\n"
)
PREFERRED = (
    'wikibase:rank wikibase:PreferredRank ; bjo:rankReason "a third source agrees"@en ; '
    "bjo:rankSource bj:source-test ;"
)
NORMAL = "wikibase:rank wikibase:NormalRank ;"
SITE_CHECKS = frozenset({"parse", "shacl", "quality"})
"""The sites' cases are self-contained: they are checked without the project's instances (as
:func:`rules_found` does), which would only cost time."""


@pytest.mark.parametrize(
    ("rank_a", "rank_b", "warned"),
    [
        ("", "", True),  # nobody ranked the disagreement
        (NORMAL, NORMAL, True),  # ranked, but neither preferred
        (PREFERRED, PREFERRED.replace("third", "fourth"), True),  # both preferred: unresolved
        (PREFERRED, NORMAL, False),  # reviewed: one preferred with its reason
        (NORMAL, PREFERRED, False),
    ],
)
def test_only_disagreements_nobody_ranked_are_warned_about(
    turtle_file: Callable[..., Path], rank_a: str, rank_b: str, warned: bool
) -> None:
    path = turtle_file(TWO_SITES.format(rank_a=rank_a, rank_b=rank_b))
    options = ValidationOptions(paths=(path,), checks=SITE_CHECKS, with_instances=False)
    findings = validate(options).findings
    assert [f.rule for f in findings if f.severity is Severity.VIOLATION] == []
    assert ("quality.sources-disagree" in {f.rule for f in findings}) is warned


DISTRICT_SITE = (
    'bj:district-a a bjo:AdministrativeDistrict ; rdfs:label "甲区"@zh, "district a"@en ; '
    "geo:sfWithin bj:city-a ; " + SOURCED + " .\n"
    "bj:firm org:hasPrimarySite bj:firm-in-district-a .\n"
    'bj:firm-in-district-a a org:Site ; rdfs:label "公司（甲区）"@zh, "firm, district a"@en ; '
    "org:siteOf bj:firm ; bjo:locatedIn bj:district-a ; {rank} " + SOURCED + " .\n"
)


@pytest.mark.parametrize(("rank", "warned"), [(PREFERRED, False), (NORMAL, True)])
def test_a_preferred_site_ranks_the_sites_of_the_places_containing_it(
    turtle_file: Callable[..., Path], rank: str, warned: bool
) -> None:
    """A firm placed in city a (a page naming the city), in district a of city a (a page naming
    the district, preferred) and in city b: the district's preferred site settles city a against
    city b too, so the rule warns only when no site in city a is preferred."""
    sites = TWO_SITES.format(rank_a=NORMAL, rank_b=NORMAL) + DISTRICT_SITE.format(rank=rank)
    options = ValidationOptions(
        paths=(turtle_file(sites),), checks=SITE_CHECKS, with_instances=False
    )
    findings = validate(options).findings
    assert [f.rule for f in findings if f.severity is Severity.VIOLATION] == []
    assert ("quality.sources-disagree" in {f.rule for f in findings}) is warned


def test_a_disagreement_is_warned_about_with_both_places(
    turtle_file: Callable[..., Path],
) -> None:
    path = turtle_file(TWO_SITES.format(rank_a="", rank_b=""))
    options = ValidationOptions(
        paths=(path,), checks=frozenset({"parse", "quality"}), with_instances=False
    )
    warned = [f for f in validate(options).findings if f.rule == "quality.sources-disagree"]
    assert [(f.focus, f.path, f.value, f.message) for f in warned] == [
        (
            "<https://w3id.org/bjaikg/id/firm>",
            "<http://www.w3.org/ns/org#hasPrimarySite>",
            "<https://w3id.org/bjaikg/id/firm-in-a>",
            "Sources place the headquarters in https://w3id.org/bjaikg/id/city-a and in "
            "https://w3id.org/bjaikg/id/city-b",
        )
    ]


def test_the_disagreement_rule_is_the_named_querys_pattern() -> None:
    """quality.sources-disagree takes its headquarters pattern from headquarters-disagreements
    instead of a copy, so a change of the rule in one changes it in the other."""
    rule = next(r for r in load_rules("quality") if r.id == "quality.sources-disagree")
    named = parse_query_file(QUERY_FOLDER / "headquarters-disagreements.rq").text
    pattern = named[named.index("  # begin pattern sites-apart") : named.index("# end pattern")]
    assert "geo:sfWithin" in pattern
    assert pattern in rule.query
    rule_text = rule.path.read_text(encoding="utf-8")
    copied = [line for line in pattern.splitlines() if "geo:sfWithin" in line and line in rule_text]
    assert copied == []


def test_a_pattern_is_inserted_from_the_named_query(tmp_path: Path) -> None:
    folder = tmp_path / "checks" / "quality"
    folder.mkdir(parents=True)
    (tmp_path / "named.rq").write_text(
        "SELECT * WHERE {\n  # begin pattern p\n  ?a ?b ?c .\n  # end pattern p\n}\n"
    )
    header = "".join(
        f"#+ {key}: quality.x\n" if key == "id" else f"#+ {key}: warning\n"
        for key in ("id", "severity", "message.en", "message.zh", "hint")
    )
    rule_file = folder / "x.rq"
    rule_file.write_text(header + "SELECT ?focus WHERE {\n  # insert pattern p from named.rq\n}\n")
    assert "  ?a ?b ?c .\n" in parse_rule_file(rule_file, "quality").query
    rule_file.write_text(header + "SELECT ?focus WHERE {\n  # insert pattern q from named.rq\n}\n")
    with pytest.raises(QueryFileError, match=r"x\.rq:7: .*named\.rq has no pattern 'q'"):
        parse_rule_file(rule_file, "quality")


def test_a_misspelt_row_number_is_an_undeclared_external_term(
    turtle_file: Callable[..., Path],
) -> None:
    record = "\nbj:someone <http://www.w3.org/ns/csvw#{name}> 7 ."
    assert "quality.undeclared-external-term" in rules_found(
        turtle_file(PERSON + record.format(name="rowNum"))
    )
    assert "quality.undeclared-external-term" not in rules_found(
        turtle_file(PERSON + record.format(name="rownum"))
    )


def test_a_hidden_label_is_checked_as_the_other_labels_are(
    turtle_file: Callable[..., Path],
) -> None:
    # searched like any name, so held to the same form (review R3: anything passed)
    found = rules_found(
        turtle_file(PERSON + '\nbj:someone skos:hiddenLabel "Some one "@en, "某个人"@en .')
    )
    assert {"quality.label-whitespace", "quality.chinese-in-english-label"} <= found


def test_a_property_labelled_as_another_vocabularys_property_is_a_duplicate(
    turtle_file: Callable[..., Path],
) -> None:
    """A page showing both would name two properties alike (bjo:contains and GeoSPARQL's
    sfContains were both "contains", session 38), whatever kind of OWL property each is (R7:
    the rule first compared properties of one kind); a class labelled as the external class it
    narrows is no such case (its page names one type)."""
    path = turtle_file(
        "@prefix ex: <http://example.org/vocabulary#> .\n"
        "@prefix schema: <https://schema.org/> .\n"
        'ex:encloses a owl:DatatypeProperty ; rdfs:label "encloses"@en .\n'
        'bjo:holds a owl:ObjectProperty ; rdfs:label "encloses"@en, "持有"@zh .\n'
        'schema:Product a owl:Class ; rdfs:label "货品"@zh .\n'
        'bjo:Good a owl:Class ; rdfs:subClassOf schema:Product ; rdfs:label "货品"@zh .'
    )
    options = ValidationOptions(paths=(path,), checks=frozenset({"parse", "quality"}),
                                with_instances=False)  # fmt: skip
    found = [f for f in validate(options).findings if f.rule == "quality.duplicate-label"]
    assert [(f.focus, f.value) for f in found] == [
        ("<https://w3id.org/bjaikg/ontology#holds>", '"encloses"@en')
    ]
