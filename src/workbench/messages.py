"""The one catalog of user-facing messages, keyed by codes, in French and English.

Every message the package shows a user about bad input (a scenario, a candidate file, a
laureate book, a command-line option), a selection reason, a scenario warning, and every word of
the dashboard's controls and headings has a code and named parameters: :func:`render` writes it
in French (the default, the users are a French directorate) or English from :data:`CATALOG`.  Nothing is ever translated by re-reading English
text, so rewording a message changes both languages in one place.

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
from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any, Mapping

from .units import _group

LANGS = ("fr", "en")


@dataclass(frozen=True)
class Message:
    """A coded message: ``code`` in :data:`CATALOG` and its named parameters."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: str = "fr") -> str:
        return render(self.code, lang, **self.params)

    def __str__(self) -> str:  # the English wording (command line, logs, compatibility)
        return self.render("en")


def msg(code: str, **params: Any) -> Message:
    """A :class:`Message` (``code`` must be in :data:`CATALOG`)."""
    if code not in CATALOG:
        raise KeyError(f"unknown message code {code!r}")
    return Message(code, params)


class Text(str):
    """The English text of a coded message that keeps the message, so that it renders in another
    language (:meth:`render`) wherever it travels as a string: a table cell, a place in a file.

    Plain string operations (``+``, ``str()``, a CSV file) give plain English text: the message
    then only survives as the table's ``reason_code`` column where one is kept.
    """

    message: Message

    def __new__(cls, message: Message) -> "Text":
        self = super().__new__(cls, message.render("en"))
        self.message = message
        return self

    def __reduce__(self):  # pickled with its message (the dashboard's cache)
        return (type(self), (self.message,))

    @property
    def code(self) -> str:
        return self.message.code

    def render(self, lang: str = "fr") -> str:
        return self.message.render(lang)


def code_of(text: Any) -> str:
    """The message code a :class:`Text` (or :class:`Message`) carries, ``""`` for plain text."""
    if isinstance(text, Message):
        return text.code
    m = getattr(text, "message", None)
    return m.code if isinstance(m, Message) else ""


def render_text(text: Any, lang: str = "fr") -> str:
    """``text`` in ``lang`` when it carries a message (:class:`Text`, :class:`Message`); plain
    text (a third party's, or read back from a file) as it is, never re-parsed."""
    if isinstance(text, Message):
        return text.render(lang)
    m = getattr(text, "message", None)
    return m.render(lang) if isinstance(m, Message) else ("" if text is None else str(text))


_OPS = {"fr": {">": ">", ">=": "≥", "<": "<", "<=": "≤"}, "en": {">": ">", ">=": ">=", "<": "<", "<=": "<="}}
_AND = {"fr": " et ", "en": " and "}


def _number(value: Any, spec: str, lang: str) -> str:
    return _group(format(value, spec) if spec else str(value), lang)


def _param(name: str, value: Any, spec: str, lang: str) -> str:
    if name == "suggestion":
        if not value:
            return ""
        return f" (vouliez-vous dire « {value} » ?)" if lang == "fr" else f" (did you mean '{value}'?)"
    if name == "choices":
        return ", ".join(str(v) for v in value)
    if name == "parts":
        return "; ".join(render_text(v, lang) for v in value)
    if name == "bounds":
        return _AND[lang].join(f"{_OPS[lang][op]} {_number(x, 'g', lang)}" for op, x in value)
    if isinstance(value, Message) or isinstance(getattr(value, "message", None), Message):
        return render_text(value, lang)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number(value, spec, lang)
    return format(str(value), spec) if spec else str(value)


def render(code: str, lang: str = "fr", **params: Any) -> str:
    """The message ``code`` in ``lang`` with its parameters filled in.

    Raises ``KeyError`` for an unknown code or a missing parameter.
    """
    lang = lang if lang in LANGS else "en"
    template = CATALOG[code][lang]
    out = []
    for literal, name, spec, _conv in string.Formatter().parse(template):
        out.append(literal)
        if name is not None:
            out.append(_param(name, params[name], spec or "", lang))
    return "".join(out)


def _e(fr: str, en: str) -> dict[str, str]:
    return {"fr": fr, "en": en}


#: Every message code -> {"fr": template, "en": template}.
#: ``P_`` places in a file, ``E_`` broken rules of input, ``R_`` selection reasons, ``X_`` explanations of a
#: project's place in the portfolio, ``W_`` scenario warnings, ``D_`` the dashboard's controls, headings and notices.
CATALOG: dict[str, dict[str, str]] = {
    # ---- places in a file ------------------------------------------------------------------
    "P_ROW": _e("ligne {row}", "row {row}"),
    "P_ROW_COLUMN": _e("ligne {row}, colonne {column}", "row {row}, column {column}"),
    "P_COLUMN": _e("colonne {column}", "column {column}"),
    "P_LINE": _e("ligne {line}", "line {line}"),
    "P_LINE_COLUMN": _e("ligne {line}, colonne {column}", "line {line}, column {column}"),
    # ---- files -----------------------------------------------------------------------------
    "E_FILE_MISSING": _e("le fichier n'existe pas", "file does not exist"),
    "E_FILE_IS_FOLDER": _e("est un dossier, pas un fichier", "is a folder, not a file"),
    "E_FILE_EMPTY": _e("le fichier est vide", "file is empty"),
    "E_FILE_UNREADABLE": _e("illisible ({detail})", "cannot be read ({detail})"),
    "E_FILE_TOO_LARGE_MEMORY": _e("trop volumineux pour être lu en mémoire", "too large to read in memory"),
    "E_NOT_UTF8": _e("n'est pas un texte UTF-8 : enregistrer le fichier en UTF-8 (il a sans doute été enregistré "
                     "en Latin-1/cp1252)",
                     "is not UTF-8 text: save the file as UTF-8 (e.g. it was saved as Latin-1/cp1252)"),
    "E_NOT_UTF8_CP1252": _e("n'est ni un texte UTF-8 ni un texte cp1252 ; enregistrer le fichier en UTF-8",
                            "is neither UTF-8 nor cp1252 text; save the file as UTF-8"),
    "E_MIXED_ENCODINGS": _e("mélange d'encodages : la ligne {first} est en UTF-8 mais pas la ligne {other} "
                            "(cp1252/Latin-1 ?) ; enregistrer tout le fichier dans un seul encodage, de préférence "
                            "UTF-8",
                            "mixes encodings: line {first} is UTF-8 but line {other} is not (cp1252/Latin-1?); "
                            "save the whole file in one encoding, preferably UTF-8"),
    "E_OUTSIDE_ALLOWED": _e("désigne un fichier hors des dossiers autorisés (le dossier du scénario, celui du projet "
                            "et {env}) ; ajouter son dossier à {env} pour l'autoriser",
                            "names a file outside the allowed folders (the scenario's folder, the project folder "
                            "and {env}); add its folder to {env} to allow it"),
    # ---- scenario files ----------------------------------------------------------------------
    "E_SCENARIO_TOO_LARGE": _e("un fichier de scénario contient au plus {limit:,} octets",
                               "a scenario file may hold at most {limit:,} bytes"),
    "E_YAML_SYNTAX": _e("erreur de syntaxe YAML : {detail}", "YAML syntax error: {detail}"),
    "E_YAML_TOO_DEEP": _e("imbriqué sur plus de {depth} niveaux", "nested more than {depth} levels deep"),
    "E_SCENARIO_NOT_MAPPING": _e("un fichier de scénario doit être une table « clé: valeur »",
                                 "a scenario file must be a mapping of key: value"),
    "E_EXTENDS_CYCLE": _e("cycle d'extends : {chain}", "extends cycle: {chain}"),
    "E_EXTENDS_TOO_LONG": _e("une chaîne d'extends compte au plus {limit} fichiers",
                             "an extends chain may hold at most {limit} files"),
    "E_END_BEFORE_START": _e("ne doit pas précéder horizon.start_year ({start})",
                             "must not be before horizon.start_year ({start})"),
    "E_ENVELOPE_CODE_NOT_UNIQUE": _e("un code d'enveloppe doit être unique entre les fonds",
                                     "an envelope code must be unique across funds"),
    "E_YEAR_OUTSIDE_HORIZON": _e("année hors de l'horizon {start}-{end}", "year outside the horizon {start}-{end}"),
    "E_DATE_OUTSIDE_HORIZON": _e("date hors de l'horizon {start}-{end}", "date outside the horizon {start}-{end}"),
    "E_FUND_UNDEFINED": _e("fonds non défini sous funds{suggestion}", "fund not defined under funds{suggestion}"),
    "E_SUB_ENVELOPE_UNDEFINED": _e("sous-enveloppe non définie sous funds.*.sub_envelopes{suggestion}",
                                   "sub-envelope not defined under funds.*.sub_envelopes{suggestion}"),
    "E_SUB_ENVELOPE_UNDEFINED_FUNDS": _e("sous-enveloppe non définie sous funds{suggestion}",
                                         "sub-envelope not defined under funds{suggestion}"),
    "E_DEADLINE_BEFORE_OPEN": _e("ne doit pas précéder open", "must not be before open"),
    "E_DECISION_BEFORE_DEADLINE": _e("ne doit pas précéder deadline", "must not be before the deadline"),
    "E_UNTIL_NEEDS_EVERY": _e("until demande every_months", "until needs every_months"),
    "E_SCALE_ORDER": _e("le minimum de l'échelle doit être inférieur au maximum", "scale min must be below max"),
    "E_WEIGHTS_ALL_ZERO": _e("les poids ne doivent pas être tous nuls", "weights must not all be zero"),
    "E_MIN_ABOVE_MAX": _e("le minimum ne doit pas dépasser le maximum", "min must not exceed max"),
    "E_PROFILE_SUM": _e("la somme doit valoir 1 (100 %), elle vaut {total:.4g}",
                        "must sum to 1 (100 %), sums to {total:.4g}"),
    "E_MIX_SUM": _e("les poids body, lognormal et tail doivent totaliser au plus 1 (somme {total:.4g})",
                    "body, lognormal and tail weights must sum to at most 1 (sum {total:.4g})"),
    "E_UNKNOWN_CRITERION": _e("critère inconnu{suggestion}", "unknown criterion{suggestion}"),
    "E_WEIGHT_INTERVAL": _e("doit être [bas, haut] avec 0 ≤ bas ≤ haut ≤ 1",
                            "must be [low, high] with 0 <= low <= high <= 1"),
    "E_WEIGHT_INTERVALS_INFEASIBLE": _e("aucun jeu de poids de somme 1 ne tient dans ces intervalles (les bornes "
                                        "basses doivent totaliser ≤ 1, les hautes ≥ 1)",
                                        "no weights summing to 1 fit these intervals (lows must sum to <= 1, "
                                        "highs to >= 1)"),
    "E_CRITERION_TWICE": _e("un critère apparaît deux fois", "a criterion appears twice"),
    "E_REQUIRED_WHEN_SOURCE": _e("obligatoire quand source vaut {source}", "is required when source is {source}"),
    "E_CANDIDATE_FILE_MISSING": _e("le fichier de candidats n'existe pas ({path})",
                                   "candidate file does not exist ({path})"),
    "E_APPROPRIATION_YEAR_KEY": _e("une année d'ouverture de crédits doit être une année, par exemple 2019",
                                   "an appropriation year must be a year such as 2019"),
    "E_PAYMENT_YEAR_KEY": _e("une année de paiement doit être une année, par exemple 2021",
                             "a payment year must be a year such as 2021"),
    "E_WEIGHT_NEGATIVE": _e("un poids doit être ≥ 0", "a weight must be >= 0"),
    # ---- the schema's checks -------------------------------------------------------------------
    "E_NOT_TEXT": _e("doit être un texte", "must be text"),
    "E_SIMULATION_NEEDS_CALL": _e("la simulation a besoin d'au moins un appel", "the simulation needs at least one call"),
    "E_ONE_OF": _e("doit valoir l'une de ces valeurs : {choices}{suggestion}", "must be one of {choices}{suggestion}"),
    "E_NOT_BOOL": _e("doit valoir true ou false (vrai ou faux)", "must be true or false"),
    "E_NOT_NUMBER": _e("doit être un nombre", "must be a number"),
    "E_NOT_WHOLE_NUMBER": _e("doit être un nombre entier", "must be a whole number"),
    "E_NOT_FINITE": _e("doit être un nombre fini", "must be a finite number"),
    "E_BOUNDS": _e("doit être {bounds}", "must be {bounds}"),
    "E_AMOUNT": _e("doit être un montant en euros > 0", "must be an amount in euros > 0"),
    "E_FRACTION": _e("doit être une fraction entre 0 et 1 (par exemple 0,75 pour 75 %)",
                     "must be a fraction between 0 and 1 (e.g. 0.75 for 75 %)"),
    "E_NOT_DATE": _e("doit être une date écrite AAAA-MM-JJ", "must be a date written YYYY-MM-DD"),
    "E_NOT_LIST": _e("doit être une liste", "must be a list"),
    "E_MIN_ITEMS": _e("doit contenir au moins {n} élément(s)", "must hold at least {n} item(s)"),
    "E_NOT_MAPPING": _e("doit être une table « clé: valeur »", "must be a mapping of key: value"),
    "E_MIN_ENTRY": _e("doit contenir au moins {n} entrée", "must hold at least {n} entry"),
    "E_MIN_ENTRIES": _e("doit contenir au moins {n} entrées", "must hold at least {n} entries"),
    "E_INVALID_KEY": _e("n'est pas une clé valide", "is not a valid key"),
    "E_UNKNOWN_KEY": _e("clé inconnue{suggestion}", "unknown key{suggestion}"),
    "E_REQUIRED": _e("obligatoire", "is required"),
    "E_PARAM_REQUIRED": _e("obligatoire (un paramètre a une valeur ou des valeurs datées)",
                           "is required (a parameter needs value or values)"),
    "E_VALUE_AND_VALUES": _e("donner value ou values (datées), pas les deux",
                             "give either value or values (dated), not both"),
    "E_VALUES_NOT_MAPPING": _e("doit associer des dates (AAAA-MM-JJ ou une année) à des valeurs",
                               "must map dates (YYYY-MM-DD or a year) to values"),
    "E_DATED_KEY": _e("la clé d'une valeur datée doit être une date AAAA-MM-JJ ou une année",
                      "a dated value's key must be a date YYYY-MM-DD or a year"),
    # ---- candidate files -----------------------------------------------------------------------
    "E_CANDIDATE_SUFFIX": _e("un fichier de candidats doit être .csv ou .xlsx", "a candidate file must be .csv or .xlsx"),
    "E_CANDIDATES_TOO_LARGE": _e("un fichier de candidats contient au plus {limit:,} octets",
                                 "a candidate file may hold at most {limit:,} bytes"),
    "E_TOO_MANY_COLUMNS": _e("un fichier de candidats a au plus {limit} colonnes",
                             "a candidate file may have at most {limit} columns"),
    "E_TOO_MANY_ROWS": _e("un fichier de candidats contient au plus {limit:,} lignes de candidats",
                          "a candidate file may hold at most {limit:,} candidate rows"),
    "E_CELL_TOO_LONG": _e("une cellule contient au plus {limit:,} caractères (elle en contient {length:,})",
                          "a cell may hold at most {limit:,} characters (it holds {length:,})"),
    "E_CELL_COUNT": _e("a {cells} cellules pour {columns} colonnes (une virgule décimale dans un fichier séparé "
                       "par des virgules ? séparer les colonnes par « ; »)",
                       "has {cells} cells for {columns} columns (a decimal comma in a ',' separated file? use ';' "
                       "as separator)"),
    "E_CSV_UNREADABLE": _e("illisible comme CSV ({detail})", "cannot be read as CSV ({detail})"),
    "E_XLSX_UNREADABLE": _e("illisible comme classeur XLSX ({detail})", "cannot be read as an XLSX workbook ({detail})"),
    "E_XLSX_TOO_LARGE": _e("se décompresse en plus de {limit:,} octets : trop de lignes ou de colonnes (au plus "
                           "{candidates:,} candidats)",
                           "unpacks to more than {limit:,} bytes: too many rows or columns (at most {candidates:,} "
                           "candidates)"),
    "E_FORMULA_NO_VALUE": _e("est une formule enregistrée sans sa valeur : ouvrir et enregistrer le fichier dans un "
                             "tableur, ou coller les valeurs au lieu des formules",
                             "is a formula saved without its value: open and save the file in a spreadsheet, or "
                             "paste the values instead of the formulas"),
    "E_COLUMN_MISSING": _e("colonne obligatoire absente{suggestion}", "required column is missing{suggestion}"),
    "E_COLUMN_TWICE": _e("colonne présente plusieurs fois", "column appears more than once"),
    "E_NO_CANDIDATE_ROWS": _e("a un en-tête mais aucune ligne de candidat", "has a header but no candidate rows"),
    "E_SCORE_SCALE": _e("la note doit être dans l'échelle {low:g}-{high:g}", "score must be within the scale {low:g}-{high:g}"),
    "E_DUPLICATE_ID": _e("identifiant en double (première occurrence ligne {row})", "duplicated id (first at row {row})"),
    "E_REQUEST_ABOVE_COST": _e("le montant demandé dépasse total_cost_eur ({total:,.0f})",
                               "requested amount exceeds total_cost_eur ({total:,.0f})"),
    "E_PHASE1_ABOVE_REQUEST": _e("la première phase coûte plus que la demande complète ({requested:,.0f})",
                                 "first phase costs more than the full request ({requested:,.0f})"),
    "E_ENVELOPE_UNDEFINED": _e("code d'enveloppe non défini dans le scénario{suggestion}",
                               "envelope code not defined in the scenario{suggestion}"),
    "E_UNKNOWN_CANDIDATE_REF": _e("désigne un identifiant de candidat inconnu{suggestion}",
                                  "names an unknown candidate id{suggestion}"),
    "E_SELF_REFERENCE": _e("un candidat ne peut pas se désigner lui-même", "a candidate cannot name itself"),
    "E_REQUIRES_CYCLE": _e("cycle de dépendances (requires)", "cycle of requires"),
    # ---- laureate books ------------------------------------------------------------------------
    "E_BOOK_SUFFIX": _e("un livre des lauréats doit être .csv ou .xlsx", "a laureate book must be .csv or .xlsx"),
    "E_NO_PROJECT_ROWS": _e("a un en-tête mais aucune ligne de projet", "has a header but no project rows"),
    "E_DATE_BEFORE_DECISION": _e("date antérieure à la décision ({date})", "date before the decision date ({date})"),
    "E_DATE_AFTER_AS_OF": _e("date postérieure à la date du livre ({date})", "date after the book's as-of date ({date})"),
    "E_PAYMENT_BEFORE_DECISION": _e("paiement une année antérieure à la décision ({date})",
                                    "payment in a year before the decision date ({date})"),
    "E_PAYMENT_BEFORE_CONVENTION": _e("paiement une année antérieure à la convention ({date})",
                                      "payment in a year before the convention date ({date})"),
    "E_PAYMENT_AFTER_AS_OF": _e("paiement postérieur à la date du livre ({date})",
                                "payment after the book's as-of date ({date})"),
    "E_PAYMENTS_NO_CONVENTION": _e("des paiements sont inscrits mais aucune date de convention (engagement)",
                                   "payments are recorded but no convention (commitment) date"),
    "E_PAYMENTS_ABOVE_GRANT": _e("les paiements (somme {total:,.0f}) dépassent la subvention ({grant:,.0f})",
                                 "payments (sum {total:,.0f}) exceed the grant ({grant:,.0f})"),
    "E_UNKNOWN_FUND_CODE": _e("désigne un fonds ou une enveloppe inconnus du scénario{suggestion}",
                              "names an unknown fund or envelope code{suggestion}"),
    "E_DB_NOT_FILE": _e("existe et n'est pas un fichier de base de données", "exists and is not a database file"),
    "E_SNAPSHOT_CONFLICT": _e("le livre « {book} » a déjà un autre instantané à cette date dans {db} ; rien n'est "
                              "écrasé (choisir une autre --as-of ou --name)",
                              "book '{book}' already has a different snapshot at this date in {db}; nothing is "
                              "overwritten (import it with another --as-of or --name)"),
    "E_SNAPSHOT_OLDER": _e("antérieure au dernier instantané du livre « {book} » ({date}) dans {db} : les instantanés "
                           "s'enregistrent dans l'ordre des dates",
                           "older than book '{book}''s latest snapshot ({date}) in {db}: snapshots are stored in "
                           "date order"),
    "E_SEVERAL_BOOKS": _e("{db} contient plusieurs livres ({choices}) : en désigner un avec --name",
                          "{db} holds several books ({choices}): name one with --name"),
    "E_NO_SNAPSHOT": _e("aucun instantané de ce livre n'est enregistré", "no snapshot of this book is stored"),
    "E_BEFORE_FIRST_SNAPSHOT": _e("antérieure au premier instantané du livre ({date})",
                                  "before the first snapshot of the book ({date})"),
    # ---- command-line options -------------------------------------------------------------------
    "E_LANG": _e("la langue doit être l'une de : {choices}", "language must be one of {choices}"),
    "E_PORT": _e("doit être un numéro de port entre 1 et 65535", "must be a port number between 1 and 65535"),
    "E_WEIGHTS_SYNTAX": _e("écrire critère=poids, par exemple strategic=0.4", "write criterion=weight, e.g. strategic=0.4"),
    "E_WEIGHT_NOT_NUMBER": _e("un poids doit être un nombre", "a weight must be a number"),
    "E_NO_WEIGHT": _e("aucun poids donné", "no weight given"),
    "E_BUDGET": _e("le budget doit être > 0 euro", "the budget must be > 0 euros"),
    "E_UNKNOWN_CANDIDATE": _e("identifiant de candidat inconnu", "unknown candidate id"),
    "E_WHOLE_NUMBER_MIN": _e("doit être un nombre entier ≥ {minimum}", "must be a whole number >= {minimum}"),
    "E_SECONDS": _e("doit être un nombre de secondes > 0", "must be a number of seconds > 0"),
    "E_NOTEBOOK_MISSING": _e("le fichier du carnet n'existe pas", "notebook file does not exist"),
    "E_PARAM_SYNTAX": _e("doit s'écrire CLÉ=VALEUR", "must be KEY=VALUE"),
    "E_PARAM_HAS_OPTION": _e("{key} a sa propre option", "{key} has its own option"),
    "E_NOT_NOTEBOOK_PARAM": _e("n'est pas un paramètre du carnet{suggestion}", "not a parameter of the notebook{suggestion}"),
    "E_PARAM_NOT_YAML": _e("la valeur n'est pas du YAML valide", "value is not valid YAML"),
    "E_DASK_NO_ANSWER": _e("aucun ordonnanceur Dask n'a répondu à cette adresse ({detail})",
                           "no Dask scheduler answered at this address ({detail})"),
    "E_SCHEDULER_NEEDS_DASK": _e("un ordonnanceur demande --executor dask", "a scheduler needs --executor dask"),
    "E_GRID_UNKNOWN_KEY": _e("clé inconnue ; une grille contient {choices}", "unknown key; a grid spec holds {choices}"),
    "E_GRID_BASE_REQUIRED": _e("obligatoire : le fichier de scénario que la grille fait varier",
                               "is required: the scenario file the grid varies"),
    "E_GRID_NOT_MAPPING": _e("doit être une table « clé.pointée: [valeurs] »", "must be a mapping of dotted.key: [values]"),
    "E_GRID_VALUES": _e("doit être une liste de valeurs non vide", "must be a non-empty list of values"),
    "E_GRID_CASES": _e("doit être une liste de tables « clé.pointée: valeur »",
                       "must be a list of mappings of dotted.key: value"),
    "E_GRID_EMPTY": _e("une grille demande grid (valeurs à combiner) ou cases (scénarios explicites)",
                       "a grid spec needs grid (values to combine) or cases (explicit scenarios)"),
    "E_SWEEP_TOO_LARGE": _e("un balayage compte au plus {limit:,} scénarios", "a sweep may hold at most {limit:,} scenarios"),
    "E_SCENARIOS_AND_GRID": _e("donner des fichiers de scénario ou --grid, pas les deux",
                               "give scenario files or --grid, not both"),
    "E_SCENARIOS_OR_GRID": _e("donner des fichiers de scénario ou --grid SPEC", "give scenario files or --grid SPEC"),
    "E_PAIR": _e("doit être [bas, haut]", "must be [low, high]"),
    "E_WEIGHTS_TOO_NARROW": _e("les poids admis sont trop resserrés pour être tirés (acceptation sous 1 sur 10^6)",
                               "the weights allowed are too narrow to sample (acceptance below 1 in 10^6)"),
    "E_EXACTLY_ONE": _e("donner exactement l'un des deux", "give exactly one of the two"),
    "E_EITHER": _e("doit valoir « {first} » ou « {second} »", "must be '{first}' or '{second}'"),
    "E_WHOLE_NUMBER_POSITIVE": _e("doit être un nombre entier > 0", "must be a whole number > 0"),
    "E_OPEN_FRACTION": _e("doit être entre 0 et 1 (exclus)", "must be between 0 and 1 (exclusive)"),
    "E_HALF_OPEN_FRACTION": _e("doit être dans [0, 1[", "must be in [0, 1)"),
    "E_SAA_NEEDS_PROBABILITY": _e("saa demande une probabilité", "saa needs a probability"),
    "E_UNKNOWN_RULE": _e("règle de sélection inconnue{suggestion}", "unknown selection rule{suggestion}"),
    "E_UNKNOWN_CRITERION_LIST": _e("critère inconnu{suggestion} ; les critères sont {choices}",
                                   "unknown criterion{suggestion}; criteria are {choices}"),
    "E_WEIGHT_NOT_NUMBER_GE0": _e("un poids doit être un nombre ≥ 0", "a weight must be a number >= 0"),
    "E_UNKNOWN_CANDIDATE_SUGGEST": _e("identifiant de candidat inconnu{suggestion}", "unknown candidate id{suggestion}"),
    "E_FORCED_IN_AND_OUT": _e("un projet ne peut pas être à la fois imposé et écarté",
                              "a project cannot be forced both in and out"),
    "E_DASHBOARD_NOT_FOUND": _e("le carnet du tableau de bord et voila.json sont introuvables : lancer depuis le "
                                "dossier du projet",
                                "the dashboard notebook and voila.json were not found: run from the project folder"),
    "E_TOKEN_NEEDED": _e("un serveur à l'écoute au-delà de cette machine (--ip autre que 127.0.0.1) demande son jeton",
                         "a server listening beyond this machine (--ip other than 127.0.0.1) needs its token"),
    "E_VARIANT_NAME": _e("une variante demande un nom (lettres, chiffres, - ou _)",
                         "a variant needs a name (letters, digits, - or _)"),
    "E_NO_SCENARIO_FILE": _e("aucun fichier de scénario (*.yaml) dans ce dossier", "no scenario file (*.yaml) in this folder"),
    "E_CALL_UNDEFINED": _e("appel non défini dans le scénario (appels : {choices}…)",
                           "call not defined in the scenario (calls: {choices}…)"),
    "E_TOO_MANY_GENERATED": _e("les appels produiraient {n:,} candidats en tout ; au plus {limit:,} "
                               "(workbench.limits.MAX_CANDIDATES)",
                               "the calls would generate {n:,} candidates in all; at most {limit:,} "
                               "(workbench.limits.MAX_CANDIDATES)"),
    "E_OUT_NOT_FOLDER": _e("existe et n'est pas un dossier", "exists and is not a folder"),
    # ---- why a project is in or out, and what would change it (workbench.selection.explanation) ----
    "X_REASON": _e("{id} : {reason}.", "{id}: {reason}."),
    "X_FORCED_IN": _e("{id} est retenu parce qu'il est imposé.", "{id} is selected because it is forced in."),
    "X_FORCED_OUT": _e("{id} n'est pas retenu parce qu'il est écarté d'office.",
                       "{id} is not selected because it is forced out."),
    "X_SELECTED": _e("{id} est retenu ({funding}, payé par {payer}) ; valeur {value:.1f} points, {per_meur:.2f} points "
                     "par M€ (rang {rank} en valeur par euro) ; sans lui, le meilleur portefeuille vaut {loss:.2f} "
                     "points de moins{note}.",
                     "{id} is selected ({funding}, paid by {payer}); value {value:.1f} points, {per_meur:.2f} points "
                     "per M€ (rank {rank} by value per euro); without it the best portfolio is worth {loss:.2f} "
                     "points less{note}."),
    "X_CANNOT": _e("{id} ne peut être retenu avec les autres règles : l'imposer entre en conflit avec {rules}.",
                   "{id} cannot be selected with the other rules: forcing it in conflicts with {rules}."),
    "X_NOT_SELECTED": _e("{id} — {reason} ; valeur {value:.1f} points, {per_meur:.2f} points par M€ (rang {rank} en "
                         "valeur par euro) ; {parts}{note}.",
                         "{id} — {reason}; value {value:.1f} points, {per_meur:.2f} points per M€ (rank {rank} by "
                         "value per euro); {parts}{note}."),
    "X_TIE": _e("un portefeuille de même valeur l'inclut (ex æquo)", "a portfolio of equal value includes it (a tie)"),
    "X_SCORE_IN": _e("il entrerait avec {lack:.2f} points de valeur de plus (+{per_criterion:.2f} sur chaque critère "
                     "de l'échelle {low:g}-{high:g})",
                     "it would come in with {lack:.2f} more value points (+{per_criterion:.2f} on every criterion "
                     "of the {low:g}-{high:g} scale)"),
    "X_NO_SCORE": _e("aucune hausse de note dans l'échelle ne le fait entrer (il lui manque {lack:.2f} points)",
                     "no score increase within the scale brings it in (it lacks {lack:.2f} points)"),
    "X_COST_CUT": _e("ou avec sa demande réduite de {cut_meur:.2f} M€ (à {to_meur:.2f} M€)",
                     "or with its request cut by {cut_meur:.2f} M€ (to {to_meur:.2f} M€)"),
    "X_NO_COST_CUT": _e("aucune réduction de coût seule ne le fait entrer", "no cost reduction alone brings it in"),
    "X_GAP_NOTE": _e(" (valeurs comparées à l'écart prouvé du solveur près, {gap_pct:.2f} %)",
                     " (values compared within the solver's proven gap of {gap_pct:.2f}%)"),
    "X_THE_RULES": _e("les règles", "the rules"),
    # ---- selection reasons (workbench.selection.scoring, workbench.selection, workbench.decisions) ----------
    "R_PARTS": _e("{parts}", "{parts}"),
    "R_FOR_ENVELOPE": _e("{envelope} : {reason}", "{envelope}: {reason}"),
    "R_INELIGIBLE": _e("inéligible : {parts}", "ineligible: {parts}"),
    "R_NO_OPEN_ENVELOPE": _e("aucune enveloppe ouverte", "no open envelope"),
    "R_CONFLICT": _e("aucun portefeuille : les règles sont incompatibles ({detail})",
                     "no portfolio: the rules conflict ({detail})"),
    "R_NOT_SOLVED": _e("aucun portefeuille trouvé dans le temps imparti au solveur (augmenter time_limit_s)",
                       "no portfolio found within the solver's time limit (raise time_limit_s)"),
    "R_SELECTED": _e("retenu{forced}, payé par {payer}", "selected{forced}, paid by {payer}"),
    "R_SELECTED_PHASE1": _e("retenu, première phase seulement{forced}, payé par {payer}",
                            "selected, phase 1 only{forced}, paid by {payer}"),
    "R_FORCED_IN": _e(" (imposé)", " (forced in)"),
    "R_FORCED_OUT": _e("non retenu : écarté d'office", "not selected: forced out"),
    "R_NOT_SELECTED_DEPENDENCY": _e("non retenu : {parts}", "not selected: {parts}"),
    "R_REQUIRES": _e("requiert {other}, non retenu", "requires {other}, which is not selected"),
    "R_EXCLUDES": _e("exclut {other}, retenu", "excludes {other}, which is selected"),
    "R_EXCLUDED_BY": _e("exclu par {other}, retenu", "excluded by {other}, which is selected"),
    "R_OUTRANKED": _e("non retenu : devancé (le budget va plus loin avec d'autres projets)",
                      "not selected: outranked (the budget rules go further with other projects)"),
    "R_SELECTED_MERIT": _e("retenu dans l'ordre de mérite, payé par {payer}", "selected in merit order, paid by {payer}"),
    "R_SELECTED_PHASE1_MERIT": _e("retenu, première phase seulement, dans l'ordre de mérite, payé par {payer}",
                                  "selected, phase 1 only in merit order, paid by {payer}"),
    "R_OUTRANKED_ALLOTMENT": _e("non retenu : devancé (la dotation de l'appel est allée à des projets de plus forte "
                                "valeur par euro)",
                                "not selected: outranked (the call's allotment went to projects of higher value per "
                                "euro)"),
    "R_NO_CREDITS_LEFT": _e("non retenu : plus de crédits pour cet appel", "not selected: no credits left for this call"),
    "R_COST_BELOW_MIN": _e("coût total {total_meur:.2f} M€ sous le minimum de {floor_meur:.2f} M€",
                           "total cost {total_meur:.2f} M€ below the minimum of {floor_meur:.2f} M€"),
    "R_COST_BELOW_TERRITORIAL_MIN": _e("coût total {total_meur:.2f} M€ sous le minimum territorial de {floor_meur:.2f} M€",
                                       "total cost {total_meur:.2f} M€ below the territorial minimum of "
                                       "{floor_meur:.2f} M€"),
    "R_REQUEST_ABOVE_MAX": _e("demande {requested_meur:.2f} M€ au-dessus du maximum de {max_meur:.2f} M€",
                              "request {requested_meur:.2f} M€ above the maximum of {max_meur:.2f} M€"),
    "R_COFINANCING_BELOW": _e("cofinancement {share_pct:.1f} % sous le minimum de {min_pct:.1f} %",
                              "co-financing {share_pct:.1f}% below the {min_pct:.1f}% minimum"),
    "R_COFINANCING_ABOVE": _e("cofinancement {share_pct:.1f} % au-dessus du maximum de {max_pct:.1f} %",
                              "co-financing {share_pct:.1f}% above the {max_pct:.1f}% maximum"),
    "R_THEME": _e("thème « {theme} » hors des thèmes de l'appel", "theme '{theme}' not among the call's themes"),
    "R_ENVELOPE_NOT_OPEN": _e("enveloppe « {envelope} » non ouverte dans ce scénario",
                              "envelope '{envelope}' not open in this scenario"),
    "R_OWNER_TYPE": _e("porteur de type {types} non admis sur {envelope} (ouverte à {allowed})",
                       "owner type {types} may not apply to {envelope} (open to {allowed})"),
    "R_TRACK_ABOVE": _e("coût total {total_meur:.2f} M€ au moins égal au seuil de {threshold_meur:.2f} M€ de l'examen "
                        "au fil de l'eau : examiné au calendrier du FTAP",
                        "total cost {total_meur:.2f} M€ at or above the {threshold_meur:.2f} M€ threshold of the "
                        "continuous track: examined on the FTAP calendar"),
    "R_TRACK_BELOW": _e("coût total {total_meur:.2f} M€ sous le seuil de {threshold_meur:.2f} M€ : examiné au fil de "
                        "l'eau, pas à cette session",
                        "total cost {total_meur:.2f} M€ below the {threshold_meur:.2f} M€ threshold: examined on the "
                        "continuous track, not at this session"),
    "R_AFTER_LAST_COMMITMENT": _e("engagement prévu le {commitment}, après la dernière date d'engagement du fonds "
                                  "({last})",
                                  "commitment expected on {commitment}, after the fund's last commitment date {last}"),
    "R_FLAG_FIRST_RESULTS": _e("premiers résultats en {months:g} mois, au-delà de la promesse de {promise_months:g} mois",
                               "first results in {months:g} months, later than the {promise_months:g}-month promise"),
    "R_FLAG_DINUM_OPINION": _e("coût {cost_meur:.2f} M€ au-dessus de {gate_meur:.2f} M€ : avis du directeur de la DINUM "
                               "requis avant l'engagement",
                               "cost {cost_meur:.2f} M€ above {gate_meur:.2f} M€: opinion of the DINUM director needed "
                               "before commitment"),
    # (main's innovation-lab rule, merged after this catalog: scoring.eligibility should append
    # msg("R_INNOVATION_LAB", envelope=e) instead of its English f-string)
    "R_INNOVATION_LAB": _e("{envelope} est réservée aux projets portés par un laboratoire d'innovation territoriale "
                           "(innovation_lab n'est pas vrai)",
                           "{envelope} is for projects backed by a territorial innovation lab (innovation_lab is not "
                           "true)"),
    "R_QUALITY_BAR": _e("note pondérée {score:.1f} points sous le seuil de qualité de {bar:g} points",
                        "weighted score {score:.1f} points below the quality bar of {bar:g} points"),
    "R_ROI_MISSING": _e("économies annuelles par euro investi non renseignées (objectif {target:g})",
                        "yearly savings per euro invested not given below the target of {target:g}"),
    "R_ROI_BELOW": _e("économies annuelles par euro investi {roi:.2f} sous l'objectif de {target:g}",
                      "yearly savings per euro invested {roi:.2f} below the target of {target:g}"),
    # ---- scenario warnings (workbench.scenario.reconcile) -------------------------------------
    "W_SUB_ENVELOPES_BELOW": _e("{fund} : les sous-enveloppes totalisent {sum_meur:,.1f} M€, soit {gap_meur:,.1f} M€ de "
                                "moins que l'enveloppe de {envelope_meur:,.1f} M€ (écart non détaillé dans la source)",
                                "{fund}: sub-envelopes sum to {sum_meur:,.1f} M€, {gap_meur:,.1f} M€ below the "
                                "{envelope_meur:,.1f} M€ envelope (not itemised in the source)"),
    "W_SUB_ENVELOPES_ABOVE": _e("{fund} : les sous-enveloppes totalisent {sum_meur:,.1f} M€, soit {gap_meur:,.1f} M€ de "
                                "plus que l'enveloppe de {envelope_meur:,.1f} M€ (écart non détaillé dans la source)",
                                "{fund}: sub-envelopes sum to {sum_meur:,.1f} M€, {gap_meur:,.1f} M€ above the "
                                "{envelope_meur:,.1f} M€ envelope (not itemised in the source)"),
    "W_ENVELOPE_PARTS": _e("{fund} : les parts de l'enveloppe totalisent {sum_meur:,.1f} M€, écart de {gap_meur:,.1f} M€ "
                           "avec l'enveloppe de {envelope_meur:,.1f} M€",
                           "{fund}: envelope parts sum to {sum_meur:,.1f} M€, gap of {gap_meur:,.1f} M€ against the "
                           "{envelope_meur:,.1f} M€ envelope"),
    "W_PART_SUB_ENVELOPES": _e("{fund} : les sous-enveloppes de la part « {part} » totalisent {sum_meur:,.1f} M€ pour "
                               "{part_meur:,.1f} M€ (écart de {gap_meur:,.1f} M€)",
                               "{fund}: sub-envelopes of part '{part}' sum to {sum_meur:,.1f} M€ against "
                               "{part_meur:,.1f} M€ (gap {gap_meur:,.1f} M€)"),
    "W_ANNUAL_AE": _e("{fund} : les AE annuelles totalisent {sum_meur:,.1f} M€ pour une enveloppe de "
                      "{envelope_meur:,.1f} M€",
                      "{fund}: annual AE appropriations sum to {sum_meur:,.1f} M€ against the {envelope_meur:,.1f} M€ "
                      "envelope"),
    "W_SYNTHETIC": _e("Les candidats sont SYNTHÉTIQUES (générés, calibrés sur les chiffres publiés des appels) : ce ne "
                      "sont pas de vrais projets",
                      "Candidates are SYNTHETIC (generated, calibrated on published call figures): not real projects"),
    # ---- the dashboard's controls, headings and notices (workbench.dashboard) ------------------
    "D_TITLE": _e("Tableau de bord du comité de sélection", "Selection committee dashboard"),
    "D_SCENARIO": _e("Scénario", "Scenario"),
    "D_CANDIDATES": _e("Candidats", "Candidates"),
    "D_UPLOAD": _e("Importer (CSV/XLSX)", "Upload (CSV/XLSX)"),
    "D_UPLOAD_OK": _e("Fichier importé : {name} ({n} candidats).", "File uploaded: {name} ({n} candidates)."),
    "D_UPLOAD_BAD": _e("Fichier refusé : {name}. Les candidats précédents sont conservés.",
                       "File refused: {name}. The previous candidates are kept."),
    "D_SHIPPED": _e("Liste du scénario", "Scenario's list"),
    "D_CALL": _e("Appel", "Call"),
    "D_ALL_CALLS": _e("toutes (prévision parfaite) ({n})", "all (perfect foresight) ({n})"),
    "D_WEIGHTS": _e("Poids des critères", "Criteria weights"),
    "D_CRITERION_STRATEGIC": _e("Stratégique", "Strategic"),
    "D_CRITERION_SERVICE": _e("Service rendu", "Service quality"),
    "D_CRITERION_SAVINGS": _e("Économies", "Savings"),
    "D_CRITERION_GOVERNANCE": _e("Gouvernance", "Governance"),
    "D_BUDGET": _e("Budget (M€)", "Budget (M€)"),
    "D_COFINANCING": _e("Cofinanc. min.", "Min. co-financing"),
    "D_MIN_COST": _e("Coût min. (M€)", "Min. cost (M€)"),
    "D_MIN_COST_TERR": _e("Coût min. territ. (M€)", "Min. territorial cost (M€)"),
    "D_RULES": _e("Règles", "Rules"),
    "D_RULE_MIN_COST": _e("Coût total minimum", "Minimum total cost"),
    "D_RULE_COFINANCING": _e("Cofinancement minimum", "Minimum co-financing"),
    "D_RULE_THEMES": _e("Thèmes de l'appel", "Call themes"),
    "D_RULE_OWNER_TYPES": _e("Porteurs admis", "Who may apply"),
    "D_RULE_ROUTING": _e("Aiguillage FITN (4 M€)", "FITN routing (4 M€)"),
    "D_RULE_WINDOW": _e("Fenêtre d'engagement", "Commitment window"),
    "D_RULE_FIRST_RESULTS": _e("Premiers résultats (12 mois)", "First results (12 months)"),
    "D_RULE_GOVERNANCE_GATE": _e("Avis DINUM (> 9 M€)", "DINUM opinion (> 9 M€)"),
    "D_SEL_ALLOW_PHASE1": _e("Financer une première phase seule", "Fund a first phase alone"),
    "D_SEL_ROI_RULE": _e("Exiger 1 € d'économies / an pour 1 €", "Require 1 € saved a year per 1 €"),
    "D_FORCE_IN": _e("Imposer", "Force in"),
    "D_FORCE_OUT": _e("Écarter", "Force out"),
    "D_FORCE_HINT": _e("identifiant…", "id…"),
    "D_TOTALS": _e("Portefeuille retenu", "Selected portfolio"),
    "D_N_SELECTED": _e("projets retenus", "projects selected"),
    "D_REQUESTED": _e("demandé au fonds", "requested from the fund"),
    "D_TOTAL_COST": _e("coût total", "total cost"),
    "D_VALUE": _e("valeur", "value"),
    "D_BUDGET_USED": _e("du budget", "of the budget"),
    "D_SHORTFALL": _e("Probabilité de manquer de crédits de paiement",
                      "Probability of running short of payment credits"),
    "D_EXHAUSTED": _e("enveloppe épuisée avant le dernier appel", "envelope exhausted before the last call"),
    "D_FRONTIER_COMING": _e("courbe exacte en cours de calcul", "exact curve being computed"),
    "D_RANKED": _e("Candidats classés", "Ranked candidates"),
    "D_SHOW_ALL": _e("Tous les candidats", "All candidates"),
    "D_MORE_ROWS": _e("… et {n} autres candidats, dont {k} retenus (cocher « Tous les candidats » pour les voir)",
                      "… and {n} more candidates, {k} of them selected (tick “All candidates” to see them)"),
    "D_COL_RANK": _e("Rang", "Rank"),
    "D_COL_ID": _e("Id", "Id"),
    "D_COL_TITLE": _e("Projet", "Project"),
    "D_COL_OWNER": _e("Porteur", "Owner"),
    "D_COL_REQUESTED": _e("Demandé", "Requested"),
    "D_COL_VALUE": _e("Valeur", "Value"),
    "D_COL_VALUE_PER_EUR": _e("Valeur / M€", "Value / M€"),
    "D_COL_STATUS": _e("Statut", "Status"),
    "D_COL_REASON": _e("Motif", "Reason"),
    "D_SELECTED": _e("retenu", "selected"),
    "D_NOT_SELECTED": _e("écarté", "left out"),
    "D_FORCED_IN": _e("imposé", "forced in"),
    "D_FORCED_OUT": _e("écarté d'office", "forced out"),
    "D_FRONTIER": _e("Frontière efficace", "Efficient frontier"),
    "D_FAN": _e("Enveloppe : décaissements simulés", "Envelope: simulated payments"),
    "D_ROBUSTNESS": _e("Robustesse : fréquence de sélection quand les poids varient",
                       "Robustness: how often each project is selected when weights vary"),
    "D_DETAIL": _e("Projet", "Project"),
    "D_DETAIL_PICK": _e("Choisir un projet", "Pick a project"),
    "D_WHY_IN": _e("Pourquoi retenu", "Why selected"),
    "D_WHY_OUT": _e("Pourquoi écarté", "Why left out"),
    "D_WHAT_CHANGE": _e("Ce qui changerait la décision", "What would change the decision"),
    "D_VARIANTS": _e("Variantes", "Variants"),
    "D_VARIANT_NAME": _e("Nom", "Name"),
    "D_SAVE_VARIANT": _e("Enregistrer la variante", "Save variant"),
    "D_SAVED": _e("Variante enregistrée : {path}", "Variant saved: {path}"),
    "D_VARIANT_EXISTS": _e("Le nom « {name} » donne le fichier {path}, qui existe déjà. Le remplacer ?",
                           "The name '{name}' gives the file {path}, which already exists. Replace it?"),
    "D_REPLACE": _e("Remplacer", "Replace"),
    "D_CANCEL": _e("Annuler", "Cancel"),
    "D_UPLOAD_UNREADABLE": _e("fichier illisible : {reason}", "unreadable file: {reason}"),
    "D_EXPORT_FAILED": _e("Export impossible : {reason}", "Export failed: {reason}"),
    "D_COMPARE": _e("Comparer", "Compare"),
    "D_VARIANT_A": _e("Variante A", "Variant A"),
    "D_VARIANT_B": _e("Variante B", "Variant B"),
    "D_EXPORT": _e("Exporter le portefeuille", "Export the portfolio"),
    "D_DOWNLOAD": _e("Télécharger {name}", "Download {name}"),
    "D_WARNINGS": _e("Avertissements du scénario", "Scenario warnings"),
    "D_ERROR": _e("Erreur", "Error"),
    "D_COMPUTING": _e("calcul…", "computing…"),
    "D_SYNTHETIC": _e("données SYNTHÉTIQUES", "SYNTHETIC data"),
    "D_ONLY_IN_A": _e("seulement dans A", "only in A"),
    "D_ONLY_IN_B": _e("seulement dans B", "only in B"),
    "D_IN_BOTH": _e("dans les deux", "in both"),
    "D_SETTINGS": _e("Réglages", "Settings"),
    "D_PROVENANCE": _e("Provenance", "Provenance"),
    "D_CHANGE_FORCE_OUT": _e("le retirer de la liste « Écarter »", "remove it from the force-out list"),
    "D_CHANGE_FORCE_IN": _e("le retirer de la liste « Imposer »", "remove it from the force-in list"),
    "D_CHANGE_SCORE": _e("+{points} pts (+{per_criterion} / critère)",
                         "+{points} points (+{per_criterion} per criterion)"),
    "D_CHANGE_REQUEST": _e("demande réduite de {amount}", "request cut by {amount}"),
    "D_CHANGE_LOST": _e("sans lui, le portefeuille perd {points} pts", "without it the portfolio loses {points} pts"),
    "D_LIST_SEP": _e(" ; ", "; "),
    "D_LEGEND_OPTIMUM": _e("Optimum (MILP)", "Optimum (MILP)"),
    "D_LEGEND_GREEDY": _e("Glouton (valeur par euro)", "Greedy (value per euro)"),
    "D_LEGEND_CURRENT": _e("Portefeuille actuel", "Current portfolio"),
    "D_AXIS_ENVELOPE": _e("Enveloppe (M€)", "Envelope (M€)"),
    "D_AXIS_VALUE": _e("Valeur totale (points)", "Total value (points)"),
}
