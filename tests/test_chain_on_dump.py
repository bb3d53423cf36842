"""The backbone chains (policy → district → institution → model → chip, and → software → chip)
answer on the published data as another store would hold it: the asserted quads only (no
inference step of ours), loaded into a plain pyoxigraph store (both chains) and into rdflib (the
model chain); and every named query gives the same answer there as on the served graph.

Decision: docs/decisions/20261204-chain-on-asserted-edges.md.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Dataset

from bjaikg.query_catalogue import NamedQuery, load_catalogue
from bjaikg.store import KnowledgeGraph, load_knowledge_graph
from tests.competency import DefaultAnswers, Table, is_ordered, run_named_query
from tests.graph_rows import rdflib_rows

CHAINS = {
    query.name: query
    for query in load_catalogue()
    if query.name
    in (
        "policy-to-chips-chain",
        "policy-to-chips-through-software",
        "models-and-the-chips-they-run-on",
    )
}


@pytest.fixture(scope="module")
def asserted_graph() -> KnowledgeGraph:
    """The project's ontology and instances without the inferred triples."""
    return load_knowledge_graph(with_inference=False)


@pytest.fixture(scope="module")
def dump(asserted_graph: KnowledgeGraph) -> bytes:
    """The asserted quads of the project, as N-Quads (what a dump or release carries)."""
    nquads = ox.serialize(asserted_graph.embedded_store, format=ox.RdfFormat.N_QUADS)
    assert nquads is not None  # without an output, serialize returns the bytes
    return nquads


@pytest.fixture(scope="module")
def plain_store(dump: bytes) -> ox.Store:
    """The dump loaded once into a plain pyoxigraph store, shared by the module's tests."""
    store = ox.Store()
    store.load(dump, format=ox.RdfFormat.N_QUADS)
    return store


def paths_in_pyoxigraph(store: ox.Store, chain: str) -> set[tuple[str, ...]]:
    """The chain's rows as tuples of values ("" for an unbound cell, e.g. an undated policy)."""
    result = store.query(CHAINS[chain].text, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return {tuple("" if term is None else term.value for term in row) for row in result}


def column(chain: str, name: str) -> int:
    """The position of the variable ``name`` among the chain's columns."""
    result = ox.Store().query(CHAINS[chain].text)
    assert isinstance(result, ox.QuerySolutions)
    return [variable.value for variable in result.variables].index(name)


def test_at_least_twenty_whole_paths_without_inference(plain_store: ox.Store) -> None:
    paths = paths_in_pyoxigraph(plain_store, "policy-to-chips-chain")
    assert len(paths) >= 20
    institution, designer = (
        column("policy-to-chips-chain", name) for name in ("institution_en", "designer_en")
    )
    institutions = {path[institution] for path in paths}
    assert {"Beijing Academy of Artificial Intelligence", "Tsinghua University"} <= institutions
    assert any(path[designer] == "Huawei Technologies Co., Ltd." for path in paths)  # Chinese chip


def test_software_reaches_the_chips_its_documentation_names(plain_store: ox.Store) -> None:
    chain = "policy-to-chips-through-software"
    product, software, supported_en, designer = (
        column(chain, name) for name in ("product_en", "software_en", "supported_en", "designer_en")
    )
    paths = {
        (path[product], path[software], path[supported_en], path[designer])
        for path in paths_in_pyoxigraph(plain_store, chain)
    }
    assert {path[:2] for path in paths} == {
        ("FlagOS", "FlagTree"), ("FlagOS", "FlagGems"), ("FlagOS", "FlagCX"),
        ("FlagOS", "FlagScale"), ("FlagScale", "FlagScale"), ("PaddlePaddle", "PaddlePaddle"),
        ("PaddlePaddle", "Paddle Lite"), ("PaddlePaddle", "Paddle2ONNX"),
        ("torch_musa", "torch_musa"), ("torch_mlu", "torch_mlu"),
    }  # fmt: skip
    supported: dict[str, set[tuple[str, ...]]] = {path[1]: set() for path in paths}
    for path in paths:
        supported[path[1]].add(path[2:])
    # FlagTree's README names designers: its paths end at a designer's chips and the designer
    assert {chips for chips, _ in supported["FlagTree"]} == {
        "Cambricon chips", "Kunlunxin chips", "Moore Threads chips", "TsingMicro chips",
        "Iluvatar CoreX chips", "MetaX chips", "Hygon chips", "Enflame chips",
    }  # fmt: skip
    assert ("Kunlunxin chips", "Kunlunxin") in supported["FlagTree"]
    # FlagOS's other modules: FlagGems' supported platforms, FlagScale's v0.2 release
    assert {chips for chips, _ in supported["FlagGems"]} == {
        "Cambricon chips", "Hygon chips", "Iluvatar CoreX chips", "Kunlunxin chips", "MetaX chips",
        "Moore Threads chips",
    }  # fmt: skip
    assert {chips for chips, _ in supported["FlagScale"]} == {
        "Iluvatar CoreX chips",
        "Kunlunxin chips",
    }
    # PaddlePaddle's documentation names chips: its paths end at them, with their designers
    assert {
        ("Baidu Kunlun R200", "Baidu"), ("Baidu Kunlun RG800", "Kunlunxin"),
        ("Cambricon MLU370-X8", "Cambricon"),
        ("Huawei Ascend 910", "Huawei Technologies Co., Ltd."),
    } <= supported["PaddlePaddle"]  # fmt: skip
    assert not any(chips.endswith(" chips") for chips, _ in supported["PaddlePaddle"])
    assert ("Baidu Kunlun K100", "Baidu") in supported["Paddle Lite"]
    # a chip of one of the article's four designers that only PaddlePaddle's table names
    assert supported["Paddle2ONNX"] == {("TsingMicro TX5368", "TsingMicro")}
    # a designer's own software: its chips as a family, and the cards its README names
    assert {("Moore Threads chips", "Moore Threads"), ("MTT S4000", "Moore Threads")} <= supported[
        "torch_musa"
    ]


def test_the_software_chain_dates_each_policy_as_the_model_chain_does(
    plain_store: ox.Store,
) -> None:
    """policy_issued is the earliest date of issue a source gives (on the policy or on a page's
    bjo:PolicyIssuance record of it); both chains give a policy the same date."""
    dates: dict[str, set[tuple[str, str]]] = {}
    for chain in ("policy-to-chips-through-software", "policy-to-chips-chain"):
        policy, issued = (column(chain, name) for name in ("policy_en", "policy_issued"))
        dates[chain] = {
            (path[policy], path[issued]) for path in paths_in_pyoxigraph(plain_store, chain)
        }
    software = dates["policy-to-chips-through-software"]
    fifteen_measures = (
        "Fifteen Measures for Accelerating AI Innovation-Led Development in Zhongguancun "
        "Science City"
    )
    assert (fifteen_measures, "2019-05-19") in software
    assert ("Plan for Building Beijing into an AI Innovation Highland", "2026-01-05") in software
    assert len({policy for policy, _ in software}) == len(software)  # one date per policy
    assert software <= dates["policy-to-chips-chain"]


def test_models_reach_the_chips_the_software_running_them_names(plain_store: ox.Store) -> None:
    rows = paths_in_pyoxigraph(plain_store, "models-and-the-chips-they-run-on")
    assert {
        ("Baichuan2-13B", "Baichuan Intelligence", "Huawei Ascend 910A"),
        ("CodeGeeX", "Zhipu", "Huawei Ascend 910"),
        ("CodeGeeX", "Tsinghua University", "Huawei Ascend 910"),
        ("TeleChat-7B", "China Telecom Corporation Limited", "Atlas 300I Pro"),
        ("ERNIE-4.5-300B-A47B", "Baidu", "Kunlunxin chips"),
        ("Yi-34B", "01.AI", "Huawei Ascend"),
        ("Emu3", "Beijing Academy of Artificial Intelligence", "Huawei Ascend"),
        ("MiniCPM-1.2B", "ModelBest Inc.", "Atlas 300I Duo"),
        ("ChatGLM3-6B", "Zhipu", "Atlas 300I Duo"),
        ("GLM-4V-9B", "Zhipu", "Iluvatar CoreX chips"),
    } <= {row[:3] for row in rows}  # fmt: skip
    # each such edge rests on a web page that states it (its bjo:ChipSupport statement)
    unsourced = plain_store.query(
        "PREFIX bjo: <https://w3id.org/bjaikg/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> "
        "ASK { ?model a bjo:AIModel ; bjo:supportsChip ?chip . "
        "FILTER NOT EXISTS { ?statement bjo:supportingProduct ?model ; bjo:supportedChip ?chip ; "
        "prov:wasDerivedFrom/a bjo:WebPage } }",
        use_default_graph_as_union=True,
    )
    assert isinstance(unsourced, ox.QueryBoolean) and not unsourced


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")
def test_rdflib_finds_the_same_paths(dump: bytes, plain_store: ox.Store) -> None:
    """Only the model chain: rdflib 7.6 did not answer the software chain within five minutes
    (2026-12-05), too long for the suite; pyoxigraph answers it in milliseconds."""
    dataset = Dataset(default_union=True)
    dataset.parse(data=dump, format="nquads")
    result = dataset.query(CHAINS["policy-to-chips-chain"].text)
    rows = {tuple("" if term is None else str(term) for term in row) for row in rdflib_rows(result)}
    assert rows == paths_in_pyoxigraph(plain_store, "policy-to-chips-chain")


@pytest.mark.parametrize(
    "query",
    [query for query in load_catalogue() if not query.needs_network],
    ids=lambda query: query.name,
)
def test_every_named_query_answers_alike_without_inference(
    asserted_graph: KnowledgeGraph, default_answers: DefaultAnswers, query: NamedQuery
) -> None:
    """The decision's promise: no named query depends on the inferred triples."""
    served, asserted = default_answers.of(query), run_named_query(asserted_graph, query)
    if isinstance(served, Table) and isinstance(asserted, Table) and not is_ordered(query):
        served, asserted = (
            Table(table.variables, tuple(sorted(table.rows))) for table in (served, asserted)
        )
    assert asserted == served, f"{query.path.name} answers otherwise without inference"
