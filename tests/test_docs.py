"""The documentation site builds offline with no warning, and its generated reference lists every
scenario key of the schema and every command of the parser (issue: a house a newcomer can read)."""
import argparse
import os
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from helpers import ROOT

from workbench import schema as S
from workbench.cli import build_parser
from workbench.scenario import SCHEMA

pytestmark = pytest.mark.slow


def _keys(spec, path=""):
    if isinstance(spec, S.Fields):
        for k, sub in spec.fields.items():
            p = f"{path}.{k}" if path else k
            yield p
            yield from _keys(sub, p)
    elif isinstance(spec, S.MapOf):
        yield from _keys(spec.value, f"{path}.<name>")
    elif isinstance(spec, S.ListOf):
        yield from _keys(spec.item, f"{path}[]")
    elif isinstance(spec, S.Param):
        yield from _keys(spec.inner, path)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    # strict mode stops at the first warning; no warning line at all is printed either
    assert not re.search(r"^WARNING", proc.stderr, re.M), proc.stderr[-3000:]
    return out


def _text(page: Path) -> str:
    return unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def test_the_site_lists_every_scenario_key_of_the_schema(site):
    text = _text(site / "reference" / "scenario" / "index.html")
    keys = list(_keys(SCHEMA))
    assert len(keys) > 100
    missing = [k for k in keys if k not in text]
    assert not missing, missing


def test_the_site_lists_every_command_and_option_of_the_parser(site):
    text = _text(site / "reference" / "cli" / "index.html")
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, p in sub.choices.items():
        assert f"workbench {name}" in text
        for act in p._actions:
            for opt in act.option_strings:
                assert opt in text, (name, opt)


def test_the_site_documents_the_one_evaluation_from_its_docstring(site):
    text = _text(site / "reference" / "api" / "workbench.pipeline" / "index.html")
    assert "One evaluation of a scenario, the same for every front end" in text
    assert "simulate_portfolio" in text
