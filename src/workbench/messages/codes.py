"""The coded messages of the workbench in French and English (part of the one catalog,
:mod:`workbench.messages`): places in a file, broken input rules, selection reasons, explanations,
scenario warnings, the dashboard's controls.  Rendered by :func:`workbench.messages.render`.
"""
from __future__ import annotations


def _e(fr: str, en: str) -> dict[str, str]:
    return {"fr": fr, "en": en}


#: Every message code -> {"fr": template, "en": template}.
#: ``P_`` places in a file, ``E_`` broken rules of input, ``C_`` rules a chosen portfolio breaks (the
#: selection's independent check), ``R_`` selection reasons, ``X_`` explanations of a
#: project's place in the portfolio, ``W_`` scenario warnings, ``D_`` the dashboard's controls, headings and notices.
CATALOG: dict[str, dict[str, str]] = {
    # ---- where the candidates come from (workbench.generator) ------------------------------
    "S_SYNTHETIC_SOURCE": _e("synthétiques (graine {seed})", "synthetic (seed {seed})"),
    "S_SYNTHETIC": _e("synthétiques", "synthetic"),
    # ---- places in a file ------------------------------------------------------------------
    "P_ROW": _e("ligne {row}", "row {row}"),
    "P_ROW_COLUMN": _e("ligne {row}, colonne {column}", "row {row}, column {column}"),
    "P_COLUMN": _e("colonne {column}", "column {column}"),
    "P_LINE": _e("ligne {line}", "line {line}"),
    "P_LINE_COLUMN": _e("ligne {line}, colonne {column}", "line {line}, column {column}"),
    "P_PART": _e("partie {part} du classeur", "workbook part {part}"),
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
                            "qui contient parameters/, les scénarios livrés et {env}) ; ajouter son dossier à {env} "
                            "pour l'autoriser",
                            "names a file outside the allowed folders (the scenario's folder, the project folder "
                            "holding parameters/, the shipped scenarios and {env}); add its folder to {env} to allow "
                            "it"),
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
    # extends confined (issue 23: hardening round 2)
    "E_EXTENDS_NOT_YAML": _e("extends désigne un fichier de scénario .yaml ou .yml",
                             "extends must name a scenario file (.yaml or .yml)"),
    "E_HIDDEN_PATH": _e("désigne un fichier dans un dossier caché ({part}) : refusé",
                        "names a file in a hidden folder ({part}): refused"),
    "E_EXTENDS_NOT_SCENARIO": _e("le fichier étendu n'est pas un scénario lisible (son contenu n'est pas montré ; "
                                 "le valider seul pour le détail)",
                                 "the file extended is not a readable scenario (its content is not shown; validate it "
                                 "on its own for details)"),
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
    "E_DATE_NOT_IN_CALENDAR": _e("n'est pas une date du calendrier (jour ou mois hors limites)",
                                 "is not a date of the calendar (day or month out of range)"),
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
    # ---- credits as they are managed and the decision-to-commitment lag (workbench.credits,
    # funds.<code>.reserve_rate, appropriations.<year>.movements, disbursement.commitment_lag,
    # envelope.simulate's parameter_sets) ----------------------------------------------------------
    "E_SOURCE_REQUIRED": _e("indiquer la source du chiffre (reference) ou la raison de l'hypothèse (assumption)",
                            "give the figure's source (reference) or the reason for the assumption (assumption)"),
    "E_RESERVE_DATE": _e("un taux de mise en réserve vaut pour une année entière : le dater du 1er janvier "
                         "(AAAA-01-01) ou écrire l'année",
                         "a reserve rate applies to a whole year: date it 1 January (YYYY-01-01) or write the year"),
    "E_MOVEMENT_DATE_YEAR": _e("un mouvement de l'année {year} doit être daté dans l'année {year}",
                               "a movement of year {year} must be dated within {year}"),
    "E_MOVEMENT_AMOUNT": _e("un mouvement porte sur des AE (ae_eur), des CP (cp_eur) ou les deux : donner au moins "
                            "un montant",
                            "a movement moves AE (ae_eur), CP (cp_eur) or both: give at least one amount"),
    "E_MOVEMENT_WITHOUT_VOTED": _e("un mouvement de {field} suppose les crédits votés de l'année "
                                   "(appropriations.{year}.{field})",
                                   "a movement of {field} needs the year's voted credits "
                                   "(appropriations.{year}.{field})"),
    "E_MOVEMENT_UNFREEZE_EXCESS": _e("libère plus que ce qui est gelé à cette date (réserve et surgels de l'année, "
                                     "moins ce qui a déjà été dégelé ou annulé) : {frozen_meur:,.3f} M€",
                                     "releases more than is frozen at that date (the year's reserve and freezes, "
                                     "less what was already unfrozen or cancelled): {frozen_meur:,.3f} M€"),
    "E_LAG_TWO_FORMS": _e("donner contract_lag_months (un délai fixe) ou commitment_lag (une loi), pas les deux",
                          "give either contract_lag_months (a fixed lag) or commitment_lag (a distribution), not both"),
    "E_LAG_SIGMA_REQUIRED": _e("une loi lognormale a besoin de sigma (écart-type du logarithme du délai)",
                               "a lognormal lag needs sigma (the standard deviation of the lag's logarithm)"),
    "E_LAG_FIXED_SIGMA": _e("un délai fixe n'a pas de dispersion : sigma doit valoir 0 ou être omis",
                            "a fixed lag has no spread: sigma must be 0 or left out"),
    "E_LAG_MEDIAN_POSITIVE": _e("la médiane d'une loi lognormale doit être > 0 mois",
                                "a lognormal lag's median must be > 0 months"),
    "E_LAG_MAX_BELOW_MEDIAN": _e("le plafond du délai ne peut être inférieur à sa médiane ({median:g} mois)",
                                 "the lag's cap cannot be below its median ({median:g} months)"),
    "E_PARAMETER_SET_COLUMN": _e("la simulation ne fait pas varier ce paramètre d'un tirage à l'autre ; colonnes "
                                 "possibles : {choices}{suggestion}",
                                 "the simulation does not vary this parameter from draw to draw; columns are "
                                 "{choices}{suggestion}"),
    "E_PARAMETER_SETS_EMPTY": _e("donner au moins un jeu de paramètres (une ligne)",
                                 "give at least one parameter set (one row)"),
    "E_PARAMETER_SET_RATES_SUM": _e("attrition_rate + phase1_only_rate doit être <= 1 ({total:.4g})",
                                    "attrition_rate + phase1_only_rate must be <= 1 ({total:.4g})"),
    "E_PROFILE_ENCODING": _e("un profil de paiement est une liste de fractions (tuple, liste, ou texte "
                             "« 0.365;0.365;0.216;0.054 »)",
                             "a payment profile is a list of fractions (a tuple, a list, or text "
                             "'0.365;0.365;0.216;0.054')"),
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
    # ---- input limits checked before parsing (workbench.preflight, issue 23: hardening round 2) ----
    "E_TOO_MANY_CELLS": _e("un fichier de candidats contient au plus {limit:,} cellules (lignes × colonnes)",
                           "a candidate file may hold at most {limit:,} cells (rows × columns)"),
    "E_CSV_TOO_MANY_LINES": _e("un fichier CSV compte au plus {limit:,} lignes",
                               "a CSV file may hold at most {limit:,} lines"),
    "E_CSV_LINE_TOO_LONG": _e("une ligne d'un fichier CSV tient en au plus {limit:,} octets (fichier sans retour à "
                              "la ligne ?)",
                              "a line of a CSV file may hold at most {limit:,} bytes (a file without line breaks?)"),
    "E_CSV_TOO_MANY_FIELDS": _e("une ligne d'un fichier CSV a au plus {limit:,} champs (séparateurs en trop ?)",
                                "a line of a CSV file may have at most {limit:,} fields (stray separators?)"),
    "E_CSV_TOO_MANY_SEPARATORS": _e("un fichier CSV contient au plus {limit:,} séparateurs (au plus {cells:,} "
                                    "cellules)",
                                    "a CSV file may hold at most {limit:,} separators (at most {cells:,} cells)"),
    "E_XLSX_TOO_MANY_ENTRIES": _e("un classeur XLSX contient au plus {limit:,} fichiers internes",
                                  "an XLSX workbook may contain at most {limit:,} files inside"),
    "E_XLSX_PART_TOO_LARGE": _e("se décompresse en plus de {limit:,} octets", "unpacks to more than {limit:,} bytes"),
    "E_XLSX_PART_TOO_MANY_TAGS": _e("contient plus de {limit:,} balises XML (mises en forme en surnombre ? copier les "
                                    "données dans un classeur neuf)",
                                    "holds more than {limit:,} XML tags (too many cell formats? copy the data into a "
                                    "new workbook)"),
    "E_XLSX_SHARED_STRINGS_TOO_LARGE": _e("la table des textes partagés se décompresse en plus de {limit:,} octets",
                                          "the table of shared strings unpacks to more than {limit:,} bytes"),
    "E_XLSX_TOO_MANY_SHARED_STRINGS": _e("la table des textes partagés compte plus de {limit:,} textes",
                                         "the table of shared strings holds more than {limit:,} texts"),
    "E_XLSX_ROW_TOO_WIDE": _e("une ligne de la feuille compte au plus {limit:,} cellules",
                              "a row of the sheet may hold at most {limit:,} cells"),
    "E_XLSX_ROW_TOO_LONG": _e("une ligne de la feuille tient en au plus {limit:,} octets de XML",
                              "a row of the sheet may take at most {limit:,} bytes of XML"),
    "E_XLSX_DIMENSION_ROWS": _e("la plage utilisée de la feuille dépasse la ligne {limit:,} (au plus {candidates:,} "
                                "candidats) : supprimer les lignes vides en fin de feuille",
                                "the sheet's used range goes beyond row {limit:,} (at most {candidates:,} "
                                "candidates): delete the empty rows at the end of the sheet"),
    "E_XLSX_BAD_NUMBER": _e("une cellule de type nombre contient ce texte : enregistrer à nouveau le fichier dans un "
                            "tableur",
                            "a cell typed as a number holds this text: save the file again in a spreadsheet"),
    "E_XLSX_BAD_BOOLEAN": _e("une cellule de type booléen contient ce texte : enregistrer à nouveau le fichier dans "
                             "un tableur",
                             "a cell typed as a boolean holds this text: save the file again in a spreadsheet"),
    "E_XLSX_BAD_SHARED": _e("renvoie à un texte partagé qui n'existe pas : enregistrer à nouveau le fichier dans un "
                            "tableur",
                            "refers to a shared string that does not exist: save the file again in a spreadsheet"),
    "E_XLSX_BAD_DATE": _e("une cellule de type date contient ce texte : enregistrer à nouveau le fichier dans un "
                          "tableur",
                          "a cell typed as a date holds this text: save the file again in a spreadsheet"),
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
    # ---- published history files and calibration (workbench.history, workbench.analysis.calibrate) ----
    "E_HISTORY_ID_TWICE": _e("identifiant déjà employé par un autre chiffre du fichier",
                             "id already used by another figure of the file"),
    "E_HISTORY_LABEL": _e("un libellé est une table « fr: …, en: … » ou un mot du catalogue{suggestion}",
                          "a label is a mapping 'fr: …, en: …' or a word of the catalog{suggestion}"),
    "E_HISTORY_SCOPE_KEY": _e("un chiffre de type {kind} ne prend comme portée que {keys}",
                              "a figure of kind {kind} takes only {keys} as scope"),
    "E_HISTORY_SCOPE_NEEDS": _e("obligatoire pour un chiffre de type {kind}", "is required for a figure of kind {kind}"),
    "E_HISTORY_VALUE_OR_RANGE": _e("donner soit value, soit range (l'un des deux, pas les deux)",
                                   "give either value or range (one of them, not both)"),
    "E_HISTORY_RANGE": _e("une fourchette est [bas, haut] avec bas <= haut", "a range is [low, high] with low <= high"),
    "E_HISTORY_RANGE_ERROR": _e("une fourchette n'a pas d'erreur d'observation (elle la contient déjà)",
                                "a range takes no observation error (it already holds it)"),
    "E_HISTORY_ONE_ERROR": _e("donner error_sd ou error_rate, pas les deux", "give error_sd or error_rate, not both"),
    "E_HISTORY_QUOTATION": _e("une citation est un texte non vide, ou une liste de textes",
                              "a quotation is a non-empty text, or a list of texts"),
    "E_HISTORY_NO_WORDS": _e("citer les mots du document (quotation), ou dire pourquoi ils ne sont pas disponibles "
                             "(words_not_held)",
                             "quote the document's words (quotation), or say why they are not held (words_not_held)"),
    "E_HISTORY_DOCUMENT": _e("document absent du registre (workbench/data/documents.csv){suggestion} ; ou donner "
                             "title, publisher, date (et url) à la place de document",
                             "document not in the registry (workbench/data/documents.csv){suggestion}; or give "
                             "title, publisher, date (and url) instead of document"),
    "E_HISTORY_DOCUMENT_FIELDS": _e("obligatoire pour un document hors registre (title, publisher, date)",
                                    "is required for a document outside the registry (title, publisher, date)"),
    "E_HISTORY_FILE_MISSING": _e("le fichier d'historique publié n'existe pas : {path}",
                                 "the published history file does not exist: {path}"),
    "E_KEYPATH_MISSING": _e("aucun paramètre à ce chemin de clés dans le scénario{suggestion}",
                            "no parameter at this key path in the scenario{suggestion}"),
    "E_PRIOR_FORM": _e("une loi a priori est range: [bas, haut] (bas < haut) ou choices: [valeurs…]",
                       "a prior is range: [low, high] (low < high) or choices: [values…]"),
    "E_PRIOR_VALUE": _e("cette valeur de la loi a priori rend le scénario invalide : {detail}",
                        "this value of the prior makes the scenario invalid: {detail}"),
    "E_CALIBRATION_NO_PARAMETERS": _e("le scénario ne déclare aucun paramètre à caler (calibration.parameters)",
                                      "the scenario declares no parameter to calibrate (calibration.parameters)"),
    "E_CALIBRATION_NO_HISTORY": _e("le scénario ne désigne aucun historique publié (clé history)",
                                   "the scenario names no published history (key history)"),
    "E_CALIBRATION_NO_FIGURE": _e("aucun chiffre publié applicable n'est daté au plus tard du {until}",
                                  "no applicable published figure is dated on or before {until}"),
    "E_POSTERIOR_COLUMNS": _e("les colonnes d'un échantillon a posteriori sont des chemins de clés du scénario ; "
                              "inconnues : {columns}",
                              "the columns of a posterior sample are key paths of the scenario; unknown: {columns}"),
    "I_CALIBRATION_WAVE": _e("vague {wave}/{waves} : {kept} jeux de paramètres non invraisemblables sur {points} "
                             "(plus petite invraisemblance {best:.2f})",
                             "wave {wave}/{waves}: {kept} of {points} parameter sets not implausible "
                             "(smallest implausibility {best:.2f})"),
    "E_POWER_NEEDS_WINDOW": _e("le test de puissance juge les chiffres hors échantillon : donner --calibrate-until "
                               "(ou un échantillon a posteriori avec son calibration.json)",
                               "the power test judges the figures out of sample: give --calibrate-until (or a "
                               "posterior sample with its calibration.json)"),
    "W_POSTERIOR_MISSING": _e("l'échantillon a posteriori du calage ({path}) est introuvable : la simulation "
                              "prend les valeurs du scénario et le risque n'a pas de bande (workbench calibrate le "
                              "refait)",
                              "the calibration's posterior sample ({path}) is missing: the simulation takes the "
                              "scenario's values and the risk has no band (workbench calibrate makes it again)"),
    "W_HISTORY_MISSING": _e("le fichier de l'historique publié du fonds ({path}) est introuvable : la confrontation "
                            "à l'histoire publiée n'a aucun chiffre à comparer",
                            "the fund's published history file ({path}) is missing: the back-test has no figure "
                            "to compare"),
    "E_POSTERIOR_EMPTY": _e("l'échantillon a posteriori ne contient aucune ligne", "the posterior sample holds no row"),
    # ---- laureate books: bounds and the snapshot store (issue 23, hardening round 2) -------------
    "S_BOOK_BOUNDS_SANITY": _e("bornes de vraisemblance, sans scénario", "sanity bounds, no scenario"),
    "S_BOOK_BOUNDS_SCENARIO": _e("horizon {start}-{end} du scénario « {name} », plus {tail} ans pour les paiements "
                                 "et les fins de projets",
                                 "scenario '{name}''s horizon {start}-{end}, plus {tail} years for payments and "
                                 "project ends"),
    "E_PAID_YEAR_OUT_OF_RANGE": _e("colonne de paiements d'une année hors des années du fonds ({first}-{last}, "
                                   "{basis}) ; rien n'est enregistré",
                                   "payment column of a year outside the fund's years ({first}-{last}, {basis}); "
                                   "nothing is stored"),
    "E_DATE_OUT_OF_RANGE": _e("date hors de la période admise, du {first} au {last} ({basis})",
                              "date outside the period allowed, {first} to {last} ({basis})"),
    "E_DECISION_AFTER_HORIZON": _e("décision après la fin de l'horizon du scénario ({date}, {basis})",
                                   "decision after the end of the scenario's horizon ({date}, {basis})"),
    "E_AS_OF_FUTURE": _e("date dans le futur : au plus le {latest} (aujourd'hui + {days} jours) ; un instantané "
                         "daté plus tard refuserait tous les imports suivants",
                         "date in the future: at most {latest} (today + {days} days); a snapshot dated later "
                         "would refuse every later import"),
    "E_AMOUNT_TOO_LARGE": _e("montant au-delà de la borne de vraisemblance ({limit:,.0f} €)",
                             "amount above the plausibility bound ({limit:,.0f} €)"),
    "E_GRANT_ABOVE_ENVELOPE": _e("subvention supérieure à toute l'enveloppe du fonds {fund} ({envelope:,.0f} €)",
                                 "grant above the whole envelope of fund {fund} ({envelope:,.0f} €)"),
    "E_DB_NOT_SQLITE": _e("n'est pas une base SQLite (fichier d'un autre type, ou chiffré) : désigner la base des "
                          "livres (.sqlite) avec --db",
                          "is not an SQLite database (another kind of file, or encrypted): name the book store "
                          "(.sqlite) with --db"),
    "E_DB_CORRUPT": _e("base SQLite endommagée ({detail}) : la restaurer depuis une sauvegarde ; rien n'a été écrit",
                       "damaged SQLite database ({detail}): restore it from a backup; nothing was written"),
    "E_DB_LOCKED": _e("base verrouillée par un autre processus (un import en cours ?) après {seconds:g} s "
                      "d'attente : réessayer quand il aura fini",
                      "database locked by another process (an import running?) after waiting {seconds:g} s: "
                      "try again when it has finished"),
    "E_DB_NOT_BOOK_STORE": _e("base SQLite qui n'est pas une base de livres des lauréats (tables : {tables}) : "
                              "rien n'y est écrit",
                              "SQLite database that is not a laureate book store (tables: {tables}): nothing "
                              "is written to it"),
    "E_DB_NEWER_SCHEMA": _e("base de livres d'une version plus récente du workbench (schéma {found}, celui-ci lit "
                            "jusqu'au {known})",
                            "book store of a newer workbench version (schema {found}; this one reads up to {known})"),
    "E_DB_CANNOT_OPEN": _e("base impossible à ouvrir ou à écrire ({detail})",
                           "database cannot be opened or written ({detail})"),
    "E_MORE_PROBLEMS": _e("… et {n:,} autres problèmes dans ce livre (corriger ceux-ci, puis recommencer)",
                          "… and {n:,} more problems in this book (fix these, then try again)"),
    "E_NO_SNAPSHOT_AT": _e("le livre « {book} » n'a pas d'instantané à cette date (instantanés : {dates})",
                           "book '{book}' has no snapshot at this date (snapshots: {dates})"),
    "E_REASON_REQUIRED": _e("dire pourquoi l'instantané est retiré (il est consigné au journal de la base)",
                            "say why the snapshot is withdrawn (it is recorded in the store's audit trail)"),
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
    "E_WEIGHT_TOO_LARGE": _e("un poids est un nombre fini d'au plus {limit:g} (les poids sont relatifs : 0.4 ou 40)",
                             "a weight must be a finite number of at most {limit:g} (weights are relative: 0.4 or 40)"),
    "E_UNKNOWN_CANDIDATE_SUGGEST": _e("identifiant de candidat inconnu{suggestion}", "unknown candidate id{suggestion}"),
    "E_FORCED_IN_AND_OUT": _e("un projet ne peut pas être à la fois imposé et écarté",
                              "a project cannot be forced both in and out"),
    "E_DASHBOARD_NOT_FOUND": _e("le carnet du tableau de bord et voila.json sont introuvables : lancer depuis le "
                                "dossier du projet",
                                "the dashboard notebook and voila.json were not found: run from the project folder"),
    "E_TOKEN_NEEDED": _e("un serveur à l'écoute au-delà de cette machine (--ip autre que 127.0.0.1) demande son jeton",
                         "a server listening beyond this machine (--ip other than 127.0.0.1) needs its token"),
    # ---- serving the dashboard (workbench.dashboard.server, issue 23) ---------------------------
    "E_PORT_TAKEN": _e("déjà pris par un autre programme : choisir un --port libre, ou l'omettre (le tableau de "
                       "bord prend alors le premier port libre à partir de 8866)",
                       "already taken by another program: choose a free --port, or leave it out (the dashboard "
                       "then takes the first free port from 8866)"),
    "E_IP_ADDRESS": _e("doit être une adresse IP ou un réseau (127.0.0.1, 10.0.0.0/8)",
                       "must be an IP address or a network (127.0.0.1, 10.0.0.0/8)"),
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
    # left out only by an assumption of the workbench (the quality bar), not by a rule of the fund
    "R_BELOW_ASSUMED_BAR": _e("non retenu : {parts}", "not funded: {parts}"),
    "R_IN_CALL": _e("{call} : {breach}", "{call}: {breach}"),
    "R_PRE_ELIGIBILITY": _e("éligibilité de {id} : {reason}", "eligibility of {id}: {reason}"),
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
    "R_OUTRANKED_MERIT_TIME": _e("non retenu : le budget était pris par des projets de plus forte valeur par euro "
                                 "(ordre de mérite : la limite de temps est venue avant l'optimisation)",
                                 "not selected: the budget went to projects of higher value per euro (merit order: "
                                 "the time limit came before the optimisation)"),
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
    "R_QUALITY_BAR": _e("note pondérée {score:.1f} points, sous la barre de qualité supposée de {bar:g} points",
                        "weighted score {score:.1f} points, below the assumed quality bar of {bar:g} points"),
    "R_ROI_MISSING": _e("économies annuelles par euro investi non renseignées (objectif {target:g})",
                        "yearly savings per euro invested not given below the target of {target:g}"),
    "R_ROI_BELOW": _e("économies annuelles par euro investi {roi:.2f} sous l'objectif de {target:g}",
                      "yearly savings per euro invested {roi:.2f} below the target of {target:g}"),
    # ---- broken rules of a chosen portfolio (workbench.selection.rules, the independent check) ---------
    "C_NOT_ELIGIBLE": _e("{id} est retenu mais n'est pas éligible", "{id} is selected but not eligible"),
    "C_NOT_OWN_ENVELOPE": _e("{id} est payé par « {payer} », qui n'est pas une de ses enveloppes",
                             "{id} is paid by '{payer}', not one of its envelopes"),
    "C_NO_FUNDING_MODE": _e("{id} est retenu sans mode de financement", "{id} is selected without a funding mode"),
    "C_NO_PHASE1_OPTION": _e("{id} est financé pour la première phase seulement sans option de première phase",
                             "{id} is funded for phase 1 only without a phase-1 option"),
    "C_ENVELOPE": _e("enveloppe : {total:,.0f} € engagés au-delà de {budget:,.0f} €",
                     "envelope: {total:,.0f} € committed above {budget:,.0f} €"),
    "C_FUND_ENVELOPE": _e("enveloppe du fonds {fund} : {total:,.0f} € au-delà de {limit:,.0f} €",
                          "fund envelope {fund}: {total:,.0f} € above {limit:,.0f} €"),
    "C_SUB_ENVELOPE": _e("sous-enveloppe {envelope} : {total:,.0f} € au-delà de {limit:,.0f} €",
                         "sub-envelope {envelope}: {total:,.0f} € above {limit:,.0f} €"),
    "C_PAYMENTS": _e("paiements {year} : {total:,.0f} € au-delà de {limit:,.0f} €",
                     "payments {year}: {total:,.0f} € above {limit:,.0f} €"),
    "C_FUND_PAYMENTS": _e("paiements du fonds {fund} en {year} : {total:,.0f} € au-delà de {limit:,.0f} €",
                          "payments {fund} {year}: {total:,.0f} € above {limit:,.0f} €"),
    "C_FORCED_IN_NOT_SELECTED": _e("{id} est imposé mais n'est pas retenu", "force in {id}: not selected"),
    "C_FORCED_OUT_SELECTED": _e("{id} est écarté d'office mais est retenu", "force out {id}: selected"),
    "C_REQUIRES": _e("{id} requiert {other} : {other} n'est pas retenu", "{id} requires {other}: {other} not selected"),
    "C_EXCLUDES": _e("{id} exclut {other} : les deux sont retenus", "{id} excludes {other}: both selected"),
    "C_OWNER_SHARE_MAX": _e("part maximale du porteur {owner} : {share:.4f} au-delà de {limit:.4f}",
                            "owner share max {owner}: {share:.4f} above {limit:.4f}"),
    "C_OWNER_SHARE_MIN": _e("part minimale du porteur {owner} : {share:.4f} en deçà de {limit:.4f}",
                            "owner share min {owner}: {share:.4f} below {limit:.4f}"),
    "C_THEME_SHARE_MIN": _e("part minimale du thème {theme} : {share:.4f} en deçà de {limit:.4f}",
                            "theme share min {theme}: {share:.4f} below {limit:.4f}"),
    "C_THEME_SHARE_MAX": _e("part maximale du thème {theme} : {share:.4f} au-delà de {limit:.4f}",
                            "theme share max {theme}: {share:.4f} above {limit:.4f}"),
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
    "D_WEIGHTS": _e("Poids des critères", "Criteria weights"),
    "D_CRITERION_STRATEGIC": _e("Stratégique", "Strategic"),
    "D_CRITERION_SERVICE": _e("Service rendu", "Service quality"),
    "D_CRITERION_SAVINGS": _e("Économies", "Savings"),
    "D_CRITERION_GOVERNANCE": _e("Gouvernance", "Governance"),
    "D_BUDGET": _e("Budget (M€)", "Budget (M€)"),
    "D_COFINANCING": _e("Cofinanc. min.", "Min. co-financing"),
    "D_MIN_COST": _e("Coût min. (M€)", "Min. cost (M€)"),
    "D_MIN_COST_TERR": _e("Coût min. territ. (M€)", "Min. territ. cost (M€)"),
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
    "D_RISK_BAND": _e("bande {low} – {high} (P10–P90 sur les {sets} jeux de paramètres calibrés)",
                      "band {low} – {high} (P10–P90 over the {sets} calibrated parameter sets)"),
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
    "D_COMPUTING": _e("calcul en cours…", "computing…"),
    "D_SYNTHETIC": _e("données SYNTHÉTIQUES", "SYNTHETIC data"),
    "D_ONLY_IN_A": _e("seulement dans A", "only in A"),
    "D_ONLY_IN_B": _e("seulement dans B", "only in B"),
    "D_IN_BOTH": _e("dans les deux", "in both"),
    "D_SETTINGS": _e("Réglages", "Settings"),
    "D_PROVENANCE": _e("Provenance", "Provenance"),
    "D_SEED": _e("graine {seed}", "seed {seed}"),
    "D_CHANGE_FORCE_OUT": _e("le retirer de la liste « Écarter »", "remove it from the force-out list"),
    "D_CHANGE_FORCE_IN": _e("le retirer de la liste « Imposer »", "remove it from the force-in list"),
    "D_CHANGE_SCORE": _e("+{points} pts (+{per_criterion} / critère)",
                         "+{points} points (+{per_criterion} per criterion)"),
    "D_CHANGE_REQUEST": _e("demande réduite de {amount}", "request cut by {amount}"),
    "D_CHANGE_LOST": _e("sans lui, le portefeuille perd {points} pts", "without it the portfolio loses {points} pts"),
    "D_LIST_SEP": _e(" ; ", "; "),
    # ---- the committee room: members' weights, sessions, minutes (workbench.committee, the dashboard's
    # committee panel workbench.dashboard.committee, `workbench committee`) ---------------------------
    "E_COMMITTEE_CRITERION_MISSING": _e("critère manquant : chaque critère doit recevoir des points",
                                        "criterion missing: every criterion must get points"),
    "E_SWING_POINTS": _e("doit être un nombre de points entre 0 et {top:g}", "must be a number of points from 0 to {top:g}"),
    "E_SWING_NO_TOP": _e("le passage qui compte le plus reçoit {top:g} points : aucun critère n'en a {top:g}",
                         "the swing that matters most gets {top:g} points: no criterion has {top:g}"),
    "E_SWING_ORDER": _e("les points ne suivent pas le classement des passages (un passage mieux classé a moins de "
                        "points)", "the points contradict the ranking of the swings (a higher-ranked swing has fewer "
                        "points)"),
    "E_AHP_PAIR": _e("doit nommer deux critères différents : « a{sep}b »", "must name two different criteria: 'a{sep}b'"),
    "E_AHP_SCALE": _e("doit être sur l'échelle de Saaty : 1 à 9 ou 1/2 à 1/9", "must be on Saaty's scale: 1 to 9 or 1/2 to 1/9"),
    "E_AHP_PAIR_TWICE": _e("cette paire de critères est jugée deux fois", "this pair of criteria is judged twice"),
    "E_AHP_PAIR_MISSING": _e("paire non jugée : chaque paire de critères doit l'être", "pair not judged: every pair of "
                             "criteria must be"),
    "E_AHP_SIZE": _e("les indices aléatoires de Saaty vont jusqu'à {most} critères", "Saaty's random indices go up to "
                     "{most} criteria"),
    "E_AHP_MATRIX": _e("doit être une matrice {n}×{n} positive et réciproque (a_ji = 1/a_ij)",
                       "must be a positive reciprocal {n}×{n} matrix (a_ji = 1/a_ij)"),
    "E_COMMITTEE_RULE": _e("règle d'agrégation inconnue ; choisir parmi {choices}", "unknown aggregation rule; choose "
                           "among {choices}"),
    "E_COMMITTEE_NO_MEMBER": _e("aucun membre n'a encore donné ses poids", "no member has given their weights yet"),
    # types2 (the committee panel's decision typed): the page has no ranked portfolio to record
    "E_COMMITTEE_NO_PORTFOLIO": _e("la page n'a pas de portefeuille classé à enregistrer (corriger d'abord l'erreur "
                                   "affichée)", "the page has no ranked portfolio to record (first correct the "
                                   "error shown)"),
    # types3 (the dashboard typed): what the page lacks when its first scenario file did not load,
    # or before its first ranking; shown by the page's error paths instead of an AttributeError
    "E_DASHBOARD_NO_SCENARIO": _e("aucun scénario n'est ouvert (choisir un fichier de scénario valide dans la liste)",
                                  "no scenario is open (choose a valid scenario file in the list)"),
    "E_DASHBOARD_NO_VIEW": _e("la page n'a pas encore de classement (corriger d'abord l'erreur affichée)",
                              "the page has no ranking yet (first correct the error shown)"),
    "E_COMMITTEE_CRITERIA": _e("les membres n'ont pas pondéré les mêmes critères", "the members did not weigh the same "
                               "criteria"),
    "E_COMMITTEE_AIJ_AHP_ONLY": _e("la moyenne géométrique des jugements demande que chaque membre ait comparé par "
                                   "paires ; choisir une autre règle", "the geometric mean of judgments needs every "
                                   "member to have compared pairwise; choose another rule"),
    "E_COMMITTEE_GEOMETRIC_ZERO": _e("la moyenne géométrique est nulle pour chaque critère (un membre donne 0 à "
                                     "chacun) ; choisir la moyenne arithmétique", "the geometric mean is zero for every "
                                     "criterion (some member gives each one 0); choose the arithmetic mean"),
    "E_COMMITTEE_TEXT_EMPTY": _e("ne doit pas être vide", "must not be empty"),
    "E_COMMITTEE_TEXT_LONG": _e("au plus {limit:,} caractères", "at most {limit:,} characters"),
    "E_COMMITTEE_NOT_STORE": _e("n'est pas un registre de comité lisible ({detail})",
                                "is not a readable committee store ({detail})"),
    "E_COMMITTEE_SESSION_UNKNOWN": _e("séance inconnue dans {db} ; séances enregistrées : {choices}",
                                      "unknown session in {db}; sessions stored: {choices}"),
    "E_COMMITTEE_OVERRIDE_UNKNOWN": _e("projet absent du portefeuille décidé", "project not in the decided portfolio"),
    "E_COMMITTEE_OVERRIDE_TWICE": _e("ce projet a déjà un motif de forçage", "this project already has an override"),
    "E_MEMBER_WEIGHTS_NONE": _e("aucun poids de membre donné", "no member's weights given"),
    "D_CM_TITLE": _e("Comité : les poids de chaque membre", "Committee: each member's weights"),
    "D_CM_INTRO": _e("Chaque membre donne ses poids (points de swing ou comparaisons par paires) ; la salle les "
                     "agrège selon une règle annoncée ; leur désaccord devient la robustesse du portefeuille ; la "
                     "décision et le procès-verbal sont enregistrés dans {db}.",
                     "Each member gives their weights (swing points or pairwise comparisons); the room aggregates "
                     "them by a stated rule; their disagreement becomes the portfolio's robustness; the decision "
                     "and the minutes are recorded in {db}."),
    "D_CM_SESSION": _e("Séance", "Session"),
    "D_CM_NO_SESSION": _e("(aucune séance ouverte)", "(no session open)"),
    "D_CM_NEW_TITLE": _e("Intitulé", "Title"),
    "D_CM_RECORDER": _e("Secrétaire", "Secretary"),
    "D_CM_CREATE": _e("Ouvrir une séance", "Open a session"),
    "D_CM_CREATED": _e("Séance n° {id} ouverte : {title}", "Session {id} opened: {title}"),
    "D_CM_PICK_SESSION": _e("Ouvrir d'abord une séance (ou en choisir une).", "First open a session (or pick one)."),
    "D_CM_MEMBER": _e("Membre", "Member"),
    "D_CM_MEMBER_H": _e("Les poids d'un membre", "A member's weights"),
    "D_CM_DECISION": _e("Décision", "Decision"),
    "D_CM_MINUTES_H": _e("Procès-verbal", "Minutes"),
    "D_CM_ROBUST_RUN": _e("Calculer la robustesse", "Compute the robustness"),
    "D_CM_METHOD": _e("Méthode", "Method"),
    "D_CM_SWING": _e("Swing (points)", "Swing (points)"),
    "D_CM_AHP": _e("Comparaisons par paires (AHP)", "Pairwise comparisons (AHP)"),
    "D_CM_SWING_HINT": _e("Imaginez chaque critère passant de la pire note à la meilleure. Donnez 100 points au "
                          "passage qui compte le plus pour vous, puis notez chaque autre passage de 0 à 100 par "
                          "rapport à lui.",
                          "Imagine each criterion moving from the worst score to the best. Give 100 points to the "
                          "swing that matters most to you, then rate each other swing from 0 to 100 against it."),
    "D_CM_AHP_HINT": _e("Pour chaque paire de critères, lequel compte le plus, et de combien (échelle de Saaty : "
                        "1 égal, 3 modérément, 5 fortement, 7 très fortement, 9 extrêmement plus important) ?",
                        "For each pair of criteria, which matters more, and by how much (Saaty's scale: 1 equal, "
                        "3 moderately, 5 strongly, 7 very strongly, 9 extremely more important)?"),
    "D_CM_EQUAL": _e("importance égale (1)", "equal importance (1)"),
    "D_CM_MORE": _e("{criterion} : {words} ({value})", "{criterion}: {words} ({value})"),
    "D_CM_SAATY_2": _e("à peine plus important", "barely more important"),
    "D_CM_SAATY_3": _e("modérément plus important", "moderately more important"),
    "D_CM_SAATY_4": _e("modérément à fortement plus important", "moderately to strongly more important"),
    "D_CM_SAATY_5": _e("fortement plus important", "strongly more important"),
    "D_CM_SAATY_6": _e("fortement à très fortement plus important", "strongly to very strongly more important"),
    "D_CM_SAATY_7": _e("très fortement plus important", "very strongly more important"),
    "D_CM_SAATY_8": _e("très fortement à extrêmement plus important", "very strongly to extremely more important"),
    "D_CM_SAATY_9": _e("extrêmement plus important", "extremely more important"),
    "D_CM_CR": _e("ratio de cohérence {cr}", "consistency ratio {cr}"),
    "D_CM_CR_HIGH": _e("au-dessus de 0,10 : jugements peu cohérents, à revoir", "above 0.10: inconsistent "
                       "judgments, to revisit"),
    "D_CM_CR_OK": _e("cohérent (au plus 0,10)", "consistent (at most 0.10)"),
    "D_CM_RECORD": _e("Enregistrer les poids du membre", "Record the member's weights"),
    "D_CM_RECORDED": _e("Poids de {member} enregistrés ({method}).", "{member}'s weights recorded ({method})."),
    "D_CM_RULE": _e("Règle d'agrégation", "Aggregation rule"),
    "D_CM_RULE_AUTO": _e("automatique (AIJ si tous en AHP, sinon moyenne arithmétique)",
                         "automatic (AIJ if all used AHP, else arithmetic mean)"),
    "D_CM_RULE_AIJ": _e("moyenne géométrique des jugements (AIJ, AHP)", "geometric mean of judgments (AIJ, AHP)"),
    "D_CM_RULE_GEOMETRIC": _e("moyenne géométrique des poids (AIP)", "geometric mean of weights (AIP)"),
    "D_CM_RULE_ARITHMETIC": _e("moyenne arithmétique des poids", "arithmetic mean of weights"),
    "D_CM_ROOM": _e("Poids de la salle", "The room's weights"),
    "D_CM_APPLY": _e("Appliquer les poids de la salle aux curseurs", "Apply the room's weights to the sliders"),
    "D_CM_APPLIED": _e("Poids de la salle appliqués : le portefeuille est recalculé.",
                       "The room's weights applied: the portfolio is recomputed."),
    "D_CM_ROBUST": _e("Robustesse selon les membres", "Robustness under the members' weights"),
    "D_CM_ROBUST_NOTE": _e("Fréquence de sélection sur {samples} tirages de poids dans l'enveloppe convexe des poids "
                           "des {members} membres (mélanges de Dirichlet, graine {seed}) ; « retenu par » compte les "
                           "membres dont les poids seuls retiennent le projet.",
                           "Selection frequency over {samples} weight draws in the convex hull of the {members} "
                           "members' weights (Dirichlet mixes, seed {seed}); 'selected by' counts the members whose "
                           "weights alone select the project."),
    "D_CM_SENSITIVITY": _e("Sensibilité par critère", "Sensitivity per criterion"),
    "D_CM_JUSTIFICATION": _e("Justification du comité", "The committee's justification"),
    "D_CM_OVERRIDE_REASON": _e("Motif du forçage de {id} ({direction})", "Reason for overriding {id} ({direction})"),
    "D_CM_DIRECTION_IN": _e("imposé", "forced in"),
    "D_CM_DIRECTION_OUT": _e("écarté", "forced out"),
    "D_CM_DECIDE": _e("Enregistrer la décision de l'appel", "Record the call's decision"),
    "D_CM_DECIDED": _e("Décision n° {id} enregistrée pour {call}.", "Decision {id} recorded for {call}."),
    "D_CM_ALL_CALLS": _e("tous les appels", "all calls"),
    "D_CM_MINUTES_LANG": _e("Langue du PV", "Minutes language"),
    "D_CM_MINUTES": _e("Exporter le procès-verbal", "Export the minutes"),
    "D_CM_MINUTES_DONE": _e("Procès-verbal écrit dans {folder}", "Minutes written to {folder}"),
    "D_CM_NO_PDF": _e("pas de PDF : {reason}", "no PDF: {reason}"),
    # ---- one evaluation and the committee's overrides (issues 20 and 21: workbench.decisions,
    # workbench.pipeline, the dashboard's call views, variants and comparison) -------------------
    "E_FORCE_NOT_IN_CALL": _e("n'est pas un candidat de l'appel {call}{suggestion}",
                              "is not a candidate of call {call}{suggestion}"),
    "E_FORCE_IN_REFUSED": _e("{id} ne peut pas être imposé dans l'appel {call} : une règle du fonds l'exclut "
                             "({reason})",
                             "{id} cannot be forced in in call {call}: a rule of the fund excludes it ({reason})"),
    "E_FORCE_IN_OVER_BUDGET": _e("les projets imposés dans l'appel {call} ({ids}) demandent {need_meur:,.1f} M€, "
                                 "plus que son budget de {budget_meur:,.1f} M€",
                                 "the projects forced in in call {call} ({ids}) ask for {need_meur:,.1f} M€, more "
                                 "than its budget of {budget_meur:,.1f} M€"),
    "R_OVERRIDE_WHY": _e(" ; motif : « {reason} »", "; reason: “{reason}”"),
    "R_PHASE1_ONLY": _e(", première phase seulement", ", phase 1 only"),
    "R_FORCED_IN_BY_COMMITTEE": _e("retenu : imposé par le comité{phase}, payé par {payer}{why}",
                                   "selected: forced in by the committee{phase}, paid by {payer}{why}"),
    "R_FORCED_IN_BELOW_BAR": _e("retenu : imposé par le comité par dérogation à la barre de qualité (note pondérée "
                                "{score:.1f} points sous le seuil de {bar:g} points, une hypothèse du modèle), payé "
                                "par {payer}{why}",
                                "selected: forced in by the committee, overriding the quality bar (weighted score "
                                "{score:.1f} points below the bar of {bar:g} points, an assumption of the model), paid "
                                "by {payer}{why}"),
    "R_FORCED_OUT_BY_COMMITTEE": _e("non retenu : écarté d'office par le comité{why}",
                                    "not selected: forced out by the committee{why}"),
    "X_MERIT_SELECTED": _e("{id} est retenu au rang {rank} de l'ordre de mérite de l'appel {call} ({per_meur:.2f} "
                           "points par M€) ; sans lui, l'appel financerait les projets suivants et perdrait "
                           "{loss:.1f} points de valeur.",
                           "{id} is selected at rank {rank} of the merit order of call {call} ({per_meur:.2f} points "
                           "per M€); without it the call would fund the next projects and lose {loss:.1f} points of "
                           "value."),
    "X_MERIT_OUT": _e("{id} vient au rang {rank} de l'ordre de mérite de l'appel {call} (note pondérée {score:.1f} "
                      "points) ; à son tour il restait {left_meur:.2f} M€ de la dotation pour {requested_meur:.2f} M€ "
                      "demandés. {parts}.",
                      "{id} comes at rank {rank} of the merit order of call {call} (weighted score {score:.1f} "
                      "points); at its turn {left_meur:.2f} M€ of the allotment were left for {requested_meur:.2f} M€ "
                      "requested. {parts}."),
    "X_MERIT_SCORE": _e("une note pondérée de {needed:.1f} points (+{lack:.1f}, soit +{per_criterion:.2f} sur chaque "
                        "critère) le placerait avant {other}, là où la dotation le paie encore",
                        "a weighted score of {needed:.1f} points (+{lack:.1f}, i.e. +{per_criterion:.2f} on each "
                        "criterion) would place it before {other}, where the allotment still pays for it"),
    "X_MERIT_NO_SCORE": _e("aucune note ne le fait entrer : il faudrait {needed:.1f} points sur 100",
                           "no score brings it in: it would need {needed:.1f} points out of 100"),
    "X_MERIT_TOO_BIG": _e("à aucun rang la dotation de {budget_meur:.1f} M€ ne laisse assez pour sa demande",
                          "at no rank does the allotment of {budget_meur:.1f} M€ leave enough for its request"),
    "X_MERIT_CUT": _e("une demande ramenée à {to_meur:.2f} M€ (−{cut_meur:.2f} M€) tiendrait dans ce qui restait à "
                      "son tour",
                      "a request cut to {to_meur:.2f} M€ (−{cut_meur:.2f} M€) would fit in what was left at its turn"),
    "X_MERIT_NO_CUT": _e("il ne restait rien de la dotation à son tour : une demande réduite ne suffit pas",
                         "nothing of the allotment was left at its turn: a smaller request is not enough"),
    # the dashboard's call views, overrides, variants, comparison, charts and page (issues 20 and 21)
    "D_PAGE_TITLE": _e("Comité de sélection — tableau de bord (workbench)", "Selection committee — dashboard (workbench)"),
    "D_LANG_FR": _e("Français", "French"),
    "D_LANG_EN": _e("Anglais", "English"),
    "D_ALL_CALLS_ONE": _e("l'appel ({n} candidatures)", "the call ({n} applications)"),
    "D_ALL_CALLS_PLAIN": _e("toutes : le fonds entier, appel par appel ({n} candidatures)",
                            "all: the whole fund, call by call ({n} applications)"),
    "D_ALL_CALLS": _e("toutes : le fonds entier, appel par appel ({n} dossiers : {apps} candidatures et {next} "
                      "phases suivantes)",
                      "all: the whole fund, call by call ({n} files: {apps} applications and {next} next phases)"),
    "D_CALL_OPTION": _e("{call} ({n} candidatures)", "{call} ({n} applications)"),
    "D_CALL_OPTION_NEXT": _e("{call} ({n} dossiers, dont {next} phases suivantes)",
                             "{call} ({n} files, {next} of them next phases)"),
    "D_NOTE_CALL": _e("Appel {call} : les appels précédents décident comme les comités du scénario ; cet appel "
                      "décide avec vos réglages, dans l'ordre de mérite et dans la limite des crédits restants ; "
                      "les appels suivants sont décidés par le modèle avec les crédits qui restent. Le risque est "
                      "celui du fonds entier, calculé comme le rapport et « workbench simulate ».",
                      "Call {call}: the earlier calls decide as the scenario's committees would; this call "
                      "decides with your settings, in merit order, within the credits left; the later calls are "
                      "decided by the model with the credits left. The risk is the whole fund's, computed as the "
                      "report and “workbench simulate” compute it."),
    "D_NOTE_WHOLE": _e("Le fonds entier : chaque appel décide à son tour, dans l'ordre de mérite, avec ses seuls "
                       "dossiers et les crédits qui restent (vos réglages s'appliquent à tous les appels ; le "
                       "budget plafonne le fonds). Le risque est calculé comme le rapport et « workbench simulate ».",
                       "The whole fund: each call decides in turn, in merit order, with its own files and the "
                       "credits left (your settings apply to every call; the budget caps the fund). The risk is "
                       "computed as the report and “workbench simulate” compute it."),
    "D_TOTALS_CALL": _e("Appel {call} : portefeuille retenu", "Call {call}: selected portfolio"),
    "D_TOTALS_FUND": _e("Fonds entier : portefeuille décidé appel par appel", "Whole fund: portfolio decided call by call"),
    "D_ROWS": _e("{apps} candidatures", "{apps} applications"),
    "D_ROWS_NEXT": _e("{apps} candidatures et {next} phases suivantes de lauréats antérieurs",
                      "{apps} applications and {next} next phases of earlier laureates"),
    "D_GRANTED": _e("accordés", "granted"),
    "D_OF_BUDGET": _e("du budget de", "of the budget of"),
    "D_CREDITS_LEFT": _e("crédits restants à la date de l'appel", "credits left at the call's date"),
    "D_FUND_RISK": _e("Fonds entier et risque de crédits de paiement", "Whole fund and payment-credit risk"),
    "D_FUND_CALL_VIEW": _e("Fonds entier avec ce choix pour l'appel {call}", "Whole fund with this choice for call {call}"),
    "D_FUND_WHOLE_VIEW": _e("Fonds entier", "Whole fund"),
    "D_LAUREATES": _e("lauréats", "laureates"),
    "D_DRAWS_SEED": _e("{draws} tirages, graine {seed}", "{draws} draws, seed {seed}"),
    "D_FRONTIER_WHOLE": _e("Frontière efficace de toute la période (repère avec prévision parfaite)",
                           "Efficient frontier of the whole period (a benchmark with perfect foresight)"),
    "D_CHART_DATA": _e("Données du graphique", "Chart data"),
    "D_ALT_FRONTIER": _e("Frontière efficace : valeur optimale selon le budget sur {n} niveaux (jusqu'à {top} points) ; "
                         "le portefeuille retenu vaut {value} points pour un budget de {budget}.",
                         "Efficient frontier: optimal value by budget at {n} levels (up to {top} points); the "
                         "selected portfolio is worth {value} points for a budget of {budget}."),
    "D_ALT_FAN": _e("Décaissements cumulés simulés ({level}) : en {year}, entre {p10} (P10) et {p90} (P90), médiane "
                    "{p50}, pour une enveloppe de {envelope}.",
                    "Simulated cumulative payments ({level}): in {year}, between {p10} (P10) and {p90} (P90), "
                    "median {p50}, against an envelope of {envelope}."),
    "D_ALT_ROBUST": _e("Fréquence de sélection sur {samples} tirages de poids : {always} projets toujours retenus, "
                       "{sometimes} parfois, {never} jamais.",
                       "Selection frequency over {samples} weight draws: {always} projects always selected, "
                       "{sometimes} sometimes, {never} never."),
    "D_COL_BUDGET": _e("Budget", "Budget"),
    "D_COL_OPTIMUM": _e("Valeur optimale", "Optimal value"),
    "D_COL_GREEDY": _e("Valeur par ordre de valeur/€", "Value by value-per-euro order"),
    "D_COL_YEAR": _e("Année", "Year"),
    "D_COL_COMMITTED_CUM": _e("Engagé cumulé (moyenne)", "Committed, cumulative (mean)"),
    "D_COL_PAID_P10": _e("Payé cumulé P10", "Paid, cumulative P10"),
    "D_COL_PAID_P50": _e("Payé cumulé médiane", "Paid, cumulative median"),
    "D_COL_PAID_P90": _e("Payé cumulé P90", "Paid, cumulative P90"),
    "D_COL_FREQUENCY": _e("Fréquence de sélection", "Selection frequency"),
    "D_BUSY_FAN": _e("appels suivants et simulation du fonds", "later calls and the fund's simulation"),
    "D_BUSY_ROBUST": _e("robustesse", "robustness"),
    "D_BUSY_FRONTIER": _e("frontière exacte", "exact frontier"),
    "D_BUSY_COMPARE": _e("comparaison", "comparison"),
    "D_BUSY_PREFIX": _e("décisions des appels", "the calls' decisions"),
    "D_OVERRIDES": _e("Dérogations du comité", "Committee overrides"),
    "D_REASONS": _e("Motifs des dérogations", "Reasons for the overrides"),
    "D_REASON_HINT": _e("motif de la dérogation…", "reason for the override…"),
    "D_OVERRIDE": _e("Dérogation", "Override"),
    "D_OVERRIDE_REFUSED": _e("Dérogation refusée", "Override refused"),
    "D_UNEXPECTED": _e("erreur inattendue ({error}) : le détail est dans le journal du serveur",
                       "unexpected error ({error}): the details are in the server's log"),
    "D_VARIANT_NOT_SAVED": _e("variante non enregistrée : {reason}", "variant not saved: {reason}"),
    "D_COMPARE_TITLE": _e("Comparaison des variantes ({scope})", "Comparison of the variants ({scope})"),
    "D_CMP_CALL": _e("appel {call}", "call {call}"),
    "D_CMP_FUND": _e("fonds entier", "whole fund"),
    "D_CMP_MEASURE": _e("Mesure", "Measure"),
    "D_CMP_NAME": _e("Fichier", "File"),
    "D_CMP_SAVED_FROM": _e("Enregistrée depuis", "Saved from"),
    "D_CMP_NO_CALL": _e("le fonds entier (ou scénario)", "the whole fund (or a scenario)"),
    "D_CMP_SELECTED": _e("Projets retenus ({scope})", "Projects selected ({scope})"),
    "D_CMP_BUDGET": _e("Budget ({scope})", "Budget ({scope})"),
    "D_CMP_COMMITTED": _e("Montant accordé ({scope})", "Amount granted ({scope})"),
    "D_CMP_VALUE": _e("Valeur ({scope})", "Value ({scope})"),
    "D_CMP_OVERRIDES": _e("Dérogations ({scope})", "Overrides ({scope})"),
    "D_CMP_WEIGHT": _e("Poids : {criterion}", "Weight: {criterion}"),
    "D_CMP_OTHER_CALL": _e("La variante {tag} a été enregistrée pour l'appel {saved} : ses réglages portent sur cet "
                           "appel ; elle est comparée ici sur {view} (ses effets sur l'appel {saved} passent par les "
                           "crédits restants).",
                           "Variant {tag} was saved for call {saved}: its settings apply to that call; it is "
                           "compared here on {view} (its effects on call {saved} go through the credits left)."),
    "D_CMP_SAME_EVALUATION": _e("Chaque variante est calculée comme la vue en direct et le rapport : décisions appel "
                                "par appel, simulation du fonds entier ({runs}).",
                                "Each variant is computed as the live view and the report are: decisions call by "
                                "call, the whole fund simulated ({runs})."),
    "D_EXPORT_CSV": _e("CSV", "CSV"),
    "D_EXPORT_XLSX": _e("XLSX", "XLSX"),
    "D_EXPORT_SHEET": _e("portefeuille", "portfolio"),
    "D_EXPORT_PROVENANCE": _e("provenance", "provenance"),
    "D_EXPORT_KEY": _e("clé", "key"),
    "D_EXPORT_VALUE": _e("valeur", "value"),
    "D_EXPORT_WHOLE": _e("fonds entier", "whole fund"),
    "D_FUNDING_FULL": _e("projet entier", "whole project"),
    "D_FUNDING_PHASE1": _e("première phase seulement", "phase 1 only"),
    "D_RULES_TABLE": _e("Règles du fonds et hypothèses du modèle", "The fund's rules and the model's assumptions"),
    "D_RULES_NOTE": _e("Les règles tirées des textes du fonds s'imposent au comité : un projet qu'elles excluent ne "
                       "peut pas être imposé. Les hypothèses du modèle (la barre de qualité) ne sont pas des règles : "
                       "un projet imposé par le comité les franchit, et la dérogation est inscrite avec son motif.",
                       "Rules taken from the fund's texts bind the committee: a project they exclude cannot be forced "
                       "in. The model's assumptions (the quality bar) are not rules: a project the committee forces in "
                       "passes them, and the override is recorded with its reason."),
    # ---- what drives the risk: the sensitivity analysis (workbench.analysis.sensitivity) -----------
    "E_SENSITIVITY_RANGE": _e("la borne basse doit être inférieure à la borne haute",
                              "the low bound must be below the high bound"),
    "E_SENSITIVITY_SOURCE": _e("donner la source de cette plage : une référence ou une hypothèse (assumption)",
                               "give the source of this range: a reference or an assumption"),
    "E_POWER_OF_TWO": _e("doit être une puissance de 2 (16, 32, 64…)", "must be a power of 2 (16, 32, 64, …)"),
    "E_SENSITIVITY_FACTOR": _e("n'est pas un paramètre du scénario que la simulation connaît ; facteurs possibles : "
                               "{choices}{suggestion}",
                               "is not a scenario parameter the simulation knows; factors are {choices}{suggestion}"),
    "E_SENSITIVITY_BOUNDS": _e("la plage sort des valeurs permises pour ce paramètre ({low:g} à {high:g})",
                               "the range leaves the values this parameter allows ({low:g} to {high:g})"),
    "E_SENSITIVITY_NO_FACTORS": _e("aucun facteur à analyser : déclarer une section sensitivity.factors (ou "
                                   "calibration.parameters) dans le scénario",
                                   "no factor to analyse: declare a sensitivity.factors (or calibration.parameters) "
                                   "section in the scenario"),
    "E_SENSITIVITY_RATES_SUM": _e("l'attrition et la part « première phase seulement » peuvent dépasser 100 % "
                                  "ensemble ({total:g}) dans ces plages",
                                  "the attrition and first-phase-only shares may exceed 100 % together "
                                  "({total:g}) within these ranges"),
    # ---- the dashboard's follow-up panel (workbench.dashboard.followup_panel) ------------------------------
    "D_FU_TITLE": _e("Suivi des projets financés", "Follow-up of funded projects"),
    "D_FU_BOOK": _e("Livre", "Book"),
    "D_FU_AS_OF": _e("Au", "As of"),
    "D_FU_RUN": _e("Calculer", "Compute"),
    "D_FU_EXAMPLE": _e("exemple", "example"),
    "D_FU_HINT": _e("Choisir un livre des lauréats et une date, puis « Calculer ».",
                    "Choose a laureate book and a date, then \"Compute\"."),
    # ---- the next call's capacity (workbench.analysis.capacity, `workbench capacity`; issue 24) --------
    "E_CAPACITY_NO_NEXT_CALL": _e("aucun appel du scénario n'est décidé après cette date : plus rien à engager",
                                  "no call of the scenario is decided after this date: nothing left to grant"),
    "E_CAPACITY_BOOK_NEEDS_AS_OF": _e("un livre des lauréats se lit à une date : donner la date (--as-of)",
                                      "a laureate book is read at a date: give the date (--as-of)"),
    "W_CAPACITY_ZERO": _e("sans rien accorder à la session {call}, le risque de manquer de CP atteint déjà "
                          "{risk0_pct:.1f} %, au-delà des {risk_pct:.0f} % acceptés : la capacité est nulle",
                          "with nothing granted by the session {call}, the risk of running short of CP is already "
                          "{risk0_pct:.1f} %, above the {risk_pct:.0f} % accepted: the capacity is nil"),
    "W_CAPACITY_NO_CP": _e("aucun crédit de paiement n'est voté ni prévu à partir de {year} : la capacité n'est "
                           "bornée que par les AE disponibles",
                           "no payment credits are voted or forecast from {year} on: only the AE available bound "
                           "the capacity"),
}
