"""Every command's ``--help`` reads as plain text: its description is the first paragraphs of
the module's docstring without reST's double backquotes (shown as typed before)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bjaikg.__main__ import build_parser as bjaikg_parser
from bjaikg.endpoint.cli import build_parser as serve_parser
from bjaikg.linking.__main__ import main as linking_main
from bjaikg.validation.cli import build_parser as validate_parser


@pytest.mark.parametrize(
    ("command", "description"),
    [
        (serve_parser().parse_args, "python serve.py — load the graph, check it, and serve it"),
        (bjaikg_parser().parse_args, "and loading it into an external store."),  # its end
        (linking_main, "2 input or tool error."),  # the exit codes, its last paragraph
        (validate_parser().parse_args, "Validate Turtle data against the bjaikg ontology"),
    ],
)
def test_help_has_the_description_without_markup(
    command: Callable[[list[str]], Any], description: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_code:
        command(["--help"])
    assert exit_code.value.code == 0
    text = " ".join(capsys.readouterr().out.split())  # as argparse reflows it
    assert description in text
    assert "``" not in text
