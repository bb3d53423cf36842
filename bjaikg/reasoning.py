"""OWL 2 DL consistency of the ontology and instance data, checked with HermiT via owlready2.

:func:`check_consistency` loads the Turtle files with the project loader (so bad input is a
:class:`~bjaikg.errors.DataFileError` with file:line:column), writes their union as N-Triples
(owlready2 does not read Turtle), loads that into a fresh, isolated owlready2 ``World`` and runs
HermiT on it. The answer is a :class:`ConsistencyResult`; a missing Java runtime is the result
status ``"not run"``, not an exception.

Hazards:

- it starts a Java virtual machine (seconds, more for large data: bench/validation.py)
  and writes a temporary N-Triples file, which owlready2 deletes afterwards;
- HermiT is run with ``--ignoreUnsupportedDatatypes``: literals typed ``xsd:date``,
  ``xsd:gYear`` or ``xsd:gYearMonth`` (outside the OWL 2 datatype map) are not reasoned about,
  so a wrong date never makes the graph inconsistent — SHACL checks those;
- ``bjo:quote`` and the labels are annotations and take no part in reasoning;
- owlready2 keeps a process-wide default world; this module never touches it.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Literal

import owlready2
import pyoxigraph as ox

from bjaikg.errors import BjaikgError
from bjaikg.store import default_paths, discover_files, load_knowledge_graph
from bjaikg.terms import is_ill_typed

Status = Literal["consistent", "inconsistent", "not run"]

SHAPES_FOLDER = "shapes"
"""Folders of this name hold SHACL shapes, which the OWL check does not read."""

_NOTHING = "http://www.w3.org/2002/07/owl#Nothing"

_FLOATING = frozenset(
    {"http://www.w3.org/2001/XMLSchema#double", "http://www.w3.org/2001/XMLSchema#float"}
)
_NON_FINITE = frozenset({"INF", "+INF", "-INF", "NaN"})
"""The lexical forms of xsd:double and xsd:float that are no finite number."""

_UNNAMED_ONTOLOGY = "https://w3id.org/bjaikg/reasoning-input"
"""The IRI under which the N-Triples are loaded into the scratch world (never dereferenced)."""


@dataclass(frozen=True)
class ConsistencyResult:
    """What HermiT found.

    ``status`` is ``"consistent"`` (a model exists; ``unsatisfiable_classes`` may still list
    classes that can have no instance), ``"inconsistent"`` (no model exists), or ``"not run"``
    (no Java runtime; ``explanation`` says so). ``seconds`` is the wall time of the reasoner
    run, 0.0 when it did not run.
    """

    status: Status
    unsatisfiable_classes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    explanation: str = ""

    @property
    def consistent(self) -> bool:
        """True only when HermiT ran, found a model and no unsatisfiable class."""
        return self.status == "consistent" and not self.unsatisfiable_classes


def java_runtime() -> str | None:
    """The path of the Java executable owlready2 will start, or ``None`` when there is none."""
    return shutil.which(owlready2.JAVA_EXE)


def to_ntriples(paths: Iterable[Path] | None = None) -> bytes:
    """The union of the Turtle files in ``paths`` (default: ontology and instances) as N-Triples.

    Files in a ``shapes`` folder are left out: SHACL shapes are not OWL axioms, and HermiT
    would only spend time on them (about twice the run time with the project's shapes). So are
    ``owl:imports`` statements: the files are the input, and owlready2 would try to download
    what they import (a contributor's file with one made the check fail without a network).
    So are statements whose literal is ill-typed (``"abc"^^xsd:integer``): owlready2's reader
    refuses an ill-typed number without saying where, and the validator's
    ``quality.ill-typed-literal`` reports each with its file and line. So are infinite and
    not-a-number doubles and floats (``"INF"^^xsd:double``, valid XSD): owlready2 writes them
    as HermiT cannot read them (``"inf"``), which stopped the whole check; the shapes still see
    them.

    Raises :class:`~bjaikg.errors.DataFileError` for a file that cannot be read or parsed.
    """
    chosen = default_paths() if paths is None else [path.resolve() for path in paths]
    files = [path for path in discover_files(chosen) if SHAPES_FOLDER not in path.parts]
    graph = load_knowledge_graph(files, with_inference=False)
    imports = ox.NamedNode("http://www.w3.org/2002/07/owl#imports")
    triples = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in graph.embedded_store
        if q.predicate != imports
        and not (isinstance(q.object, ox.Literal) and _unreadable_by_hermit(q.object))
    }
    return ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES) or b""


def _unreadable_by_hermit(literal: ox.Literal) -> bool:
    """Whether the literal is ill-typed or a non-finite double or float (:func:`to_ntriples`)."""
    if literal.datatype.value in _FLOATING and literal.value.strip() in _NON_FINITE:
        return True
    return is_ill_typed(literal)


def _hermit_message(output: str) -> str:
    r"""The line of HermiT's output that says what failed: its exception's, else the last.

    >>> _hermit_message('Exception in thread "main" MalformedLiteralException: "inf" is malformed'
    ...                 '\n\tat org.semanticweb.HermiT.cli.CommandLine.main(CommandLine.java:830)')
    'Exception in thread "main" MalformedLiteralException: "inf" is malformed'
    """
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    exceptions = [line for line in lines if "Exception" in line and not line.startswith("at ")]
    return (exceptions or lines or ["no message"])[0 if exceptions else -1]


def check_consistency(paths: Iterable[Path] | None = None) -> ConsistencyResult:
    """Run HermiT on the files in ``paths`` (default: the project's ontology and instances).

    Returns a :class:`ConsistencyResult`; raises :class:`~bjaikg.errors.DataFileError` for bad
    input and :class:`~bjaikg.errors.BjaikgError` when Java runs but HermiT fails (the message
    carries HermiT's own). See the module docstring for the hazards (JVM start, datatypes).
    """
    ntriples = to_ntriples(paths)
    if java_runtime() is None:
        return ConsistencyResult(
            status="not run",
            explanation=f"no Java runtime ({owlready2.JAVA_EXE!r} not on PATH); "
            "install Java 11+ to run the OWL consistency check",
        )
    world = owlready2.World()
    try:
        world.get_ontology(_UNNAMED_ONTOLOGY).load(fileobj=BytesIO(ntriples), format="ntriples")
    except owlready2.OwlReadyError as error:
        raise BjaikgError(f"owlready2 cannot read the graph as OWL: {error}") from None
    started = time.perf_counter()
    try:
        owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
    except owlready2.OwlReadyInconsistentOntologyError:
        return ConsistencyResult(
            status="inconsistent",
            seconds=time.perf_counter() - started,
            explanation="HermiT: the ontology with its data has no model (typical causes: an "
            "individual of two disjoint classes, or a property value outside its range that "
            "makes it one)",
        )
    except owlready2.OwlReadyJavaError as error:
        raise BjaikgError(f"HermiT failed: {_hermit_message(str(error))}") from None
    finally:
        seconds = time.perf_counter() - started
    unsatisfiable = sorted(
        entity.iri
        for entity in world.inconsistent_classes()
        if hasattr(entity, "iri") and entity.iri != _NOTHING
    )
    return ConsistencyResult(
        status="consistent",
        unsatisfiable_classes=unsatisfiable,
        seconds=seconds,
        explanation=(
            f"{len(unsatisfiable)} unsatisfiable class(es)" if unsatisfiable else "consistent"
        ),
    )
