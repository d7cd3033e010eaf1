"""A fund's published history as data: the figures a back-test and a calibration compare with.

Each fund's published figures live in a YAML file beside its scenarios (``parameters/history/
ftap.yaml``), named by the scenario's ``history:`` key (relative to the folder of the scenario
file that names it).  A user writes one for another fund without touching the code
(``docs/guide/historique-publie.md``)::

    fund: FTAP                       # the fund the figures describe (default of each figure)
    title: "FTAP 2018-2022 : chiffres publiés"
    figures:
      - id: call2_laureates          # unique in the file: the figure's code in tables
        label: {fr: "appel 2 : lauréats", en: "call 2: laureates"}   # or a word of the catalog
        kind: laureates              # what is measured: one of KINDS
        scope: {calls: [FTAP-AAP2]}  # calls, until, year, level, fund (what each kind takes: KINDS)
        observed: {value: 16}        # or {range: [low, high]}; error_sd / error_rate for "about"
        date: 2018-10-31             # the date the figure describes (end of its period)
        published: 2018-11-12        # when it was published
        sources:                     # the documents, with their words
          - document: ditp-ftap-aap2-laureats-2018      # an id of the registry (documents.csv), or:
            # title: ..., publisher: ..., date: ..., url: ...  (a document not in the registry)
            quotation: "Le comité de pilotage réuni le 31 octobre a sélectionné 16 projets"
        repeats_input: "..."         # optional: why the figure cannot test the model (it is an
                                     # input or follows from one); shown, not counted in the score

``date`` decides whether a figure is in or out of a calibration window
(``workbench calibrate --until``).  A figure is compared with a scenario only when the scenario
has its fund, every call it names (a recurring call by its base id), its level and its year.

:data:`KINDS` is the vocabulary; the one function mapping each kind to the model's outputs is
:func:`workbench.analysis.observables.observe`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterable

from .errors import MISSING, Collector, InputError, Problem, closest
from .messages import msg
from .schema import Any_, Ctx, Date, Fields, ListOf, Num, Str

#: The kinds of published figure: ``{kind: (unit, source of the model's value, scope keys it
#: takes, scope keys it requires)}``.  ``decisions``: from the committees' decisions of a
#: synthetic pipeline (laureates and grants); ``simulation``: from the envelope simulation of
#: those decisions (commitments and payments by year).
KINDS: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    # the number of laureates of the calls named (and/or decided by ``until``), of a level
    "laureates": ("projects", "decisions", ("fund", "calls", "until", "level"), ()),
    # the grants of those laureates [EUR]
    "granted_eur": ("EUR", "decisions", ("fund", "calls", "until", "level"), ()),
    # the laureates' total project cost [EUR]
    "laureates_total_cost_eur": ("EUR", "decisions", ("fund", "calls", "until", "level"), ()),
    # the average grant [EUR]
    "mean_grant_eur": ("EUR", "decisions", ("fund", "calls", "until", "level"), ()),
    # AE legally committed (transformation contracts signed: AE consumed on the fund's programme)
    # in the year [EUR]; ``calls`` lists the calls whose laureates the year may commit: the figure
    # is compared only with a scenario that has them all
    "ae_consumed_eur": ("EUR", "simulation", ("fund", "calls", "year"), ("year",)),
    # AE committed after the year (a fund whose credits were usable until then) [EUR]
    "ae_consumed_after_eur": ("EUR", "simulation", ("fund", "calls", "year"), ("year",)),
    # what the fund paid in the year, wherever the CP were executed [EUR]
    "cp_paid_eur": ("EUR", "simulation", ("fund", "calls", "year"), ("year",)),
    # CP consumed on the fund's own programme: funds.<fund>.cp_on_programme_rate x payments [EUR]
    "cp_consumed_eur": ("EUR", "simulation", ("fund", "calls", "year"), ("year",)),
    # payments made through CP moved out of the programme: (1 - rate) x payments [EUR]; observed
    # as a range [0, CP moved out of the programme in the year]
    "cp_paid_off_programme_eur": ("EUR", "simulation", ("fund", "calls", "year"), ("year",)),
}

_SOURCE = Fields({
    "document": Str(), "title": Str(), "publisher": Str(), "date": Any_(), "url": Str(),
    "quotation": Any_(), "remark": Str(), "words_not_held": Str(),
})
_FIGURE = Fields({
    "id": Str(), "label": Any_(), "kind": Str(list(KINDS)),
    "scope": Fields({"fund": Str(), "calls": ListOf(Str()), "until": Date(),
                     "year": Num(ge=1900, le=2200, integer=True), "level": Str()}),
    "observed": Fields({"value": Num(), "range": ListOf(Num(), min_len=2), "error_sd": Num(ge=0),
                        "error_rate": Num(ge=0, le=1), "error_reason": Str()}),
    "date": Date(), "published": Date(),
    "sources": ListOf(_SOURCE, min_len=1),
    "repeats_input": Str(), "note": Str(),
}, required=("id", "label", "kind", "observed", "date", "sources"))
SCHEMA = Fields({"fund": Str(), "title": Str(), "description": Str(), "figures": ListOf(_FIGURE, min_len=1)},
                required=("fund", "figures"))


@dataclass(frozen=True)
class Source:
    """One document a figure comes from: title, publisher, date, URL and the quoted words."""

    title: str
    publisher: str
    date: str
    url: str = ""
    quotations: tuple[str, ...] = ()
    remark: str = ""
    words_not_held: str = ""
    document: str = ""          # the registry id, when registered

    def citation(self) -> str:
        """``<title> (<publisher>, <date>): « … »`` (the format of :mod:`workbench.reference`)."""
        quoted = " … ".join(f"« {q} »" for q in self.quotations)
        text = f"{self.title} ({self.publisher}, {self.date})"
        if quoted:
            text += f": {quoted}"
        if self.remark:
            text += f" {self.remark}"
        return text


@dataclass(frozen=True)
class Figure:
    """One published figure: what it measures (``kind``, ``scope``), what was observed (a
    ``value`` with its observation error ``error_sd``, or a range ``low``-``high``), the date
    it describes and its documents."""

    id: str
    label: str | dict  # a key of messages.LABELS, or the figure's own words by language
    kind: str
    fund: str
    date: dt.date
    sources: tuple[Source, ...]
    calls: tuple[str, ...] = ()
    until: dt.date | None = None
    year: int | None = None
    level: str | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    error_sd: float = 0.0
    error_reason: str = ""
    published: dt.date | None = None
    repeats_input: str = ""
    note: str = ""

    @property
    def unit(self) -> str:
        return KINDS[self.kind][0]

    @property
    def simulated(self) -> bool:
        """Whether the model's value comes from the envelope simulation (else the decisions)."""
        return KINDS[self.kind][1] == "simulation"

    @property
    def is_range(self) -> bool:
        return self.value is None

    @property
    def reference_value(self) -> float:
        """The value to scale gaps by: the observed value, else the range's upper end (or 1)."""
        if self.value is not None:
            return float(self.value)
        return float(self.high) if self.high else 1.0

    def in_sample(self, until: dt.date | None) -> bool:
        """Whether the figure describes a period ending by ``until`` (``None``: none is)."""
        return until is not None and self.date <= until

    def citation(self) -> str:
        return " ; ".join(s.citation() for s in self.sources)

    def text(self, lang: str = "fr") -> str:
        """The figure's label in ``lang``."""
        from .messages import LABELS

        if isinstance(self.label, str):
            return LABELS[self.label].get(lang, LABELS[self.label]["en"])
        return self.label.get(lang) or self.label.get("en") or self.label.get("fr") or self.id


@dataclass
class History:
    """A validated history file: its fund, title and figures, and where it came from."""

    path: Path
    fund: str
    title: str
    figures: tuple[Figure, ...]
    sha256: str = ""
    problems: list = field(default_factory=list)

    def applicable(self, scenario) -> tuple[Figure, ...]:
        """The figures that can be compared with ``scenario`` (see :func:`applies`)."""
        return tuple(f for f in self.figures if applies(f, scenario))


def applies(fig: Figure, scenario) -> bool:
    """Whether ``scenario`` can be compared with ``fig``: it has the figure's fund, every call the
    figure names (a recurring call by its base id or a session's id), its level, and its year
    inside the horizon."""
    if fig.fund not in scenario.funds:
        return False
    ids = {c.id for c in scenario.calls} | set(scenario.call_ids_written)
    if not set(fig.calls) <= ids:
        return False
    if fig.level is not None and fig.level not in scenario.envelope_codes:
        return False
    if fig.year is not None and fig.year not in scenario.years:
        return False
    return True


def file_hash(path: str | Path) -> str:
    """SHA-256 of a file's bytes (the provenance of a calibration)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_history(path: str | Path) -> History:
    """Read and validate a history file.

    Raises
    ------
    InputError
        Every problem found, each naming the file, the key path (``figures[3].observed.range``),
        the value and the rule.
    """
    from .scenario import read_yaml

    path = Path(path)
    data, probs = read_yaml(path)
    if probs:
        raise InputError(probs)
    col = Collector(str(path))
    data = SCHEMA.check(data, "", Ctx(col, partial=False))
    col.raise_if_any()
    figures = _figures(data, col)
    col.raise_if_any()
    return History(path=path, fund=str(data["fund"]), title=str(data.get("title", "")), figures=tuple(figures),
                   sha256=file_hash(path))


def _figures(data: dict, col: Collector) -> list[Figure]:
    from .messages import LABELS
    from .reference import documents

    reg = documents().set_index("id")
    out, seen = [], set()
    for i, f in enumerate(data["figures"]):
        p = f"figures[{i}]"
        fid = str(f["id"])
        if fid in seen:
            col.add(f"{p}.id", fid, msg("E_HISTORY_ID_TWICE"))
        seen.add(fid)
        label = f["label"]
        if isinstance(label, str):
            if label not in LABELS:
                col.add(f"{p}.label", label, msg("E_HISTORY_LABEL", suggestion=closest(label, LABELS)))
        elif not (isinstance(label, dict) and label and all(k in ("fr", "en") and isinstance(v, str)
                                                              for k, v in label.items())):
            col.add(f"{p}.label", label, msg("E_HISTORY_LABEL", suggestion=None))
        kind = f["kind"]
        _unit, _src, takes, needs = KINDS[kind]
        scope = f.get("scope") or {}
        for k in scope:
            if k not in takes:
                col.add(f"{p}.scope.{k}", scope[k], msg("E_HISTORY_SCOPE_KEY", kind=kind, keys=list(takes)))
        for k in needs:
            if k not in scope:
                col.add(f"{p}.scope.{k}", MISSING, msg("E_HISTORY_SCOPE_NEEDS", kind=kind))
        obs = f["observed"]
        value, low, high, sd = obs.get("value"), None, None, 0.0
        if ("value" in obs) == ("range" in obs):
            col.add(f"{p}.observed", obs, msg("E_HISTORY_VALUE_OR_RANGE"))
        if "range" in obs:
            rng = obs["range"]
            if len(rng) != 2 or rng[0] > rng[1]:
                col.add(f"{p}.observed.range", rng, msg("E_HISTORY_RANGE"))
            else:
                low, high = float(rng[0]), float(rng[1])
            if "error_sd" in obs or "error_rate" in obs:
                col.add(f"{p}.observed", obs, msg("E_HISTORY_RANGE_ERROR"))
        if "error_sd" in obs and "error_rate" in obs:
            col.add(f"{p}.observed", obs, msg("E_HISTORY_ONE_ERROR"))
        if value is not None:
            sd = float(obs.get("error_sd", 0.0)) + float(obs.get("error_rate", 0.0)) * abs(float(value))
        sources = []
        for j, s in enumerate(f["sources"]):
            sp = f"{p}.sources[{j}]"
            sources.append(_source(s, sp, reg, col))
        out.append(Figure(
            id=fid, label=label if isinstance(label, str) else dict(label), kind=kind,
            fund=str(scope.get("fund", data["fund"])), date=f["date"], sources=tuple(sources),
            calls=tuple(scope.get("calls") or ()), until=scope.get("until"), year=scope.get("year"),
            level=scope.get("level"), value=None if value is None else float(value), low=low, high=high,
            error_sd=sd, error_reason=str(obs.get("error_reason", "")), published=f.get("published"),
            repeats_input=str(f.get("repeats_input", "")), note=str(f.get("note", ""))))
    return out


def _source(s: dict, sp: str, reg, col: Collector) -> Source:
    q = s.get("quotation")
    quotes = (q,) if isinstance(q, str) else tuple(q) if isinstance(q, list) else ()
    if q is not None and not (quotes and all(isinstance(x, str) and x.strip() for x in quotes)):
        col.add(f"{sp}.quotation", q, msg("E_HISTORY_QUOTATION"))
    if not quotes and not s.get("words_not_held"):
        col.add(f"{sp}.quotation", MISSING, msg("E_HISTORY_NO_WORDS"))
    if "document" in s:
        doc = str(s["document"])
        if doc not in reg.index:
            col.add(f"{sp}.document", doc, msg("E_HISTORY_DOCUMENT", suggestion=closest(doc, reg.index)))
            return Source(doc, "", "", quotations=quotes)
        r = reg.loc[doc]
        return Source(r["title"], r["publisher"], r["date"], r["url"], quotes, str(s.get("remark", "")),
                      str(s.get("words_not_held", "")), doc)
    for k in ("title", "publisher", "date"):
        if k not in s:
            col.add(f"{sp}.{k}", MISSING, msg("E_HISTORY_DOCUMENT_FIELDS"))
    when = s.get("date")
    when = when.isoformat() if isinstance(when, dt.date) else str(when or "")
    return Source(str(s.get("title", "")), str(s.get("publisher", "")), when, str(s.get("url", "")), quotes,
                  str(s.get("remark", "")), str(s.get("words_not_held", "")))


def history_of(scenario) -> History | None:
    """The history file the scenario names (``history:``), validated; ``None`` when it names none.

    Raises
    ------
    InputError
        The file is missing, outside the allowed folders, or breaks a rule.
    """
    path = scenario.history_path()
    if path is None:
        return None
    if not path.is_file():
        raise InputError([Problem(str(scenario.path), "history", scenario.history_file,
                                  msg("E_HISTORY_FILE_MISSING", path=path))])
    return load_history(path)


def figures_for(scenario, history: History | None = None) -> tuple[Figure, ...]:
    """The published figures of the scenario's history file that apply to it (``()`` when it
    names no history file)."""
    if history is None:
        path = scenario.history_path()
        if path is not None and not path.is_file():
            return ()   # the scenario's warnings say the file is missing (W_HISTORY_MISSING)
        history = history_of(scenario)
    return () if history is None else history.applicable(scenario)


def problems_of(path: str | Path) -> list[Problem]:
    """The problems of a history file (``[]`` when it is valid)."""
    try:
        load_history(path)
    except InputError as exc:
        return exc.problems
    return []


def quotations(history: History) -> Iterable[tuple[str, str, str]]:
    """``(where, document title, quotation)`` for each quotation of the file (for the check that
    each is in the copy of its document that the registry names)."""
    for f in history.figures:
        for s in f.sources:
            for q in s.quotations:
                yield f"{history.path.name}: {f.id}", s.title, q
