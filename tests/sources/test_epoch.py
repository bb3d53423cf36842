"""The Epoch AI transform and the organisation mapping: the committed files are what the
transform makes of the snapshots (no drift), the scope and identity rules hold on real rows,
and a bad mapping row is refused with its file and line."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import CSVW, DCTERMS, PROV, XSD

from bjaikg import PROJECT_ROOT
from bjaikg.errors import DataFileError
from bjaikg.namespaces import BJ, BJO, PREFIXES
from bjaikg.sources.epoch import (
    EpochGraphs,
    cells,
    english_name,
    name_key,
    read_input,
    slugify,
    transform,
)
from bjaikg.sources.generated import build_generated
from bjaikg.sources.mapping import (
    MAPPING_FOLDER,
    read_handwritten_names,
    read_headquarters_ranks,
    read_organisations,
)
from bjaikg.sources.registry import sources_folder

WIKIBASE = PREFIXES["wikibase"]


@pytest.fixture(scope="module")
def epoch() -> EpochGraphs:
    return transform(read_input(sources_folder()))


def test_committed_generated_files_are_what_the_transforms_make() -> None:
    """Regenerate everything in memory and compare byte for byte with the committed files."""
    files = build_generated(sources_folder())
    assert files, "nothing generated"
    drifted = [str(path) for path, text in files.items() if path.read_text("utf-8") != text]
    assert drifted == [], "run `python -m bjaikg sources build` and review the diff"
    for folder in {path.parent for path in files}:
        stale = set(folder.glob("*.ttl")) - set(files)
        assert stale == set()
    trailing = [
        f"{path.name}:{number}"
        for path, text in files.items()
        for number, line in enumerate(text.splitlines(), 1)
        if line != line.rstrip()
    ]
    assert trailing == []


@pytest.mark.slow
def test_the_transform_is_deterministic() -> None:
    assert build_generated(sources_folder()) == build_generated(sources_folder())


def test_aims_models_chips_and_training_edges(epoch: EpochGraphs) -> None:
    models, chips = epoch.graphs["models.ttl"], epoch.graphs["chips.ttl"]
    assert len(set(models.subjects(RDF.type, BJO.AIModel))) >= 200
    dated = {
        chip
        for chip in chips.subjects(RDF.type, BJO.AIChip)
        if (chip, BJO.releaseDate, None) in chips and (chip, BJO.designedBy, None) in chips
    }
    assert len(dated) >= 60
    assert len(list(models.triples((None, BJO.trainedOn, None)))) >= 80


def test_a_joint_row_keeps_every_developer_and_existing_iris(epoch: EpochGraphs) -> None:
    models = epoch.graphs["models.ttl"]
    # "2-layer-LSTM+Deep-Gradient-Compression": Tsinghua with Stanford and NVIDIA
    developers = set(models.objects(BJ["2-layer-lstm-deep-gradient-compression"], BJO.developedBy))
    assert developers == {BJ["tsinghua-university"], BJ["stanford-university"], BJ["nvidia"]}
    # Epoch's "Zhipu AI" is the article's Zhipu, declared by hand: no second declaration
    assert BJ["zhipu"] in set(models.objects(None, BJO.developedBy))
    assert (BJ["zhipu"], RDF.type, None) not in epoch.graphs["organisations.ttl"]


def test_every_generated_node_is_derived_from_its_row(epoch: EpochGraphs) -> None:
    records = epoch.graphs["records.ttl"]
    for name in ("models.ttl", "chips.ttl", "organisations.ttl"):
        graph = epoch.graphs[name]
        for subject in set(graph.subjects(RDF.type, None)):
            sources = set(graph.objects(subject, PROV.wasDerivedFrom))
            assert sources and all((s, RDF.type, BJO.SourceRecord) in records for s in sources)
    record = BJ["epoch-ai-models-record-2-layer-lstm-deep-gradient-compression"]
    assert (record, DCTERMS.isPartOf, BJ["source-epoch-ai-models"]) in records
    assert (record, BJO.recordKey, Literal("2-layer-LSTM+Deep-Gradient-Compression")) in records


def test_each_record_states_its_row_number_which_finds_its_row_in_the_snapshot(
    epoch: EpochGraphs,
) -> None:
    """Each record's ``csvw:rownum`` (one ``xsd:integer``, 1 = the first data row) is the row of
    the snapshot, read here with the csv module alone, whose key cell is the record's key; the
    label still names the number."""
    records = epoch.graphs["records.ttl"]
    tables = {
        BJ["source-epoch-ai-models"]: ("all-ml-systems.csv", "Model"),
        BJ["source-epoch-ai-hardware"]: ("ml-hardware.csv", "Hardware name"),
    }
    keys: dict[URIRef, list[str]] = {}
    for dataset, (name, column) in tables.items():
        path = sources_folder() / "epoch-ai" / name
        with path.open(encoding="utf-8-sig", newline="") as stream:
            keys[dataset] = [row[column].strip() for row in csv.DictReader(stream)]
    subjects = set(records.subjects(RDF.type, BJO.SourceRecord))
    assert len(subjects) > 300
    for record in subjects:
        numbers = list(records.objects(record, CSVW.rownum))
        assert len(numbers) == 1, record
        number = numbers[0]
        assert isinstance(number, Literal) and number.datatype == XSD.integer, record
        row = keys[URIRef(str(records.value(record, DCTERMS.isPartOf)))][int(number) - 1]
        assert row == str(records.value(record, BJO.recordKey)), record
        assert f", row {int(number)} (" in str(records.value(record, RDFS.label))


def test_docs_give_the_row_and_entity_counts_the_transform_makes(epoch: EpochGraphs) -> None:
    """docs/sources.md's counts of rows read, rows taken and entities made are the data's."""
    records, data = epoch.graphs["records.ttl"], read_input(sources_folder())

    def taken(dataset: str) -> int:
        return len(set(records.subjects(DCTERMS.isPartOf, BJ[f"source-epoch-ai-{dataset}"])))

    models = len(set(epoch.graphs["models.ttl"].subjects(RDF.type, BJO.AIModel)))
    chips = len(set(epoch.graphs["chips.ttl"].subjects(RDF.type, BJO.AIChip)))
    hardware_keys = [
        str(records.value(record, BJO.recordKey))
        for record in records.subjects(DCTERMS.isPartOf, BJ["source-epoch-ai-hardware"])
    ]
    repeated = sum(1 for key in set(hardware_keys) if hardware_keys.count(key) > 1)
    text = " ".join((PROJECT_ROOT / "docs" / "sources.md").read_text("utf-8").split())
    hardware = taken("hardware")
    words = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    expected = [
        f"{len(data.models):,} rows) | CC BY 4.0 | {models} models from {taken('models')} rows",
        f"(same commit, {len(data.hardware):,} rows) | CC BY 4.0 | {chips} chips from "
        f"{hardware} rows ({words[len(data.aliases)]} rows merged into another's chip by "
        f"`hardware.csv`, {words[repeated]} names given by two rows each)",
        f"the other {len(data.hardware) - hardware:,} rows",
    ]
    assert [phrase for phrase in expected if phrase not in text] == []
    assert chips == hardware - len(data.aliases) - repeated


def test_chip_figures_keep_precision_and_units(epoch: EpochGraphs) -> None:
    chips = epoch.graphs["chips.ttl"]
    ascend = BJ["huawei-ascend-910b"]
    assert (ascend, BJO.designedBy, BJ["huawei"]) in chips
    assert (ascend, BJO.releaseDate, Literal("2022-03-17", datatype=XSD.date)) in chips
    [fp16] = chips.objects(ascend, BJO.peakPerformanceFP16)
    assert isinstance(fp16, Literal)
    assert fp16.datatype == XSD.double and float(fp16) == 3.76e14


def test_written_figures_keep_every_digit_of_their_cells() -> None:
    """rdflib's Turtle writer shortens a double to seven significant digits: R-Transformer's
    training compute (models table row 1456, ``8649021100000000.0``) was written
    ``8.649021e+15``. Read back from the generated Turtle, a figure is its cell's."""
    written = build_generated(sources_folder())
    [models] = [text for path, text in written.items() if path.name == "models.ttl"]
    triples = ox.parse(models, format=ox.RdfFormat.TURTLE)
    compute = ox.NamedNode(str(BJO.trainingCompute))
    values = {
        quad.subject.value.removeprefix(str(BJ)): float(quad.object.value)
        for quad in triples
        if quad.predicate == compute
    }
    assert values["r-transformer"] == 8649021100000000.0
    assert values["yi-large"] == 1.7999999999999996e24  # the cell's, binary noise and all


def test_rows_naming_the_same_chip_make_one_chip(epoch: EpochGraphs) -> None:
    """A hardware alias (instances/mappings/hardware.csv) merges its row into the other row's chip:
    both records, both designers, no node for the alias's own name."""
    chips = epoch.graphs["chips.ttl"]
    hanguang = BJ["t-head-hanguang-800"]
    assert set(chips.objects(hanguang, BJO.designedBy)) == {BJ["alibaba"], BJ["t-head"]}
    assert len(set(chips.objects(hanguang, PROV.wasDerivedFrom))) == 2
    assert (BJ["hanguang-800-800-npu"], RDF.type, BJO.AIChip) not in chips
    [fp16] = chips.objects(BJ["huawei-ascend-910b"], BJO.peakPerformanceFP16)  # one, not two
    assert isinstance(fp16, Literal) and float(fp16) == 3.76e14


def test_the_articles_chip_families_gather_their_designers_chips(epoch: EpochGraphs) -> None:
    families = epoch.graphs["chip-families.ttl"]
    members = set(families.objects(BJ["cambricon-ai-chips"], BJO.familyMember))
    assert BJ["cambricon-mlu370-x8"] in members
    chips = epoch.graphs["chips.ttl"]
    assert all((m, BJO.designedBy, BJ["cambricon"]) in chips for m in members)


def test_the_concept_schemes_are_named_in_plain_english_plurals(epoch: EpochGraphs) -> None:
    # The label was made by adding "s" to the kind: "Epoch AI model accessibilitys" (an
    # ontologist's review, 2026-12-07, finding 16).
    concepts = epoch.graphs["concepts.ttl"]
    labels = sorted(
        str(label) for scheme in concepts.subjects(RDF.type, SKOS.ConceptScheme)
        for label in concepts.objects(scheme, RDFS.label)
    )  # fmt: skip
    assert labels == [
        "Epoch AI model accessibility categories",
        "Epoch AI model domains",
        "Epoch AI model tasks",
    ]


def test_cells_and_slugs() -> None:
    assert cells(
        'Renmin University of China,DP Technology,"AI for Science Institute, Beijing (AISI)"'
    ) == [
        "Renmin University of China",
        "DP Technology",
        "AI for Science Institute, Beijing (AISI)",
    ]
    assert slugify("Baidu Kunlun 2nd-Gen (昆仑芯2代)") == "baidu-kunlun-2nd-gen-2"
    assert slugify("École polytechnique") == "ecole-polytechnique"


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("Ascend (昇腾) 910", "Ascend 910"),
        ("ERNIE 4.5 (文心大模型4.5)", "ERNIE 4.5"),
        ("Hanguang 800 (含光800) NPU", "Hanguang 800 NPU"),
        ("Biren 壁仞科技 BR104", "Biren BR104"),
        ("Enflame Technology 燧原科技 Suisi (燧思) chip", "Enflame Technology Suisi chip"),
        ("Cambricon MLU370-S4/S8", "Cambricon MLU370-S4/S8"),
        ("AI for Science Institute, Beijing (AISI)", "AI for Science Institute, Beijing (AISI)"),
        ("文心一言", "文心一言"),  # nothing else: the name stays (and the validator flags it)
    ],
)
def test_english_name_leaves_out_the_chinese_parts(name: str, english: str) -> None:
    assert english_name(name) == english


def test_a_tables_chinese_spelling_stays_an_alternative_name(epoch: EpochGraphs) -> None:
    chips = epoch.graphs["chips.ttl"]
    assert set(chips.objects(BJ["ascend-910"], RDFS.label)) == {Literal("Ascend 910", lang="en")}
    assert (BJ["ascend-910"], SKOS.altLabel, Literal("Ascend (昇腾) 910", lang="zh")) in chips
    assert not any(chips.objects(BJ["atlas-300i"], SKOS.altLabel))  # an English name only


def test_a_tables_name_for_an_organisation_is_an_alternative_name_from_its_rows(
    epoch: EpochGraphs,
) -> None:
    """The name a row gives an organisation, where it is none of the labels the transform
    states, is a ``skos:altLabel`` of it, derived from the row: also for an organisation
    defined by hand ("Zhipu AI" for the article's Zhipu), never a label of its own there."""
    organisations, models = epoch.graphs["organisations.ttl"], epoch.graphs["models.ttl"]
    zhipu = BJ["zhipu"]
    assert set(organisations.objects(zhipu, SKOS.altLabel)) == {Literal("Zhipu AI", lang="en")}
    assert not any(organisations.objects(zhipu, RDFS.label))
    rows = {record for model in models.subjects(BJO.developedBy, zhipu)
            for record in models.objects(model, PROV.wasDerivedFrom)}  # fmt: skip
    assert set(organisations.objects(zhipu, PROV.wasDerivedFrom)) == rows != set()
    megvii = set(organisations.objects(BJ["megvii"], SKOS.altLabel))
    assert megvii == {Literal("Megvii Inc", lang="en")}  # beside its label from the mapping
    enflame = set(organisations.objects(BJ["enflame"], SKOS.altLabel))
    assert enflame == {Literal("Enflame (燧原科技)", lang="zh")}  # with Chinese: @zh
    assert not any(organisations.objects(BJ["01-ai"], SKOS.altLabel))  # the name is its label
    # a hand-written organisation whose label is the name (instances/organisations.ttl): no
    # second name, and no row cited for one (Tsinghua cited 68 rows for it in 1.23.4)
    tsinghua = BJ["tsinghua-university"]
    assert not any(organisations.objects(tsinghua, SKOS.altLabel))
    assert not any(organisations.objects(tsinghua, PROV.wasDerivedFrom))


def test_a_cell_naming_an_organisation_two_ways_gives_each_name_from_its_rows(
    epoch: EpochGraphs,
) -> None:
    """A cell that names one organisation two ways ("University of Montreal / Université de
    Montréal") gives each name on its own, derived from the rows that write the cell; a name
    that is a label stays none ("Université de Montréal" is the mapping's label)."""
    organisations, models = epoch.graphs["organisations.ttl"], epoch.graphs["models.ttl"]
    montreal = BJ["universite-de-montreal"]
    names = set(organisations.objects(montreal, SKOS.altLabel))
    assert names == {Literal("University of Montreal", lang="en")}
    rows = {record for model in models.subjects(BJO.developedBy, montreal)
            for record in models.objects(model, PROV.wasDerivedFrom)}  # fmt: skip
    assert set(organisations.objects(montreal, PROV.wasDerivedFrom)) == rows != set()
    names_with_slash = [
        name for name in organisations.objects(None, SKOS.altLabel) if "/" in str(name)
    ]
    assert names_with_slash == []  # no organisation cell holds a slash but between two names


def test_a_name_that_spells_one_the_organisation_has_is_no_second_name(
    epoch: EpochGraphs,
) -> None:
    """A table's name that is one of the organisation's names but for case, punctuation,
    spacing, a leading "The" or a trailing "Inc" is no alternative label: none of the generated
    names spells another name of its organisation (its labels, the hand-written files' names, or
    another generated name). Its rows are not cited for it where that name has its own source
    (BAAI: "Beijing Academy of Artificial Intelligence / BAAI" gives its hand-written label and
    alternative label). A misspelt name stays, derived from exactly the rows that write it."""
    organisations, models = epoch.graphs["organisations.ttl"], epoch.graphs["models.ttl"]
    handwritten = read_handwritten_names()
    spelt_twice = []
    for node in set(organisations.subjects(SKOS.altLabel, None)):
        names = [str(name) for name in organisations.objects(node, SKOS.altLabel)]
        known = [str(label) for label in organisations.objects(node, RDFS.label)]
        known += handwritten.get(str(node).removeprefix(str(BJ)), frozenset())
        keys = [name_key(name) for name in names]
        if len(set(keys)) < len(keys) or set(keys) & {name_key(name) for name in known}:
            spelt_twice.append(str(node))
    assert spelt_twice == []
    baai = "beijing-academy-of-artificial-intelligence"
    for slug in ("hong-kong-polytechnic-university", "sambanova-systems", "oppo-health-lab",
                 "shanghaitech-university", baai):  # fmt: skip
        assert not any(organisations.objects(BJ[slug], SKOS.altLabel)), slug
    assert not any(organisations.objects(BJ[baai], None))
    # the tables' spellings are kept for search, not shown: a hidden label, from their rows
    oppo = BJ["oppo-health-lab"]
    assert set(organisations.objects(oppo, SKOS.hiddenLabel)) == {
        Literal("OPPO HealthLab", lang="en")
    }
    assert set(organisations.objects(oppo, PROV.wasDerivedFrom))
    hidden = {str(name) for name in organisations.objects(None, SKOS.hiddenLabel)}
    assert {"Shanghai Tech University", "Xi’an Jiaotong University"} <= hidden
    shown = {
        str(name) for p in (RDFS.label, SKOS.altLabel) for name in organisations.objects(None, p)
    }
    assert not hidden & (shown | {n for names in handwritten.values() for n in names})
    centre = BJ["tsinghua-peking-center-for-life-sciences"]
    assert set(organisations.objects(centre, SKOS.altLabel)) == {
        Literal("Tsinghua-Peiking Center for Life Sciences", lang="en")
    }
    rows = {record for model in models.subjects(BJO.developedBy, centre)
            for record in models.objects(model, PROV.wasDerivedFrom)}  # fmt: skip
    assert set(organisations.objects(centre, PROV.wasDerivedFrom)) == rows != set()


def test_two_table_spellings_of_one_name_are_one_name_from_the_rows_of_both() -> None:
    """Zhipu's last row spelt "Zhipu A.I." (and mapped so): the first spelling in row order is
    the one alternative label, derived from every row, the respelt one's too."""
    data = read_input(sources_folder())
    rows = [row for row in data.models if "Zhipu AI" in cells(row["Organization"])]
    respelt = rows[-1] | {
        "Organization": rows[-1]["Organization"].replace("Zhipu AI", "Zhipu A.I.")
    }
    models = [respelt if row is rows[-1] else row for row in data.models]
    mapping = [
        replace(row, names=(*row.names, "Zhipu A.I.")) if row.slug == "zhipu" else row
        for row in data.organisations
    ]
    epoch = transform(replace(data, models=models, organisations=mapping))
    organisations = epoch.graphs["organisations.ttl"]
    zhipu = BJ["zhipu"]
    assert set(organisations.objects(zhipu, SKOS.altLabel)) == {Literal("Zhipu AI", lang="en")}
    assert set(organisations.objects(zhipu, SKOS.hiddenLabel)) == {Literal("Zhipu A.I.", lang="en")}
    generated = epoch.graphs["models.ttl"]
    records = {record for model in generated.subjects(BJO.developedBy, zhipu)
               for record in generated.objects(model, PROV.wasDerivedFrom)}  # fmt: skip
    assert len(records) == len(rows)
    assert set(organisations.objects(zhipu, PROV.wasDerivedFrom)) == records


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            ",beijing,haidian-district,",
            ",shanghai,haidian-district,",
            "district needs city beijing",
        ),
        (",Company,", ",Startup,", "unknown class 'Startup'"),
        (",2026-12-04,", ",04/12/2026,", "is not YYYY-MM-DD"),
        (",https://ir.baidu.com/", ",ir.baidu.com/", r"source_url is not an http\(s\) URL"),
        (" Shangdi 10th Street", " … Shangdi 10th Street", "not joined with ' … '"),
        (
            ',"Baidu Campus No. 10 Shangdi 10th Street Haidian District, Beijing 100085 The'
            ' People’s Republic of China (Address of principal executive offices)",',
            ",,",
            "a placed row needs its quote",
        ),
    ],
)
def test_a_bad_mapping_row_is_refused_with_file_and_line(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    lines = (MAPPING_FOLDER / "organisations.csv").read_text("utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("Baidu,baidu,Company,"))
    assert old in lines[number]
    lines[number] = lines[number].replace(old, new, 1)
    path = tmp_path / "organisations.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=message) as caught:
        read_organisations(path)
    assert caught.value.line == number + 1
    assert str(caught.value).startswith(f"{path}:{number + 1}:")


def test_a_quote_in_another_language_is_tagged_with_it(tmp_path: Path) -> None:
    files = build_generated(sources_folder())
    sites = Graph().parse(data=next(t for p, t in files.items() if p.name == "sites.ttl"))
    (quote,) = sites.objects(BJ["aithyra-institute-headquarters-vienna"], BJO.quote)
    assert isinstance(quote, Literal) and quote.language == "de"
    lines = (MAPPING_FOLDER / "organisations.csv").read_text("utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("Baidu,baidu,Company,"))
    assert lines[number].endswith(",")  # no language: the quote is in English
    lines[number] += "English"
    path = tmp_path / "organisations.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="'English' is not a BCP 47 tag") as caught:
        read_organisations(path)
    assert caught.value.line == number + 1


def test_each_line_of_a_quote_cell_is_a_quote_of_its_own() -> None:
    files = build_generated(sources_folder())
    sites = Graph().parse(data=next(t for p, t in files.items() if p.name == "sites.ttl"))
    quotes = {
        str(quote)
        for quote in sites.objects(BJ["meituan-headquarters-chaoyang-district"], BJO.quote)
    }
    assert {"HEAD OFFICE AND PRINCIPAL PLACE OF", "Chaoyang District", "Beijing 100102"} <= quotes
    assert not any("…" in quote or "\n" in quote for quote in quotes)


def test_a_bad_row_with_quote_lines_is_refused_at_its_first_line(tmp_path: Path) -> None:
    lines = (MAPPING_FOLDER / "organisations.csv").read_text("utf-8").splitlines()
    start = "Meituan University,meituan,Company,Meituan,美团,beijing,chaoyang-district,"
    number = next(i for i, line in enumerate(lines) if line.startswith(start))
    assert not lines[number].endswith(",")  # the quote cell goes on over the next lines
    lines[number] = lines[number].replace(",2026-12-06,", ",06/12/2026,", 1)
    path = tmp_path / "organisations.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="is not YYYY-MM-DD") as caught:
        read_organisations(path)
    assert caught.value.line == number + 1


def test_a_name_mapped_to_two_organisations_is_refused(tmp_path: Path) -> None:
    text = (MAPPING_FOLDER / "organisations.csv").read_text("utf-8")
    path = tmp_path / "organisations.csv"
    path.write_text(text.replace("Beihang University,beihang", "Baidu,beihang", 1), "utf-8")
    with pytest.raises(DataFileError, match="'Baidu' is mapped to baidu already"):
        read_organisations(path)


def test_sites_place_organisations_with_their_page(tmp_path: Path) -> None:
    files = build_generated(sources_folder())
    sites = Graph().parse(data=next(t for p, t in files.items() if p.name == "sites.ttl"))
    site = BJ["baidu-headquarters-haidian-district"]
    assert (BJ["baidu"], URIRef("http://www.w3.org/ns/org#hasPrimarySite"), site) in sites
    assert (site, BJO.locatedIn, BJ["haidian-district"]) in sites
    pages = set(sites.objects(site, PROV.wasDerivedFrom))
    assert len(pages) == 2  # two pages agree (a 20-F filing and an annual report)
    assert all(str(page).startswith(str(BJ["page-"])) for page in pages)
    # each page's quote on the derivation of that page, none left on the site itself
    derivations = list(sites.objects(site, PROV.qualifiedDerivation))
    assert {sites.value(derivation, PROV.entity) for derivation in derivations} == pages
    assert all((derivation, BJO.quote, None) in sites for derivation in derivations)
    assert (site, BJO.quote, None) not in sites
    one_page = BJ["01-ai-headquarters-beijing"]
    assert (one_page, BJO.quote, None) in sites
    assert (one_page, PROV.qualifiedDerivation, None) not in sites


def test_a_reviewed_disagreement_keeps_both_sites_ranked() -> None:
    files = build_generated(sources_folder())
    sites = Graph().parse(data=next(t for p, t in files.items() if p.name == "sites.ttl"))
    pages = Graph().parse(data=next(t for p, t in files.items() if p.name == "pages.ttl"))
    rank = URIRef(WIKIBASE + "rank")
    metax = set(sites.subjects(URIRef("http://www.w3.org/ns/org#siteOf"), BJ["metax"]))
    assert metax == {BJ["metax-headquarters-shanghai"], BJ["metax-headquarters-beijing"]}
    preferred, normal = BJ["metax-headquarters-shanghai"], BJ["metax-headquarters-beijing"]
    assert set(sites.objects(preferred, rank)) == {URIRef(WIKIBASE + "PreferredRank")}
    assert set(sites.objects(normal, rank)) == {URIRef(WIKIBASE + "NormalRank")}
    (reason,) = sites.objects(preferred, BJO.rankReason)
    assert isinstance(reason, Literal) and reason.language == "en" and "Shanghai" in reason
    (page,) = sites.objects(preferred, BJO.rankSource)
    assert (page, RDF.type, BJO.WebPage) in pages
    assert not set(sites.objects(normal, BJO.rankReason))
    office = BJ["china-mobile-limited-headquarters-xicheng-district"]
    offices = set(
        sites.subjects(URIRef("http://www.w3.org/ns/org#siteOf"), BJ["china-mobile-limited"])
    )
    assert offices == {BJ["china-mobile-limited-headquarters-hong-kong"], office}
    assert set(sites.objects(office, rank)) == {URIRef(WIKIBASE + "NormalRank")}
    standards = set(
        sites.subjects(
            URIRef("http://www.w3.org/ns/org#siteOf"),
            BJ["standardization-administration-of-china"],
        )
    )
    haidian = BJ["standardization-administration-of-china-headquarters-haidian-district"]
    xicheng = BJ["standardization-administration-of-china-headquarters-xicheng-district"]
    assert standards == {haidian, xicheng}
    assert set(sites.objects(haidian, rank)) == {URIRef(WIKIBASE + "PreferredRank")}
    assert set(sites.objects(xicheng, rank)) == {URIRef(WIKIBASE + "NormalRank")}
    # the organisations reviewed in headquarters-ranks.csv are ranked, and only they
    site_of = URIRef("http://www.w3.org/ns/org#siteOf")
    ranked = {sites.value(site, site_of) for site in sites.subjects(rank, None)}
    reviewed = read_headquarters_ranks(read_organisations())
    assert ranked == {BJ[slug] for slug in reviewed}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("metax,hangzhou,why,https://example.org/,t,2026-12-04", "'hangzhou' is not a place"),
        ("baidu,haidian-district,why,https://example.org/,t,2026-12-04", "no disagreeing"),
        ("metax,shanghai,,https://example.org/,t,2026-12-04", "needs its reason"),
        ("metax,shanghai,why,example.org,t,2026-12-04", r"not an http\(s\) URL"),
    ],
)
def test_a_bad_rank_row_is_refused_with_file_and_line(
    tmp_path: Path, row: str, message: str
) -> None:
    path = tmp_path / "headquarters-ranks.csv"
    header = (MAPPING_FOLDER / "headquarters-ranks.csv").read_text("utf-8").splitlines()[0]
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=message) as caught:
        read_headquarters_ranks(read_organisations(), path)
    assert caught.value.line == 2
