"""The one catalog of everything the workbench says, in French (default) and English.

Two parts, one home:

- :mod:`.codes` (:data:`CATALOG`): every message about bad input (a scenario, a candidate file,
  a laureate book, a command-line option), every selection reason and explanation, every
  scenario warning, and every word of the dashboard's controls and headings has a code and
  named parameters; :func:`render` writes it in French (the users are a French directorate) or
  English;
- :mod:`.words` (:data:`LABELS`, :data:`VALUE_LABELS`): the words that label tables, figures
  and report sections, filled by :func:`label`, :func:`header` and :func:`format_cell`
  (:mod:`.labels`; every layer takes its words from here, :mod:`workbench.reporting.labels`
  re-exports them beside its tables, Markdown and HTML).

Nothing is ever translated by re-reading English text, so rewording a message changes both
languages in one place; a test renders every code and every label in both languages.

A template holds ``{name}`` or ``{name:spec}`` fields.  A number is formatted with its spec
(Python's format mini-language, e.g. ``{total:,.0f}``) and then given the language's separators
by :mod:`workbench.units` (``1,234.5`` in English, ``1 234,5`` in French, narrow no-break
space).  A few parameter names have a shape of their own:

- ``suggestion``: a close spelling or ``None``; gives `` (did you mean 'x'?)`` /
  `` (vouliez-vous dire « x » ?)`` or nothing;
- ``choices``: a list, joined with ``, ``;
- ``parts``: a list of messages (or texts), joined with ``; ``;
- ``bounds``: ``[(op, number), ...]`` with ``op`` among ``> >= < <=``, written
  ``> 0 and <= 1`` / ``> 0 et ≤ 1``.

Babel (``babel.numbers``, gettext ``.po`` files) was weighed and left out: the numbers are
already formatted by :mod:`workbench.units` (the same narrow no-break space as the CLDR French
locale), and ``.po`` catalogs need a compile step and tooling for two languages whose texts fit
one reviewed Python mapping that a test renders in full (see the README's dependency table).
"""
from .core import DEFAULT_LANG, LANGS, Message, Text, code_of, msg, render, render_text
from .codes import CATALOG
from .words import LABELS, VALUE_LABELS
from .labels import format_cell, header, label

__all__ = ["CATALOG", "DEFAULT_LANG", "LABELS", "LANGS", "VALUE_LABELS", "Message", "Text", "code_of", "format_cell",
           "header", "label", "msg", "render", "render_text"]
