"""Reference data of the funds, shipped with the package (``workbench/data``).

=================================================  ==================================================
function                                           what, source
=================================================  ==================================================
:func:`ftap_calls`                                 call-level counts and amounts of FTAP, each row with
                                                   its public source (DITP pages of 2018 and 2019; press)
:func:`ftap_call2_laureates`                       the 16 laureates of FTAP call 2 and their grants
                                                   (sum 68.625 M€, published as "69 M€"; DITP, 12 Nov 2018)
:func:`fitn_sub_envelopes`                         FITN ITN1…ITN8D (sum 265 M€ of 292 M€; France Relance 6-2)
:func:`panorama_key_figures`                       panorama of large State digital projects, headline
                                                   figures by edition (DISIC/panorama, MIT)
:func:`panorama_cost_drift`                        115 panorama projects seen in two editions or more:
                                                   first and last cost and duration, ratios
:func:`canada_it_projects`                         Government of Canada IT projects: original vs latest
                                                   budget and date (House of Commons papers)
:func:`documents`                                  the registry of the public documents the scenarios
                                                   cite: title, publisher, date, URL
=================================================  ==================================================

A figure in a scenario file cites its document as
``"<title> (<publisher>, <date>): « <exact quotation> »"``, several documents separated by
``" ; "`` (see :func:`parse_reference` and :func:`reference_problems`); a figure the workbench
chose instead carries ``assumption: "<reason>"``.

:data:`PUBLISHED` holds the published call figures the generator uses; the back-test and the
calibration read each fund's published history from its data file (:mod:`workbench.history`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

#: Published FTAP figures [EUR and counts], each with its source document (see :func:`documents`).
PUBLISHED = {
    "call1": {"applications": 122, "laureates": 17, "total_cost_eur": 2_310e6, "requested_eur": 827e6,
              "granted_eur": 126e6,
              "source": "DITP, 12 Nov 2018 (17 laureates of call 1); DITP page 'Investir pour transformer' "
                        "(122 applications, 2,310 M€, 827 M€); granted = 195 M€ (2018) - 69 M€ (call 2)"},
    "call2": {"applications": 61, "laureates": 16, "total_cost_eur": 757e6, "requested_eur": 300e6,
              "laureates_total_cost_eur": 135e6, "granted_eur": 69e6,
              "source": "[INVESTIR POUR TRANSFORMER] Le 2ème appel à projets du FTAP retient 16 lauréats (DITP, 2018-11-12)"},
    "year2018": {"laureates": 33, "granted_eur": 195e6, "total_cost_eur": 472e6,
                 "source": "[INVESTIR POUR TRANSFORMER] Le 2ème appel à projets du FTAP retient 16 lauréats (DITP, 2018-11-12)"},
    "end2019": {"laureates": 63, "granted_eur": 351e6,
                "source": "[CITP] Rencontre entre le Premier ministre et les lauréats du FTAP (DITP, 2019-11-19)"},
    "ftap_envelope_eur": {"value": 700e6,
                          "source": "700 millions d'euros pour transformer l'action publique (DITP, 2018)"},
    "fitn_envelope_eur": {"value": 292e6,
                          "source": "France Relance : accélérer la transition numérique de l'État et des territoires (DINUM et DITP, 2021)"},
}


def _csv(name: str, **kw) -> pd.DataFrame:
    with resources.files("workbench").joinpath("data", *name.split("/")).open("rb") as fh:
        return pd.read_csv(fh, **kw)


def ftap_calls() -> pd.DataFrame:
    """FTAP call-level figures; amounts in M€ as published, blanks unknown (``source`` per row)."""
    return _csv("ftap_calls_and_totals.csv")


def ftap_call2_laureates() -> pd.DataFrame:
    """The 16 laureates of FTAP call 2 with ``granted_eur`` [EUR] (DITP, 12 Nov 2018; sum 68,625,000)."""
    return _csv("ftap_call2_laureates_2018.csv")


def fitn_sub_envelopes() -> pd.DataFrame:
    """FITN sub-envelopes ``code``, ``purpose``, ``amount_eur`` [EUR] (France Relance 6-2; sum 265 M€)."""
    return _csv("fitn_sub_envelopes.csv")


def panorama_key_figures() -> pd.DataFrame:
    """Panorama headline figures by edition, slippages as fractions (``*_rate`` columns)."""
    df = _csv("reference_class/panorama_key_figures_by_edition.csv", dtype=str)

    def num(s: str) -> float:
        return float(str(s).replace("%", "").replace(",", ".").strip())

    out = pd.DataFrame({
        "edition": df["edition"],
        "projects": df["projets"].astype(int),
        "total_eur": df["total_md_eur"].map(num) * 1e9,
        "mean_duration_years": df["duree_moy_ans"].map(num),
        "calendar_slippage_rate": df["ecart_calendaire_moy"].map(num) / 100,
        "budget_slippage_rate": df["ecart_budgetaire_moy"].map(num) / 100,
    })
    return out


def panorama_cost_drift() -> pd.DataFrame:
    """115 panorama projects: first/last cost (M€) and duration (years), ``cost_ratio``, ``dur_ratio``."""
    return _csv("reference_class/panorama_cost_drift_2016_2021.csv")


def canada_it_projects() -> pd.DataFrame:
    """Canadian IT projects with ``original_budget``, ``latest_budget`` [CAD] and ``cost_ratio``.

    Only projects seen twice or more (``numOfEntries >= 2``) with both budgets carry a ratio;
    the domain digest reports 192 such projects, median ratio 1.17.
    """
    df = _csv("reference_class/canada_gc_it_projects.csv")

    def money(s):
        if pd.isna(s):
            return np.nan
        return float(str(s).replace("$", "").replace(",", "").strip() or "nan")

    df["original_budget"] = df["originalBudget"].map(money)
    df["latest_budget"] = df["latestBudget"].map(money)
    df["cost_ratio"] = np.where(
        (df["numOfEntries"] >= 2) & (df["original_budget"] > 0), df["latest_budget"] / df["original_budget"], np.nan
    )
    return df


# ------------------------------------------------------------------------------------------------
# the registry of source documents and the reference format
# ------------------------------------------------------------------------------------------------
def documents() -> pd.DataFrame:
    """The public documents the scenarios and history files cite: ``id``, ``title``,
    ``publisher``, ``date`` (ISO, as precise as known), ``url`` (blank where unknown),
    ``local_copy`` (a text copy of the document in the project's shared material that holds
    the words quoted from it; blank when the document was read online and no copy is held) and
    ``recorded_in`` (a data table of the shared material where figures of the document were
    recorded, for traceability only: it does not hold the document's words)."""
    return _csv("documents.csv", dtype=str, keep_default_na=False)


@dataclass(frozen=True)
class Citation:
    """One document cited by a reference: its title, publisher, date and quoted words."""

    title: str
    publisher: str
    date: str
    quotations: tuple[str, ...]
    remark: str = ""


_CITE = re.compile(r"^(?P<title>.+?) \((?P<publisher>[^()]+(?:\([^()]*\)[^()]*)*), "
                   r"(?P<date>\d{4}(?:-\d{2}){0,2})\)(?:, (?P<url>https?://\S+?))?: (?P<rest>.*)$", re.S)
_QUOTE = re.compile(r"«\s*(.+?)\s*»", re.S)
#: Words that show a reference names a file of the project instead of a public document.
FILE_WORDS = re.compile(r"\bseeds?\b|\.txt\b|\.csv\b|domain\.md|\bdata/", re.I)


def _split_top(text: str) -> list[str]:
    """``text`` split at ``" ; "`` outside « quotations »."""
    parts: list[str] = []
    cur: list[str] = []
    depth, i = 0, 0
    while i < len(text):
        ch = text[i]
        depth += ch == "«"
        depth -= ch == "»" and depth > 0
        if depth == 0 and text.startswith(" ; ", i):
            parts.append("".join(cur))
            cur, i = [], i + 3
            continue
        cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def parse_reference(text: str) -> list[Citation]:
    """The documents a reference cites, in order.

    Each part is ``<title> (<publisher>, <date>): « … »``; the document's URL may follow the
    parenthesis (``<title> (<publisher>, <date>), https://…: « … »``), though the registry holds it.

    Raises ``ValueError`` naming the part that is not ``<title> (<publisher>, <date>): « … »``.
    Words after the last quotation of a part are kept as its ``remark`` (how the figure is
    derived from the quoted words, e.g. a difference of two published amounts).
    """
    out = []
    for part in _split_top(str(text)):
        m = _CITE.match(part)
        if not m:
            raise ValueError(f"not '<title> (<publisher>, <date>): « quotation »': {part[:80]!r}")
        rest = m["rest"]
        quotes = tuple(q.strip() for q in _QUOTE.findall(rest))
        if not quotes:
            raise ValueError(f"no « quotation » from {m['title']!r}")
        remark = rest[rest.rfind("»") + 1:].strip()
        out.append(Citation(m["title"].strip(), m["publisher"].strip(), m["date"], quotes, remark))
    return out


def reference_problems(text: str, registry: pd.DataFrame | None = None) -> list[str]:
    """Why a reference does not cite registered public documents with their words (``[]`` if it does).

    A reference must name documents, not files (``seed``, ``.txt``, ``.csv``, ``domain.md``,
    ``data/``); each document must be in :func:`documents` under the same title, publisher and
    date; each must be quoted between « ».
    """
    reg = documents() if registry is None else registry
    problems = []
    if found := FILE_WORDS.search(str(text)):
        problems.append(f"names a file, not a document: {found.group(0)!r}")
    try:
        cites = parse_reference(text)
    except ValueError as exc:
        return problems + [str(exc)]
    by_title = {t: (p, d) for t, p, d in zip(reg["title"], reg["publisher"], reg["date"])}
    for c in cites:
        if c.title not in by_title:
            problems.append(f"document not in the registry (workbench/data/documents.csv): {c.title!r}")
        elif by_title[c.title] != (c.publisher, c.date):
            p, d = by_title[c.title]
            problems.append(f"{c.title!r} is registered as ({p}, {d}), cited as ({c.publisher}, {c.date})")
    return problems
