"""The words of the workbench in French and English: table headers, report texts, values shown.

Part of the one catalog (:mod:`workbench.messages`): the coded messages (input problems,
selection reasons, explanations, warnings, the dashboard's controls) are in
:mod:`workbench.messages.codes`; the words that label tables, figures and report sections are
here, as ``key -> {"fr": text, "en": text}`` (:data:`LABELS`, texts with ``{placeholders}``) and
``column -> value -> {"fr", "en"}`` (:data:`VALUE_LABELS`).  They are shown through
:func:`workbench.reporting.labels.label` and its table helpers; a test renders every entry in
both languages.  A key is defined once (a second definition is an error at import).
"""
from __future__ import annotations

#: ``key -> {"fr": text, "en": text}``; texts may hold ``{placeholders}``.
LABELS: dict[str, dict[str, str]] = {
    # ---- report structure -------------------------------------------------------------------
    "report_title": {"fr": "Rapport de scénario : {title}", "en": "Scenario report: {title}"},
    "report_subtitle": {
        "fr": "Scénario {name} — {funds} — horizon {start}–{end} — {draws} tirages, graine {seed}",
        "en": "Scenario {name} — {funds} — horizon {start}–{end} — {draws} draws, seed {seed}",
    },
    "report_intro": {
        "fr": "Ce rapport présente, pour le scénario ci-dessus, **quels projets financer** dans l'enveloppe "
              "(le portefeuille) puis **comment l'enveloppe se consomme** année après année quand les projets "
              "dérivent en coût et en délai (la simulation). Tous les montants sont en millions d'euros (M€). "
              "Les chiffres sont reproductibles : le même scénario et la même graine redonnent exactement "
              "les mêmes résultats (voir la provenance en fin de rapport).",
        "en": "For the scenario above, this report shows **which projects to fund** within the envelope "
              "(the portfolio), then **how the envelope is consumed** year after year when projects drift in "
              "cost and schedule (the simulation). All amounts are in millions of euros (M€). The figures are "
              "reproducible: the same scenario and seed give exactly the same results (see the provenance at "
              "the end of the report).",
    },
    "warnings_title": {"fr": "Avertissements", "en": "Warnings"},
    "warnings_intro": {
        "fr": "À lire avant toute conclusion : ces points limitent la portée des chiffres qui suivent.",
        "en": "Read before drawing any conclusion: these points limit what the figures below can say.",
    },
    "no_warnings": {"fr": "Aucun avertissement pour ce scénario.", "en": "No warning for this scenario."},
    "synthetic_warning": {
        "fr": "**Données synthétiques** : aucune liste de projets candidats n'est publique ; les candidats de ce "
              "rapport sont générés (graine fixe) et calibrés sur les chiffres publiés des appels à projets. "
              "Ils ne désignent aucun projet réel.",
        "en": "**Synthetic data**: no candidate list is public; the candidates in this report are generated "
              "(fixed seed) and calibrated on the published call figures. They are not real projects.",
    },
    "scenario_title": {"fr": "Le scénario en bref", "en": "The scenario at a glance"},
    "scenario_intro": {
        "fr": "Les fonds, leurs enveloppes et les règles principales que le scénario fixe.",
        "en": "The funds, their envelopes and the main rules the scenario sets.",
    },
    # ---- portfolio ----------------------------------------------------------------------------
    "portfolio_title": {"fr": "Le portefeuille de projets retenu", "en": "The selected portfolio"},
    "portfolio_intro": {
        "fr": "Chaque projet candidat reçoit une **qualité** (0 à 100 points) : la moyenne pondérée de ses notes "
              "sur les critères du fonds, avec les poids du scénario ; sa **valeur** suit le modèle de valeur du "
              "scénario (ci-dessous : par défaut la qualité multipliée par l'investissement du fonds, en "
              "points × M€). Un comité ne finance aucun projet sous la barre de qualité du scénario. Le "
              "portefeuille retenu est l'ensemble de projets éligibles qui apporte le plus de valeur totale sans "
              "dépasser le budget, en respectant les règles du scénario (dépendances, exclusions, plafonds).",
        "en": "Each candidate project gets a **quality** (0 to 100 points): the weighted mean of its scores on the "
              "fund's criteria, with the scenario's weights; its **value** follows the scenario's value model "
              "(below: by default the quality times the fund's investment, in points × M€). A committee funds no "
              "project below the scenario's quality bar. The selected portfolio is the set of eligible projects "
              "giving the most total value within the budget, under the scenario's rules (dependencies, "
              "exclusions, caps).",
    },
    "portfolio_totals_intro": {
        "fr": "Le tableau ci-dessous résume le portefeuille : nombre de projets, montant engagé sur le fonds, "
              "budget non utilisé et valeur totale. La « perte de valeur du classement glouton » mesure ce "
              "qu'on perdrait en retenant simplement les projets par valeur par euro décroissante jusqu'à "
              "épuisement du budget, au lieu de chercher la meilleure combinaison.",
        "en": "The table below sums up the portfolio: number of projects, amount committed on the fund, budget "
              "left unused and total value. The \"value lost by greedy ranking\" measures what would be lost by "
              "simply taking projects by decreasing value per euro until the budget runs out, instead of "
              "searching for the best combination.",
    },
    "portfolio_table_intro": {
        "fr": "Les projets retenus, du plus au moins rentable en valeur par million d'euros. La colonne "
              "« fréquence de sélection » indique, quand elle est calculée, la part des variantes de poids "
              "et de coûts dans lesquelles le projet reste retenu : proche de 100 %, le choix est robuste ; "
              "autour de 50 %, il dépend des hypothèses.",
        "en": "The selected projects, from the best to the lowest value per million euros. The \"selection "
              "frequency\" column shows, where computed, the share of weight and cost variants in which the "
              "project stays selected: near 100 % the choice is robust; around 50 % it depends on the "
              "assumptions.",
    },
    "frequency_intro": {
        "fr": "Le graphique montre, pour les projets dont le choix est le plus incertain, la part des variantes "
              "(poids des critères tirés dans des intervalles plausibles, coûts tirés selon les dérives "
              "observées) où ils sont retenus : en vert toujours, en jaune parfois, en gris jamais.",
        "en": "The chart shows, for the projects whose choice is the most uncertain, the share of variants "
              "(criteria weights drawn within plausible intervals, costs drawn from observed overruns) in "
              "which they are selected: green always, yellow sometimes, grey never.",
    },
    "rejected_intro": {
        "fr": "Les candidats non retenus et la raison : inéligibles (règle enfreinte) ou éligibles mais moins "
              "prioritaires dans le budget.",
        "en": "The candidates not selected and why: ineligible (rule broken) or eligible but of lower "
              "priority within the budget.",
    },
    "frontier_intro": {
        "fr": "La **frontière** montre la meilleure valeur totale atteignable pour chaque niveau de budget : "
              "là où la courbe s'aplatit, un euro de plus rapporte peu de valeur supplémentaire.",
        "en": "The **frontier** shows the best total value reachable at each budget level: where the curve "
              "flattens, one more euro buys little extra value.",
    },
    # ---- envelope ----------------------------------------------------------------------------
    "envelope_title": {"fr": "La consommation de l'enveloppe", "en": "How the envelope is consumed"},
    "envelope_intro": {
        "fr": "Un projet retenu engage des **autorisations d'engagement (AE)** pour sa subvention à la "
              "signature de son contrat de transformation ; les **crédits de paiement (CP)** sont versés "
              "ensuite par tranches, au fil de l'avancement. Les projets de transformation numérique dérivent "
              "souvent en coût et en délai : la simulation tire {draws} trajectoires possibles de ces dérives, "
              "calibrées sur les classes de référence (panorama des grands projets numériques de l'État, "
              "projets informatiques du gouvernement du Canada).",
        "en": "A selected project commits **commitment authority (AE)** for its grant when its transformation "
              "contract is signed; **payment credits (CP)** are paid later in tranches as it progresses. "
              "Digital transformation projects often overrun in cost and schedule: the simulation draws "
              "{draws} possible paths of these drifts, calibrated on reference classes (panorama of the "
              "State's large digital projects, Government of Canada IT projects).",
    },
    "summary_intro": {
        "fr": "Les chiffres clés de la simulation : la médiane est le cas central, les bornes P10 et P90 "
              "encadrent 80 % des trajectoires simulées.",
        "en": "Key figures of the simulation: the median is the central case; the P10 and P90 bounds hold "
              "80 % of the simulated paths.",
    },
    "fan_intro": {
        "fr": "Le **graphique en éventail** montre les paiements cumulés année par année : la ligne est la "
              "médiane, les bandes contiennent 50 % et 80 % des trajectoires. Plus l'éventail est large, plus "
              "le calendrier des paiements est incertain.",
        "en": "The **fan chart** shows cumulative payments year by year: the line is the median, the bands "
              "hold 50 % and 80 % of the paths. The wider the fan, the more uncertain the payment calendar.",
    },
    "committed_intro": {
        "fr": "**Engagé ou payé** : l'écart entre les AE engagées et les CP versés est le stock de restes à "
              "payer que les années suivantes devront couvrir.",
        "en": "**Committed versus paid**: the gap between committed AE and paid CP is the stock of unpaid "
              "commitments that later years must cover.",
    },
    "yearly_intro": {
        "fr": "Année par année, engagements et paiements simulés (médiane et bornes).",
        "en": "Year by year, simulated commitments and payments (median and bounds).",
    },
    "shortfall_intro": {
        "fr": "Le **risque de dépassement**, année par année : la probabilité que les besoins de paiement (CP) "
              "dépassent la référence, et le dépassement moyen. La référence est le crédit de paiement voté "
              "quand le scénario le donne, sinon le calendrier prévu par les contrats (la même simulation sans "
              "aléa) : une probabilité élevée sur les dernières années signifie alors que les retards "
              "repoussent des paiements au-delà du calendrier prévu.",
        "en": "The **shortfall risk**, year by year: the probability that payment needs (CP) exceed the "
              "reference, and the mean excess. The reference is the voted payment appropriation where the "
              "scenario gives one, else the contracts' planned calendar (the same simulation without "
              "uncertainty): a high probability in the last years then means delays push payments past the "
              "planned calendar.",
    },
    "sub_envelopes_intro": {
        "fr": "Par sous-enveloppe : ce qui est engagé et payé, ce qui reste, et la probabilité qu'elle soit "
              "épuisée avant le dernier appel (un projet ne peut être payé que par une enveloppe ouverte pour lui).",
        "en": "By sub-envelope: what is committed and paid, what is left, and the probability it runs out "
              "before the last call (a project can only be paid by an envelope open to it).",
    },
    "envelope_link": {
        "fr": "La simulation finance les projets du portefeuille retenu ci-dessus, appel par appel, dans l'ordre "
              "de leur valeur par euro et tant que les crédits de l'appel le permettent.",
        "en": "The simulation funds the projects of the portfolio selected above, call by call, in order of "
              "value per euro and as long as the call's credits allow.",
    },
    "calls_intro": {
        "fr": "Ce que chaque appel à projets engage dans la simulation.",
        "en": "What each call for projects commits in the simulation.",
    },
    # ---- provenance --------------------------------------------------------------------------
    "provenance_title": {"fr": "Provenance", "en": "Provenance"},
    "provenance_intro": {
        "fr": "De quoi refaire exactement ce calcul : version du logiciel, empreinte des paramètres (SHA-256), "
              "graine aléatoire et fichiers lus.",
        "en": "What is needed to redo this computation exactly: software version, parameter fingerprint "
              "(SHA-256), random seed and files read.",
    },
    "not_available": {
        "fr": "Cette partie n'est pas disponible dans cette version du logiciel : {what}.",
        "en": "This part is not available in this version of the software: {what}.",
    },
    # ---- comparison --------------------------------------------------------------------------
    "compare_title": {"fr": "Comparaison de deux scénarios", "en": "Comparison of two scenarios"},
    "compare_intro": {
        "fr": "Scénario A : **{a}** ; scénario B : **{b}**. Ce rapport montre ce qui diffère dans leurs "
              "paramètres, puis ce que cela change dans le portefeuille retenu, sa valeur et le risque sur "
              "l'enveloppe. Les deux scénarios sont calculés avec la même graine et le même nombre de "
              "tirages ({draws}).",
        "en": "Scenario A: **{a}**; scenario B: **{b}**. This report shows what differs in their parameters, "
              "then what this changes in the selected portfolio, its value and the envelope risk. Both "
              "scenarios are computed with the same seed and number of draws ({draws}).",
    },
    "compare_params_title": {"fr": "Paramètres qui diffèrent", "en": "Parameters that differ"},
    "compare_no_param_diff": {"fr": "Aucun paramètre ne diffère.", "en": "No parameter differs."},
    "compare_metrics_title": {"fr": "Résultats côte à côte", "en": "Results side by side"},
    "compare_projects_title": {"fr": "Projets entrés et sortis du portefeuille",
                               "en": "Projects in and out of the portfolio"},
    "compare_fans_title": {"fr": "Paiements cumulés dans les deux scénarios",
                           "en": "Cumulative payments in both scenarios"},
    "compare_no_project_change": {"fr": "Le portefeuille est le même dans les deux scénarios.",
                                  "en": "The portfolio is the same in both scenarios."},
    "change_in": {"fr": "entre (B seulement)", "en": "in (B only)"},
    "change_out": {"fr": "sort (A seulement)", "en": "out (A only)"},
    "absent": {"fr": "(absent)", "en": "(absent)"},
    # ---- sweep -------------------------------------------------------------------------------
    "sweep_title": {"fr": "Balayage de scénarios : {name}", "en": "Scenario sweep: {name}"},
    "sweep_intro": {
        "fr": "{n} scénarios calculés ({ok} réussis, {failed} en échec), graine du balayage {seed}, "
              "{draws} tirages par scénario. Une ligne par scénario ; les colonnes de gauche sont les "
              "paramètres qui varient.",
        "en": "{n} scenarios computed ({ok} succeeded, {failed} failed), sweep seed {seed}, {draws} draws per "
              "scenario. One row per scenario; the left-hand columns are the parameters that vary.",
    },
    "sweep_failures_title": {"fr": "Scénarios en échec", "en": "Failed scenarios"},
    "sweep_no_failures": {"fr": "Aucun échec.", "en": "No failure."},
    # ---- column headers ----------------------------------------------------------------------
    "scenario": {"fr": "Scénario", "en": "Scenario"},
    "status": {"fr": "Statut", "en": "Status"},
    "error": {"fr": "Erreur", "en": "Error"},
    "seed": {"fr": "Graine", "en": "Seed"},
    "draws": {"fr": "Tirages", "en": "Draws"},
    "duration_s": {"fr": "Durée (s)", "en": "Duration (s)"},
    "parameter": {"fr": "Paramètre", "en": "Parameter"},
    "metric": {"fr": "Indicateur", "en": "Indicator"},
    "value_a": {"fr": "A", "en": "A"},
    "value_b": {"fr": "B", "en": "B"},
    "difference": {"fr": "Écart (B − A)", "en": "Difference (B − A)"},
    "change": {"fr": "Changement", "en": "Change"},
    "id": {"fr": "Projet", "en": "Project"},
    "title": {"fr": "Intitulé", "en": "Title"},
    "owner": {"fr": "Porteur", "en": "Owner"},
    "envelope": {"fr": "Enveloppe", "en": "Envelope"},
    "theme": {"fr": "Thème", "en": "Theme"},
    "call": {"fr": "Appel", "en": "Call"},
    "fund": {"fr": "Fonds", "en": "Fund"},
    "year": {"fr": "Année", "en": "Year"},
    "eligible": {"fr": "Éligible", "en": "Eligible"},
    "selected": {"fr": "Retenu", "en": "Selected"},
    "value": {"fr": "Valeur", "en": "Value"},
    "value_per_eur": {"fr": "Valeur par M€", "en": "Value per M€"},
    "value_per_meur": {"fr": "Valeur par M€", "en": "Value per M€"},
    "selection_frequency": {"fr": "Fréquence de sélection", "en": "Selection frequency"},
    "reason": {"fr": "Motif", "en": "Reason"},
    "total_cost_eur": {"fr": "Coût total", "en": "Total cost"},
    "requested_eur": {"fr": "Montant demandé", "en": "Requested"},
    "envelope_eur": {"fr": "Enveloppe", "en": "Envelope"},
    "budget_eur": {"fr": "Budget", "en": "Budget"},
    "n_candidates": {"fr": "Candidats", "en": "Candidates"},
    "n_eligible": {"fr": "Éligibles", "en": "Eligible"},
    "n_selected": {"fr": "Projets retenus", "en": "Selected projects"},
    "selected_requested_eur": {"fr": "Montant retenu", "en": "Selected amount"},
    "total_value": {"fr": "Valeur totale", "en": "Total value"},
    "committed_eur": {"fr": "Montant engagé", "en": "Committed"},
    "funded_eur": {"fr": "Montant financé", "en": "Funded"},
    "unused_eur": {"fr": "AE jamais décidées (disponibles − accordées)", "en": "AE never decided (available − granted)"},
    "greedy_shortfall_rate": {"fr": "Perte de valeur du classement glouton", "en": "Value lost by greedy ranking"},
    "greedy_value": {"fr": "Valeur du classement glouton", "en": "Greedy ranking value"},
    "paying_envelope": {"fr": "Enveloppe payeuse", "en": "Paying envelope"},
    "funding": {"fr": "Financement", "en": "Funding"},
    "phase1_only": {"fr": "Projets financés en phase 1 seulement", "en": "Projects funded for phase 1 only"},
    "solver_status": {"fr": "Statut du solveur", "en": "Solver status"},
    "budget_used_rate": {"fr": "Part du budget utilisée", "en": "Share of budget used"},
    "shortfall_probability": {"fr": "Probabilité de dépassement", "en": "Shortfall probability"},
    "yes": {"fr": "oui", "en": "yes"},
    "no": {"fr": "non", "en": "no"},
    "ok": {"fr": "réussi", "en": "ok"},
    "failed": {"fr": "échec", "en": "failed"},
    # ---- call-by-call decisions and back-test (workbench.decisions, workbench.analysis.backtest) ----------
    "decision": {"fr": "Décision", "en": "Decision"},
    "carried_over_mean_eur": {"fr": "CP reportés (moyenne)", "en": "CP carried over (mean)"},
    "applications": {"fr": "Candidatures", "en": "Applications"},
    "credits_left_eur": {"fr": "Crédits restants", "en": "Credits left"},
    "allotment_eur": {"fr": "Enveloppe de l'appel", "en": "Call allotment"},
    "laureates": {"fr": "Lauréats", "en": "Laureates"},
    "granted_eur": {"fr": "Montant accordé", "en": "Granted"},
    "mean_grant_eur": {"fr": "Subvention moyenne", "en": "Average grant"},
    "label": {"fr": "Chiffre publié", "en": "Published figure"},
    "published": {"fr": "Publié", "en": "Published"},
    "simulated": {"fr": "Simulé (moyenne, P10–P90)", "en": "Simulated (mean, P10–P90)"},
    "relative_gap": {"fr": "Écart", "en": "Gap"},
    "tolerance": {"fr": "Tolérance", "en": "Tolerance"},
    "passed": {"fr": "Résultat", "en": "Result"},
    "source": {"fr": "Source", "en": "Source"},
    "value_model_line": {
        "fr": "Modèle de valeur : **{model}** (unité : {unit}). Sous le modèle qualité × montant, la valeur par "
              "euro est la qualité du projet : l'optimum sous le budget suit l'ordre de mérite du comité.",
        "en": "Value model: **{model}** (unit: {unit}). Under the quality × scope model, value per euro is the "
              "project's quality: the optimum under the budget follows the committee's merit order.",
    },
    "calls_decisions_intro": {
        "fr": "**Décisions appel par appel.** Chaque comité choisit parmi les seules candidatures de son appel, "
              "avec les crédits restants à sa date et la part de l'année qui lui revient (règle « {rule} ») ; "
              "aucun appel ne voit les candidatures d'un appel ultérieur.",
        "en": "**Call-by-call decisions.** Each committee chooses among its own call's applications only, with "
              "the credits left at its date and its share of the year (rule \"{rule}\"); no call sees a later "
              "call's applications.",
    },
    "foresight_line": {
        "fr": "Référence « avec prévision parfaite » (toutes les candidatures de 2018 à la fin connues dès le "
              "départ) : {pf_n} projets pour {pf_eur}, valeur {pf_v} ; appel par appel : {n} projets pour {eur}, "
              "valeur {v}. Décider appel par appel coûte {cost} de la valeur optimale : c'est le prix de "
              "l'ignorance des candidatures futures, non une erreur du comité.",
        "en": "Benchmark \"with perfect foresight\" (every application of the whole period known from the start): "
              "{pf_n} projects for {pf_eur}, value {pf_v}; call by call: {n} projects for {eur}, value {v}. "
              "Deciding call by call costs {cost} of the optimal value: the price of not knowing future "
              "applications, not a committee's error.",
    },
    "backtest_section": {"fr": "Confrontation à l'histoire publiée du fonds", "en": "Back-test against the fund's published history"},
    "backtest_intro": {
        "fr": "Un modèle se juge d'abord sur le passé. Le modèle est rejoué {replicates} fois (un jeu de paramètres "
              "de l'échantillon a posteriori quand le scénario est calé, un vivier synthétique — les vraies "
              "candidatures ne sont pas publiques —, les décisions appel par appel, un tirage de la simulation) ; "
              "chaque chiffre publié est jugé contre l'intervalle prédictif P5–P95 de ces rejeux, erreur "
              "d'observation et écart de modèle compris. Un chiffre daté dans la fenêtre de calage est « dans "
              "l'échantillon » (il a servi à caler) ; les autres testent le modèle.",
        "en": "A model is judged on the past first. The model is run {replicates} times (a parameter set of the "
              "posterior sample when the scenario is calibrated, a synthetic pipeline — the real applications "
              "are not public —, the decisions call by call, one simulation draw); each published figure is "
              "judged against the P5–P95 predictive interval of these runs, observation error and model "
              "discrepancy included. A figure dated within the calibration window is \"in sample\" (it was used "
              "to calibrate); the others test the model.",
    },
    "backtest_head": {
        "fr": "confrontation de « {name} » à l'histoire publiée : {replicates} rejeux, {sets} graine {seed} ; {ok} "
              "chiffres publiés sur {n} dans l'intervalle prédictif P5–P95",
        "en": "backtest of '{name}': {replicates} runs, {sets} seed {seed}; {ok} of {n} published figures inside "
              "the P5–P95 predictive interval",
    },
    "backtest_sets": {"fr": "{n} jeux de paramètres a posteriori (calés jusqu'au {until}),",
                      "en": "{n} posterior parameter sets (calibrated up to {until}),"},
    "backtest_no_sets": {"fr": "paramètres du scénario (non calés),", "en": "the scenario's parameters (not calibrated),"},
    "backtest_score": {
        "fr": "score hors échantillon : {ok} chiffres sur {n} couverts ({coverage}), CRPS relatif moyen {crps} ; "
              "dans l'échantillon : {ins_ok} sur {ins_n} ({ins}) ; {not_counted} chiffres qui répètent une entrée "
              "ne sont pas comptés",
        "en": "score out of sample: {ok} of {n} figures covered ({coverage}), mean relative CRPS {crps}; in sample: "
              "{ins_ok} of {ins_n} ({ins}); {not_counted} figures that repeat an input are not counted",
    },
    "backtest_none": {"fr": "Aucun chiffre publié ne correspond à ce scénario (clé history : le fichier de "
                            "l'historique publié du fonds, voir docs/guide/historique-publie.md).",
                      "en": "No published figure matches this scenario (key history: the file of the fund's "
                            "published history, see docs/guide/historique-publie.md)."},
    "backtest_fail_warning": {
        "fr": "**Non reproduit par le modèle** : {label} — publié {published}, prédit {simulated} "
              "(moyenne, intervalle P5–P95).",
        "en": "**Not reproduced by the model**: {label} — published {published}, predicted {simulated} "
              "(mean, P5–P95 interval).",
    },
    "pass": {"fr": "conforme", "en": "pass"},
    "fail": {"fr": "écart", "en": "fail"},
    "first_results_late_line": {
        "fr": "Part des projets financés dont les premiers résultats tangibles viendraient après le délai promis "
              "(12 mois pour le FITN) : {share}.",
        "en": "Share of funded projects whose first tangible results would come later than promised (12 months for "
              "FITN): {share}.",
    },
    "cp_needs_note": {
        "fr": "Le scénario ne donne pas de crédits de paiement votés pour {years} : pour ces années le tableau "
              "montre les besoins de CP sans probabilité de dépassement (elle n'aurait pas de référence).",
        "en": "The scenario gives no voted payment credits for {years}: for those years the table shows CP needs "
              "without a shortfall probability (it would have no reference).",
    },
    # ---- provenance keys ---------------------------------------------------------------------
    "workbench_version": {"fr": "Version de workbench", "en": "workbench version"},
    "scenario_hash": {"fr": "Empreinte du scénario (SHA-256)", "en": "Scenario fingerprint (SHA-256)"},
    "scenario_files": {"fr": "Fichiers du scénario", "en": "Scenario files"},
    "candidates_source": {"fr": "Candidats", "en": "Candidates"},
    # ---- dashboard server (workbench.dashboard.server) ------------------------------------------
    "dashboard_full_total": {
        "fr": "Le tableau de bord sert déjà le nombre maximal de pages ouvertes. Fermez une page ouverte "
              "ou réessayez dans une minute.",
        "en": "The dashboard already serves the most open pages it allows. Close an open page or try "
              "again in a minute.",
    },
    "dashboard_ready": {"fr": "workbench dashboard : {url}  (Ctrl-C pour arrêter)",
                        "en": "workbench dashboard: {url}  (Ctrl-C to stop)"},
    "dashboard_full_client": {
        "fr": "Ce poste a déjà le nombre maximal de pages du tableau de bord ouvertes. Fermez-en une "
              "ou réessayez dans une minute.",
        "en": "This computer already has the most dashboard pages open it may. Close one or try again "
              "in a minute.",
    },
}


#: Labels of categorical values in tables, by column: ``column -> value -> {"fr", "en"}``.
VALUE_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "funding": {"full": {"fr": "complet", "en": "full"}, "phase1": {"fr": "phase 1", "en": "phase 1"}},
    "appropriation_source": {"planned schedule": {"fr": "calendrier prévu", "en": "planned schedule"},
                             "scenario": {"fr": "CP votés (scénario)", "en": "voted CP (scenario)"}},
    "change": {"in": {"fr": "entre (B seulement)", "en": "in (B only)"},
               "out": {"fr": "sort (A seulement)", "en": "out (A only)"}},
    "status": {"ok": {"fr": "réussi", "en": "ok"}, "failed": {"fr": "échec", "en": "failed"}},
    "fragile": {"selected_rarely": {"fr": "⚠ retenu, rarement choisi", "en": "⚠ selected, rarely chosen"},
                "left_out_often": {"fr": "⚠ écarté, souvent choisi", "en": "⚠ left out, often chosen"}},
    "solver_status": {"optimal": {"fr": "optimal", "en": "optimal"},
                      "time limit": {"fr": "limite de temps atteinte", "en": "time limit"},
                      "infeasible": {"fr": "irréalisable", "en": "infeasible"},
                      "unbounded": {"fr": "non borné", "en": "unbounded"}, "error": {"fr": "erreur", "en": "error"}},
}


LABELS.update({
    "and_word": {"fr": " et ", "en": " and "},
    "reason_ineligible": {"fr": "inéligible (règle du fonds enfreinte)", "en": "ineligible (a fund rule is broken)"},
    "reason_below_bar": {"fr": "sous la barre de qualité supposée (une hypothèse, pas une règle du fonds)",
                         "en": "below the assumed quality bar (an assumption, not a rule of the fund)"},
    "reason_outranked": {"fr": "éligible, devancé dans le budget", "en": "eligible, outranked within the budget"},
    "reason_dependency": {"fr": "éligible, écarté par une dépendance ou une exclusion",
                          "en": "eligible, left out by a dependency or exclusion"},
    "reason_forced_out": {"fr": "écarté d'office", "en": "forced out"},
    "reason_conflict": {"fr": "aucun portefeuille possible (règles en conflit)",
                        "en": "no portfolio possible (conflicting rules)"},
    "reason_other": {"fr": "autre", "en": "other"},
    "category": {"fr": "Situation", "en": "Situation"},
    "all_funds": {"fr": "Ensemble", "en": "All"},
    # envelope simulation figures (workbench.envelope)
    "level": {"fr": "Niveau", "en": "Level"},
    "shortfall_probability": {"fr": "Probabilité de manquer de crédits", "en": "Probability of running short"},
    "p_exhausted_before_last_call": {"fr": "Probabilité d'épuiser l'enveloppe avant le dernier appel",
                                     "en": "Probability the envelope runs out before the last call"},
    "committed_mean_eur": {"fr": "Engagé (moyenne)", "en": "Committed (mean)"},
    "paid_mean_eur": {"fr": "Payé (moyenne)", "en": "Paid (mean)"},
    "paid_p10_eur": {"fr": "Payé (P10)", "en": "Paid (P10)"},
    "paid_p90_eur": {"fr": "Payé (P90)", "en": "Paid (P90)"},
    "unused_residual_p50_eur": {"fr": "Jamais payé, enveloppe − CP payés toutes années (médiane)",
                                "en": "Never paid, envelope − CP paid all years (median)"},
    "unused_residual_p10_eur": {"fr": "Jamais payé, enveloppe − CP payés toutes années (P10)",
                                "en": "Never paid, envelope − CP paid all years (P10)"},
    "unused_residual_p90_eur": {"fr": "Jamais payé, enveloppe − CP payés toutes années (P90)",
                                "en": "Never paid, envelope − CP paid all years (P90)"},
    "unfunded_overrun_mean_eur": {"fr": "Dépassements non financés (moyenne)", "en": "Unfunded overruns (mean)"},
    "savings_declared_mean_eur": {"fr": "Économies annuelles déclarées", "en": "Declared yearly savings"},
    "savings_realised_mean_eur": {"fr": "Économies annuelles réalisées (moyenne)",
                                  "en": "Realised yearly savings (mean)"},
    "savings_vs_target_rate": {"fr": "Économies réalisées / cible (1 € par € investi)",
                               "en": "Realised savings / target (1 € per € invested)"},
    "projects_selected_mean": {"fr": "Projets financés (moyenne)", "en": "Projects funded (mean)"},
    "max_year_shortfall_probability": {"fr": "Probabilité maximale de dépassement d'une année",
                                       "en": "Highest yearly probability of excess"},
    "appropriation_eur": {"fr": "Référence (CP)", "en": "Reference (CP)"},
    # ---- credits as managed and decide-commit-pay (workbench.credits, envelope shortfall and per-set tables)
    "cp_reserve_eur": {"fr": "Mise en réserve (CP)", "en": "Precautionary reserve (CP)"},
    "cp_frozen_eur": {"fr": "Autres CP gelés en fin d'année", "en": "Other CP frozen at the year's end"},
    "cp_movements_eur": {"fr": "Mouvements de CP de l'année", "en": "CP movements of the year"},
    "ae_decided_eur": {"fr": "AE annoncées (décisions)", "en": "AE announced (decisions)"},
    "ae_decided_cum_eur": {"fr": "AE annoncées cumulées", "en": "Cumulative AE announced"},
    "ae_committed_eur": {"fr": "AE engagées (conventions signées)", "en": "AE committed (contracts signed)"},
    "ae_committed_cum_eur": {"fr": "AE engagées cumulées", "en": "Cumulative AE committed"},
    "set": {"fr": "Jeu de paramètres", "en": "Parameter set"},
    "cp_paid_mean_eur": {"fr": "CP payés (moyenne)", "en": "CP paid (mean)"},
    "ae_committed_mean_eur": {"fr": "AE engagées (moyenne)", "en": "AE committed (mean)"},
    "ae_decided_mean_eur": {"fr": "AE annoncées (moyenne)", "en": "AE announced (mean)"},
    "shortfall_probability_p10": {"fr": "Probabilité d'insuffisance (P10 des jeux)",
                                  "en": "Shortfall probability (P10 over sets)"},
    "shortfall_probability_p50": {"fr": "Probabilité d'insuffisance (médiane des jeux)",
                                  "en": "Shortfall probability (median over sets)"},
    "shortfall_probability_p90": {"fr": "Probabilité d'insuffisance (P90 des jeux)",
                                  "en": "Shortfall probability (P90 over sets)"},
    "appropriation_source": {"fr": "Nature de la référence", "en": "Reference is"},
    "cp_demand_mean_eur": {"fr": "Besoin de CP (moyenne)", "en": "CP needed (mean)"},
    "cp_demand_p90_eur": {"fr": "Besoin de CP (P90)", "en": "CP needed (P90)"},
    "expected_excess_eur": {"fr": "Dépassement moyen", "en": "Mean excess"},
    "decision": {"fr": "Décision", "en": "Decision"},
    "candidates": {"fr": "Candidats", "en": "Candidates"},
    "credits_left_p50_eur": {"fr": "Crédits restants avant l'appel (médiane)", "en": "Credits left before the call (median)"},
    "p_nothing_left": {"fr": "Probabilité qu'il ne reste rien", "en": "Probability nothing is left"},
    "committed_p10_eur": {"fr": "Engagé (P10)", "en": "Committed (P10)"},
    "committed_p90_eur": {"fr": "Engagé (P90)", "en": "Committed (P90)"},
    "strategic": {"fr": "Stratégique et innovant", "en": "Strategic and innovative"},
    "service": {"fr": "Qualité de service", "en": "Service quality"},
    "savings": {"fr": "Économies durables", "en": "Lasting savings"},
    "governance": {"fr": "Gouvernance", "en": "Governance"},
    "figure": {"fr": "Chiffre", "en": "Figure"},
    "count": {"fr": "Nombre de projets", "en": "Number of projects"},
    "top_selected_note": {
        "fr": "Les {shown} premiers des {n} projets retenus sont affichés ; la liste complète est dans "
              "`portfolio.csv` et `portfolio.xlsx`.",
        "en": "The first {shown} of the {n} selected projects are shown; the full list is in `portfolio.csv` "
              "and `portfolio.xlsx`.",
    },
    "funds_count": {"fr": "{n} fonds", "en": "{n} fund(s)"},
    "sub_envelopes": {"fr": "Sous-enveloppes", "en": "Sub-envelopes"},
    "n_calls": {"fr": "Sessions d'appels", "en": "Call sessions"},
    "first_decision": {"fr": "Première décision", "en": "First decision"},
    "last_decision": {"fr": "Dernière décision", "en": "Last decision"},
    "weights": {"fr": "Poids des critères", "en": "Criteria weights"},
    "draws_seed": {"fr": "Tirages et graine", "en": "Draws and seed"},
    "input_files": {"fr": "Fichiers lus", "en": "Files read"},
})


# ---- follow-up of funded projects (workbench.followup, `workbench book`, `workbench status`) ----
_FOLLOWUP_LABELS = {
    "followup_title": {"fr": "Suivi des projets financés au {as_of}", "en": "Follow-up of funded projects at {as_of}"},
    "followup_intro": {
        "fr": "La position du fonds à la date du livre des lauréats (engagé, payé, restes à payer, dégagé), puis la "
              "**reprévision** : les paiements restant dus, tirés des classes de référence pour la seule part "
              "restante de chaque projet, comparés aux crédits de paiement votés. Viennent ensuite les dérives "
              "par projet mesurées comme le panorama des grands projets numériques de l'État, les alertes et les "
              "économies par cohorte.",
        "en": "The fund's position at the date of the laureate book (committed, paid, outstanding, de-committed), "
              "then the **re-forecast**: the payments still due, drawn from the reference classes for each "
              "project's remaining part only, against the voted payment credits. Then each project's drift "
              "measured as the panorama of large State digital projects measures it, the flags and the savings "
              "by cohort.",
    },
    "fu_position_title": {"fr": "Position du fonds", "en": "The fund's position"},
    "fu_reforecast_title": {"fr": "Reprévision des crédits de paiement", "en": "Re-forecast of payment credits"},
    "fu_drift_title": {"fr": "Dérives et alertes", "en": "Drift and flags"},
    "fu_savings_title": {"fr": "Économies par cohorte", "en": "Savings by cohort"},
    "fu_synthetic_note": {
        "fr": "**Données d'exécution synthétiques** : les colonnes {columns} du livre sont générées (graine fixe) "
              "et ne décrivent aucun projet réel.",
        "en": "**Synthetic execution data**: the book's columns {columns} are generated (fixed seed) and describe "
              "no real project.",
    },
    "fu_fan_title": {"fr": "Besoins de CP de {fund} à partir du {as_of}", "en": "CP needs of {fund} from {as_of}"},
    "fu_fan_band": {"fr": "P10–P90", "en": "P10–P90"},
    "fu_fan_p50": {"fr": "médiane", "en": "median"},
    "fu_fan_planned": {"fr": "échéancier restant sans incertitude", "en": "remaining schedule without uncertainty"},
    "fu_fan_voted": {"fr": "CP votés", "en": "CP voted"},
    "fu_fan_xlabel": {"fr": "année (dernière année : paiements ultérieurs inclus)",
                      "en": "year (last year: later payments included)"},
    "fu_sheet_book": {"fr": "livre", "en": "book"},
    "fu_sheet_funds": {"fr": "position", "en": "position"},
    "fu_sheet_origin": {"fr": "restes à payer", "en": "outstanding"},
    "fu_imported": {"fr": "{db} : livre « {book} » au {as_of} enregistré ({n} projets, instantané {sid})",
                    "en": "{db}: book '{book}' at {as_of} stored ({n} projects, snapshot {sid})"},
    "fu_already_stored": {"fr": "{db} : livre « {book} » au {as_of} déjà enregistré à l'identique (instantané {sid}) : "
                                "rien n'est modifié",
                          "en": "{db}: book '{book}' at {as_of} already stored with the same content (snapshot {sid}): "
                                "nothing changed"},
    "fu_status_head": {"fr": "Situation au {as_of} : {n} projets ({source})",
                       "en": "Status at {as_of}: {n} projects ({source})"},
    "fu_position_line": {
        "fr": "  {fund} : engagé {committed}, payé {paid}, restes à payer {outstanding}, dégagé {decommitted}, "
              "disponible pour les prochains appels {available}",
        "en": "  {fund}: committed {committed}, paid {paid}, outstanding {outstanding}, de-committed {decommitted}, "
              "available for the next calls {available}"},
    "fu_reforecast_line": {
        "fr": "  {fund} : reste à payer attendu {future}, crédits libérés par abandon {freed} (moyennes, {draws} tirages), "
              "risque de manquer de CP {short}, engageable sans risque par les prochains appels {safe}",
        "en": "  {fund}: expected payments to come {future}, credits freed by abandonment {freed} (means, {draws} draws), "
              "risk of running short of CP {short}, safe to commit by the next calls {safe}"},
    "fu_drift_line": {
        "fr": "  dérive budgétaire moyenne {budget} (pondérée {budget_w}), calendaire {schedule} (pondérée {schedule_w}) ; "
              "panorama nov. 2020 : 28,4 % et 24,6 %",
        "en": "  mean budget drift {budget} (weighted {budget_w}), schedule {schedule} (weighted {schedule_w}); "
              "panorama Nov 2020: 28.4 % and 24.6 %"},
    "fu_flags_line": {
        "fr": "  projets signalés : {n} ({late} premiers résultats en retard, {dinum} sans avis DINUM au-delà de 9 M€, "
              "{stalled} paiements à l'arrêt)",
        "en": "  projects flagged: {n} ({late} late first results, {dinum} above 9 M€ without the DINUM opinion, "
              "{stalled} stalled payments)"},
    "fu_savings_line": {
        "fr": "  économies annuelles déclarées {declared}, mesurées {measured}, cible (1 € par an pour 1 € payé) {target}",
        "en": "  yearly savings declared {declared}, measured {measured}, target (1 € a year per 1 € paid) {target}"},
    "fu_written": {"fr": "  écrit dans {out}/", "en": "  written to {out}/"},
    # book store: withdrawal and audit trail (issue 23, hardening round 2)
    "fu_dropped": {"fr": "{db} : instantané {sid} du livre « {book} » au {as_of} retiré ({n} projets) ; consigné au "
                         "journal avec son contenu (motif : {reason})",
                   "en": "{db}: snapshot {sid} of book '{book}' at {as_of} withdrawn ({n} projects); recorded in the "
                         "audit trail with its content (reason: {reason})"},
    "fu_list_snapshots": {"fr": "Instantanés de {db} :", "en": "Snapshots in {db}:"},
    "fu_list_none": {"fr": "  (aucun)", "en": "  (none)"},
    "fu_list_audit": {"fr": "Journal des écritures (qui, quand, quoi, pourquoi) :",
                      "en": "Audit trail (who, when, what, why):"},
    # table headers
    "paid_to_date_eur": {"fr": "Payé à date", "en": "Paid to date"},
    "outstanding_eur": {"fr": "Restes à payer", "en": "Outstanding"},
    "decommitted_eur": {"fr": "Dégagé", "en": "De-committed"},
    "net_committed_eur": {"fr": "Engagé net", "en": "Net committed"},
    "pending_eur": {"fr": "Décidé, non engagé", "en": "Decided, not committed"},
    "available_for_next_calls_eur": {"fr": "Disponible pour les prochains appels", "en": "Available for the next calls"},
    "origin_year": {"fr": "Année d'engagement", "en": "Year of origin"},
    "paid_in_year_eur": {"fr": "Déjà payé dans l'année", "en": "Already paid in the year"},
    "planned_cp_eur": {"fr": "Échéancier sans incertitude", "en": "Schedule without uncertainty"},
    "cp_need_mean_eur": {"fr": "Besoin de CP (moyenne)", "en": "CP need (mean)"},
    "cp_need_p10_eur": {"fr": "Besoin de CP (P10)", "en": "CP need (P10)"},
    "cp_need_p50_eur": {"fr": "Besoin de CP (médiane)", "en": "CP need (median)"},
    "cp_need_p90_eur": {"fr": "Besoin de CP (P90)", "en": "CP need (P90)"},
    "cp_voted_eur": {"fr": "CP votés", "en": "CP voted"},
    "remaining_eur": {"fr": "Reste de la subvention", "en": "Remaining grant"},
    "future_paid_mean_eur": {"fr": "Paiements à venir (moyenne)", "en": "Payments to come (mean)"},
    "freed_by_abandonment_mean_eur": {"fr": "Libéré par abandon (moyenne)", "en": "Freed by abandonment (mean)"},
    "freed_by_abandonment_p10_eur": {"fr": "Libéré par abandon (P10)", "en": "Freed by abandonment (P10)"},
    "freed_by_abandonment_p90_eur": {"fr": "Libéré par abandon (P90)", "en": "Freed by abandonment (P90)"},
    "available_now_eur": {"fr": "Disponible aujourd'hui", "en": "Available today"},
    "safe_to_commit_eur": {"fr": "Engageable sans risque (P10)", "en": "Safe to commit (P10)"},
    "shortfall_any_year_probability": {"fr": "Risque de manquer de CP une année",
                                       "en": "Risk of running short of CP in a year"},
    "grant_eur": {"fr": "Subvention", "en": "Grant"},
    "budget_drift_rate": {"fr": "Dérive budgétaire", "en": "Budget drift"},
    "schedule_drift_rate": {"fr": "Dérive calendaire", "en": "Schedule drift"},
    "flag_late_first_results": {"fr": "Premiers résultats en retard", "en": "Late first results"},
    "flag_no_dinum_opinion": {"fr": "Sans avis DINUM (> 9 M€)", "en": "No DINUM opinion (> 9 M€)"},
    "flag_stalled_payments": {"fr": "Paiements à l'arrêt", "en": "Stalled payments"},
    "drift": {"fr": "Dérive", "en": "Drift"},
    "mean_rate": {"fr": "Moyenne", "en": "Mean"},
    "weighted_mean_rate": {"fr": "Moyenne pondérée par le coût", "en": "Cost-weighted mean"},
    "panorama_nov2020_rate": {"fr": "Panorama, nov. 2020", "en": "Panorama, Nov 2020"},
    "cohort": {"fr": "Cohorte (année de décision)", "en": "Cohort (decision year)"},
    "n_measured": {"fr": "Projets mesurés", "en": "Projects measured"},
    "n_projects": {"fr": "Projets", "en": "Projects"},
    "declared_savings_eur": {"fr": "Économies déclarées (par an)", "en": "Savings declared (a year)"},
    "measured_savings_eur": {"fr": "Économies mesurées (par an)", "en": "Savings measured (a year)"},
    "target_savings_eur": {"fr": "Cible : 1 € par an pour 1 € payé", "en": "Target: 1 € a year per 1 € paid"},
    "target_due": {"fr": "Cible échue (3 ans)", "en": "Target due (3 years)"},
    "declared_vs_target_rate": {"fr": "Déclaré / cible", "en": "Declared / target"},
    "measured_vs_target_rate": {"fr": "Mesuré / cible", "en": "Measured / target"},
    "realisation_rate": {"fr": "Mesuré / déclaré", "en": "Measured / declared"},
    "published_realisation_rate": {"fr": "Cour des comptes 2025 (339 M€ / 2 Md€)",
                                   "en": "Cour des comptes 2025 (339 M€ / 2 bn€)"},
    "progress_rate": {"fr": "Avancement (payé / subvention)", "en": "Progress (paid / grant)"},
    "planned_total_cost_eur": {"fr": "Coût total au plan financé", "en": "Total cost in the funded plan"},
}


for _k, _v in _FOLLOWUP_LABELS.items():
    LABELS.setdefault(_k, _v)   # never replace a key another module defined


# ---- what the command line prints after validate, simulate and rank (workbench.reporting.summaries)
_SUMMARY_LABELS = {
    "sum_warning": {"fr": "  ATTENTION : {text}", "en": "  WARNING: {text}"},
    "sum_synthetic": {"fr": "  [candidats SYNTHÉTIQUES]", "en": "  [SYNTHETIC candidates]"},
    "sum_valid_candidates": {"fr": "{path} : fichier de candidats valide", "en": "{path}: valid candidate file"},
    "sum_candidates": {"fr": "  candidats : {n}", "en": "  candidates: {n}"},
    "sum_total_cost": {"fr": "  coût total : {amount}", "en": "  total cost: {amount}"},
    "sum_requested": {"fr": "  demandé au(x) fonds : {amount}", "en": "  requested from the fund(s): {amount}"},
    "sum_valid_scenario": {"fr": "{path} : scénario valide « {name} » — {title}",
                           "en": "{path}: valid scenario '{name}' — {title}"},
    "sum_extends": {"fr": "  étend : {chain}", "en": "  extends: {chain}"},
    "sum_horizon": {"fr": "  horizon : {start}-{end}, graine {seed}", "en": "  horizon: {start}-{end}, seed {seed}"},
    "sum_fund": {"fr": "  fonds {code} : enveloppe {amount}", "en": "  fund {code}: envelope {amount}"},
    "sum_sub_envelopes": {"fr": ", {n} sous-enveloppes", "en": ", {n} sub-envelopes"},
    "sum_calls": {"fr": "  appels : {n} sessions, du {first} au {last}",
                  "en": "  calls: {n} sessions, {first} to {last}"},
    "sum_min_total_cost": {"fr": "  coût total minimal (le plus récent) : {amount}",
                           "en": "  minimum total cost (latest): {amount}"},
    "sum_min_cofinancing": {"fr": "  cofinancement minimal : {rate}", "en": "  minimum co-financing: {rate}"},
    "sum_weights": {"fr": "  poids : {weights}", "en": "  weights: {weights}"},
    # the one answer (workbench.pipeline.headline): the same line after simulate, rank and run
    "sum_answer": {
        "fr": "Risque de manquer de crédits de paiement : {p} (au moins une année ; année la plus exposée : "
              "{year}, {p_year}) — portefeuille décidé appel par appel, {draws} tirages, graine {seed}",
        "en": "Risk of running short of payment credits: {p} (in at least one year; year most at risk: "
              "{year}, {p_year}) — portfolio decided call by call, {draws} draws, seed {seed}"},
    "sum_answer_band": {
        "fr": "    bande P10–P90 sur les {n} jeux de paramètres du calage (ce que l'on ne sait pas du délai "
              "d'engagement, du profil de paiement…) : {p10} à {p90}",
        "en": "    P10–P90 band over the calibration's {n} parameter sets (what is not known of the commitment "
              "lag, the payment profile…): {p10} to {p90}"},
    "sum_answer_no_time": {
        "fr": "Risque de manquer de crédits de paiement : non calculé, la limite de temps de la commande est "
              "atteinte (workbench simulate le donne pour ce portefeuille)",
        "en": "Risk of running short of payment credits: not computed, the command's time limit is reached "
              "(workbench simulate gives it for this portfolio)"},
    "sum_answer_no_cp": {
        "fr": "Risque de manquer de crédits de paiement : non mesuré (aucun crédit de paiement voté dans le "
              "scénario) — {draws} tirages, graine {seed}",
        "en": "Risk of running short of payment credits: not measured (no voted payment credits in the "
              "scenario) — {draws} draws, seed {seed}"},
    "sum_simulation": {"fr": "simulation de « {name} » : {draws} tirages, graine {seed}",
                       "en": "simulation of '{name}': {draws} draws, seed {seed}"},
    "sum_uncertainty_off": {"fr": " (sans incertitude)", "en": " (uncertainty off)"},
    "sum_sim_amounts": {
        "fr": "  {level} : enveloppe {envelope}, engagé (brut) {committed}, payé {paid} (P10 {p10}, P90 {p90}), "
              "jamais payé (enveloppe − CP payés, toutes années) {unused}",
        "en": "  {level}: envelope {envelope}, committed (gross) {committed}, paid {paid} (P10 {p10}, P90 {p90}), "
              "never paid (envelope − CP paid, all years) {unused}"},
    "sum_sim_risks": {
        "fr": "    P(épuisée avant le dernier appel) {exhausted}, P(insuffisance) {short}, économies réalisées "
              "{savings}/an = {target} de la cible 1 € pour 1 €",
        "en": "    P(exhausted before last call) {exhausted}, P(running short) {short}, savings realised "
              "{savings}/yr = {target} of the 1 € for 1 € target"},
    "sum_overcommitted": {"fr": ", SURENGAGÉE dans certains tirages", "en": ", OVERCOMMITTED in some draws"},
    "sum_late_results": {"fr": "  projets financés dont les premiers résultats arrivent plus tard que promis : {share}",
                         "en": "  funded projects whose first results come later than promised: {share}"},
    "sum_portfolio": {
        "fr": "portefeuille : {selected} candidats retenus sur {candidates} ({eligible} éligibles, "
              "{phase1} financés pour la seule phase 1)",
        "en": "portfolio: {selected} of {candidates} candidates selected ({eligible} eligible, "
              "{phase1} funded for phase 1 only)"},
    "sum_by_call": {
        "fr": "  décidé appel par appel : chaque appel parmi ses propres candidatures, avec les crédits restants "
              "et sa dotation ({allotment})",
        "en": "  decided call by call: each call among its own applications, with the credits left and its "
              "allotment ({allotment})"},
    "sum_call_line": {
        "fr": "    {call} ({decision}) : {laureates} lauréats sur {applications} candidatures ({eligible} éligibles), "
              "{granted} sur une dotation de {allotment}",
        "en": "    {call} ({decision}): {laureates} of {applications} applications ({eligible} eligible), "
              "{granted} of an allotment of {allotment}"},
    "sum_foresight": {
        "fr": "  en information parfaite : les candidats de tous les appels choisis d'un coup (une référence, "
              "pas une prévision)",
        "en": "  with perfect foresight: every call's candidates selected at once (a benchmark, not a forecast)"},
    "sum_no_portfolio": {"fr": "  AUCUN PORTEFEUILLE : ces règles ne peuvent être toutes tenues : {rules}",
                         "en": "  NO PORTFOLIO: these rules cannot all hold: {rules}"},
    "sum_no_portfolio_hint": {"fr": "  (en retirer une seule rend les autres réalisables)",
                              "en": "  (removing any one of them makes the others feasible)"},
    "sum_committed": {"fr": "  accordé : {committed} sur {budget} d'AE disponibles (jamais décidé : {unused})",
                      "en": "  granted: {committed} of {budget} of AE available (never decided: {unused})"},
    "sum_average_grant": {"fr": "  subvention moyenne : {amount}", "en": "  average grant: {amount}"},
    "sum_value": {
        "fr": "  valeur : {value} {unit} ({model}) ; ordre glouton par valeur par euro : {greedy} "
              "({short} sous l'optimum)",
        "en": "  value: {value} {unit} ({model}); greedy by value per euro: {greedy} ({short} below the optimum)"},
    "sum_greedy_breaks": {"fr": "  l'ordre glouton enfreint : {rules}", "en": "  greedy breaks: {rules}"},
    "sum_by_envelope": {"fr": "  par enveloppe : {amounts}", "en": "  by envelope: {amounts}"},
    "sum_robustness_partial": {
        "fr": "  robustesse : calculée pour {done} appel(s) sur {calls} seulement, la limite de temps de la "
              "commande a été atteinte avant les autres (relancer avec une limite plus large pour tous les appels)",
        "en": "  robustness: computed for only {done} of {calls} call(s), the command's time limit was reached "
              "before the others (run again with a wider limit for every call)"},
    "sum_robustness": {
        "fr": "  robustesse ({samples} tirages des poids) : {always} toujours, {sometimes} parfois, "
              "{never} jamais retenus",
        "en": "  robustness ({samples} weight draws): {always} always, {sometimes} sometimes, {never} never selected"},
    "sum_with_costs": {"fr": " (poids et coûts tirés ensemble)", "en": " (weights and costs drawn together)"},
    "sum_proofs": {
        "fr": "  portefeuille de chaque tirage prouvé optimal à l'écart près : {bound} par une borne tirée des "
              "tirages voisins, {solved} par une résolution",
        "en": "  each draw's portfolio proven optimal within the gap: {bound} by a bound from the draws around "
              "it, {solved} by a solve"},
    "sum_not_proven": {"fr": " ; {n} NON prouvés (limite de temps)", "en": "; {n} NOT proven (time limit)"},
    "sum_within_envelope": {
        "fr": "  probabilité de tenir dans l'enveloppe malgré les dépassements : {p} (P90 du coût final {p90} ; "
              "{draws} tirages, le fonds paie {paid} des dépassements)",
        "en": "  probability of staying within the envelope under cost overruns: {p} (P90 of the final cost "
              "{p90}; {draws} draws, fund pays {paid} of overruns)"},
    "sum_solver": {
        "fr": "  solveur : {version}, {status}, écart {gap} (cible {target}), {wall} s (solveur {time} s) "
              "sur une limite de {limit} s ; {check}",
        "en": "  solver: {version}, {status}, gap {gap} (target {target}), {wall} s (solver {time} s) of a "
              "{limit} s limit; {check}"},
    # workbench rank: the time limit bounds the whole command (issue 23, hardening round 2)
    "rank_not_proven_greedy": {
        "fr": "attention : la limite de {limit} s est venue avant que le solveur trouve un portefeuille ; le "
              "portefeuille écrit est celui de l'ordre de mérite (valeur par euro), conforme à toutes les règles mais "
              "NON prouvé optimal (augmenter --time-limit-s pour l'optimum)",
        "en": "warning: the {limit} s limit came before the solver found a portfolio; the portfolio written is the "
              "merit order's (value per euro), within every rule but NOT proven optimal (raise --time-limit-s for "
              "the optimum)"},
    "rank_not_proven_best": {
        "fr": "attention : limite de {limit} s atteinte ; le portefeuille écrit est le meilleur trouvé par le solveur, "
              "conforme à toutes les règles mais NON prouvé optimal (écart {gap})",
        "en": "warning: the {limit} s limit was reached; the portfolio written is the best the solver found, within "
              "every rule but NOT proven optimal (gap {gap})"},
    "rank_no_portfolio_time": {
        "fr": "aucun portefeuille conforme aux règles dans la limite de {limit} s (l'ordre de mérite en enfreint une) : "
              "augmenter --time-limit-s",
        "en": "no portfolio within the rules in the {limit} s limit (the merit order breaks one): raise "
              "--time-limit-s"},
    "rank_robustness_skipped": {"fr": "robustesse non calculée : la limite de temps est atteinte",
                                "en": "robustness not computed: the time limit is reached"},
    "rank_xlsx_selected_only": {
        "fr": "portfolio.xlsx ne contient que les {k} projets retenus (écrire les {n} candidats aurait dépassé la "
              "limite de temps) ; portfolio.csv les contient tous",
        "en": "portfolio.xlsx holds the {k} selected projects only (writing the {n} candidates would have passed "
              "the time limit); portfolio.csv holds them all"},
    "rank_over_time": {
        "fr": "la commande a duré {wall} s pour une limite de {limit} s ({stages}) : la lecture des candidats ne "
              "s'interrompt pas, et le portefeuille de repli doit être construit et écrit",
        "en": "the command took {wall} s for a {limit} s limit ({stages}): reading the candidates cannot be "
              "interrupted, and the fallback portfolio must still be built and written"},
    "sum_fallback_greedy": {"fr": " (portefeuille de l'ordre de mérite, NON prouvé optimal)",
                            "en": " (merit-order portfolio, NOT proven optimal)"},
    "rank_stage_read": {"fr": "lecture", "en": "reading"},
    "rank_stage_select": {"fr": "sélection", "en": "selection"},
    "rank_stage_write": {"fr": "écriture", "en": "writing"},
    "rank_stage_simulate": {"fr": "simulation du risque", "en": "risk simulation"},
    "sum_policies": {"fr": "  politiques : {items}", "en": "  policies: {items}"},
    "sum_policy": {"fr": "{policy} : valeur {value}, insuffisance {short}", "en": "{policy}: value {value}, short {short}"},
    "sum_written_to": {"fr": "  écrit dans {out}/ ({files})", "en": "  written to {out}/ ({files})"},
    "sum_written": {"fr": "  écrit : {files}", "en": "  written: {files}"},
    "cli_interrupted": {"fr": "interrompu", "en": "interrupted"},
    "cli_no_memory": {"fr": "mémoire insuffisante pour cette entrée", "en": "not enough memory for this input"},
    "os_not_folder": {"fr": "une partie du chemin n'est pas un dossier", "en": "a part of the path is not a folder"},
    "os_permission": {"fr": "permission refusée", "en": "permission denied"},
    "os_not_permitted": {"fr": "opération non permise", "en": "operation not permitted"},
    "os_read_only": {"fr": "système de fichiers en lecture seule", "en": "read-only file system"},
    "os_no_space": {"fr": "plus de place sur le disque", "en": "no space left on the disk"},
    "os_quota": {"fr": "quota disque dépassé", "en": "disk quota exceeded"},
    "os_cannot": {"fr": "impossible d'écrire ou de lire {where} : {what}", "en": "cannot write or read {where}: {what}"},
    "os_failed": {"fr": "l'opération sur le fichier a échoué : {what}", "en": "file operation failed: {what}"},
    "os_untouched": {"fr": " (les sorties sont écrites en entier ou pas du tout : les précédentes sont intactes)",
                     "en": " (outputs are written all or nothing: previous outputs are untouched)"},
    "sum_checked": {"fr": "chaque règle revérifiée : aucune enfreinte", "en": "every rule re-evaluated: none broken"},
    "sum_not_checked": {"fr": "aucun portefeuille à vérifier", "en": "no portfolio to check"},
    # ---- a fund's credits in `workbench validate` (workbench.credits.timeline): every dated value
    "sum_envelope_from": {"fr": "{amount} dès le {date}", "en": "{amount} from {date}"},
    "sum_credits_head": {"fr": "  crédits {code} (AE disponibles : cumul des AE votées, moins la réserve de l'année, "
                                "plus ou moins les mouvements datés ; CP disponibles de l'année, avant report) :",
                         "en": "  credits of {code} (AE available: cumulative voted AE, less the year's reserve, plus "
                               "or minus the dated movements; CP available in the year, before carry-over):"},
    "sum_credits_year": {"fr": "    {year} : AE votées {ae}, CP votés {cp}, réserve {rate} -> au 1er janvier AE "
                               "disponibles {ae_avail}, CP disponibles {cp_avail}",
                         "en": "    {year}: voted AE {ae}, voted CP {cp}, reserve {rate} -> on 1 January AE "
                               "available {ae_avail}, CP available {cp_avail}"},
    "sum_credits_move": {"fr": "    {date} {kind} : AE {ae}, CP {cp} -> AE disponibles {ae_avail}",
                         "en": "    {date} {kind}: AE {ae}, CP {cp} -> AE available {ae_avail}"},
    "movement_freeze": {"fr": "surgel", "en": "freeze"},
    "movement_unfreeze": {"fr": "dégel", "en": "unfreeze"},
    "movement_cancellation": {"fr": "annulation", "en": "cancellation"},
    "movement_frozen_cancellation": {"fr": "annulation de crédits gelés", "en": "cancellation of frozen credits"},
    "movement_transfer_in": {"fr": "transfert entrant", "en": "transfer in"},
    "movement_transfer_out": {"fr": "transfert sortant", "en": "transfer out"},
    "movement_supplementary": {"fr": "ouverture en loi de finances rectificative",
                               "en": "supplementary appropriation"},
}


for _k, _v in _SUMMARY_LABELS.items():
    if _k in LABELS:
        raise KeyError(f"label {_k!r} defined twice")
    LABELS[_k] = _v


# values of the follow-up's tables (project status, kind of drift), shown in the report's language
for _col, _vals in {
    "status": {"running": {"fr": "en cours", "en": "running"}, "completed": {"fr": "terminé", "en": "completed"},
               "abandoned": {"fr": "abandonné", "en": "abandoned"},
               "phase1_only": {"fr": "première phase seule", "en": "first phase only"}},
    "drift": {"budget": {"fr": "budgétaire", "en": "budget"}, "schedule": {"fr": "calendaire", "en": "schedule"}},
}.items():
    for _value, _words in _vals.items():
        VALUE_LABELS.setdefault(_col, {}).setdefault(_value, _words)


# ---- the funds' rules section (workbench.scenario.rules) ------------------------------------------------
LABELS.update({
    "rules_title": {"fr": "Les règles des fonds appliquées", "en": "The funds' rules applied"},
    "rules_intro": {
        "fr": "Chaque règle du scénario, sa valeur (datée quand elle a changé d'un appel à l'autre), la façon "
              "dont l'outil l'applique et sa source : le document public cité, ou « hypothèse » quand le chiffre "
              "est un choix de l'outil, faute de document qui l'énonce.",
        "en": "Each rule of the scenario, its value (dated where it changed from call to call), how the tool "
              "applies it and its source: the public document cited, or \"assumption\" where the figure is the "
              "tool's choice, no document stating it.",
    },
    "rule_scope": {"fr": "Fonds", "en": "Fund"},
    "rule_name": {"fr": "Règle", "en": "Rule"},
    "rule_value": {"fr": "Valeur", "en": "Value"},
    "rule_applied": {"fr": "Application", "en": "Applied as"},
    "rule_source": {"fr": "Source", "en": "Source"},
    "rule_all_funds": {"fr": "tous", "en": "all"},
    "rule_assumption": {"fr": "hypothèse", "en": "assumption"},
    "rule_from": {"fr": "à partir du", "en": "from"},
    "rule_min_total_cost_eur": {"fr": "Coût total minimal", "en": "Minimum total cost"},
    "rule_min_total_cost_territorial_eur": {"fr": "Coût total minimal (projet territorial)",
                                            "en": "Minimum total cost (territorial project)"},
    "rule_max_requested_eur": {"fr": "Financement maximal par projet", "en": "Maximum funding per project"},
    "rule_cofinancing_rate": {"fr": "Cofinancement minimal du porteur", "en": "Owner's minimum co-financing"},
    "rule_themes": {"fr": "Thématiques", "en": "Themes"},
    "rule_owner_types": {"fr": "Porteurs admis", "en": "Who may apply"},
    "rule_innovation_lab_envelopes": {"fr": "Réservé aux projets appuyés par un laboratoire d'innovation territorial",
                                      "en": "Only for projects backed by a territorial innovation lab"},
    "rule_fast_track_threshold_eur": {"fr": "Seuil entre examen au fil de l'eau et calendrier du FTAP",
                                      "en": "Threshold between the continuous track and the FTAP calendar"},
    "rule_last_commitment_date": {"fr": "Dernière date d'engagement", "en": "Last commitment date"},
    "rule_first_results_months": {"fr": "Premiers résultats tangibles (mois)", "en": "First tangible results (months)"},
    "rule_governance_gate_eur": {"fr": "Avis du directeur de la DINUM au-delà de (coût complet)",
                                 "en": "DINUM director's opinion above (full cost)"},
    "rule_governance_gate_delay_months": {"fr": "Délai de l'avis avant engagement (mois)",
                                          "en": "Delay of the opinion before commitment (months)"},
    "rule_min_quality_points": {"fr": "Barre de qualité (note pondérée minimale)",
                                "en": "Quality bar (minimum weighted score)"},
    "rule_call_allotment": {"fr": "Enveloppe de chaque appel", "en": "Each call's allotment"},
    "rule_value_model": {"fr": "Modèle de valeur", "en": "Value model"},
    "allotment_year_share": {"fr": "crédits restants de l'année partagés entre les appels de l'année",
                             "en": "the year's credits left shared among the year's calls"},
    "allotment_none": {"fr": "tous les crédits restants", "en": "all the credits left"},
    "allotment_year_share_by_applications": {
        "fr": "crédits restants de l'année partagés entre les appels de l'année selon leurs candidatures attendues",
        "en": "the year's credits left shared among the year's calls by their expected applications"},
    "applied_allotment": {"fr": "budget de chaque appel (décisions appel par appel et simulation)",
                          "en": "each call's budget (call-by-call decisions and simulation)"},
    "applied_value": {"fr": "objectif de la sélection (ordre de mérite)", "en": "objective of the selection (merit order)"},
    "rule_roi_target_ratio": {"fr": "Cible d'économies par euro investi (par an, à 3 ans)",
                              "en": "Savings target per euro invested (yearly, after 3 years)"},
    "applied_refuse": {"fr": "candidat refusé (sélection et simulation)", "en": "candidate refused (selection and simulation)"},
    "applied_flag": {"fr": "signalé à la sélection ; part des projets en retard dans la simulation",
                     "en": "flagged at selection; share of late projects in the simulation"},
    "applied_flag_delay": {"fr": "signalé à la sélection ; engagement retardé dans la simulation",
                           "en": "flagged at selection; commitment delayed in the simulation"},
    "applied_delay": {"fr": "engagement retardé dans la simulation", "en": "commitment delayed in the simulation"},
    "eligible_envelopes": {"fr": "Enveloppes pouvant payer", "en": "Envelopes that may pay"},
    "first_results_late": {"fr": "Premiers résultats au-delà de la promesse", "en": "First results later than promised"},
    "governance_gate": {"fr": "Avis du directeur de la DINUM requis", "en": "DINUM director's opinion needed"},
    "flag": {"fr": "Signalement", "en": "Flag"},
    "applied_roi": {"fr": "signalé, pris comme critère ou comme règle selon le scénario",
                    "en": "flagged, taken as a criterion or a rule as the scenario says"},
})

# ---- the rules table in words (issue 21: no code name in a sentence; workbench.rules) ------------
LABELS.update({
    "applied_bar": {"fr": "candidat refusé, sauf dérogation du comité (une hypothèse du modèle, pas une règle "
                          "des textes du fonds)",
                    "en": "candidate refused, unless the committee overrides it (an assumption of the model, not "
                          "a rule of the fund's texts)"},
    "value_model_points": {"fr": "note pondérée des critères [0-100]", "en": "weighted score of the criteria [0-100]"},
    "fu_synthetic_all": {
        "fr": "**Données d'exécution synthétiques** : toutes les colonnes du livre sont générées (graine fixe) et ne "
              "décrivent aucun projet réel.",
        "en": "**Synthetic execution data**: every column of the book is generated (fixed seed) and describes no "
              "real project."},
    "value_model_quality_x_scope": {"fr": "note pondérée [0-100] × {scope} [M€]", "en": "weighted score [0-100] × {scope} [M€]"},
    "scope_requested_eur": {"fr": "montant demandé au fonds", "en": "amount requested from the fund"},
    "scope_total_cost_eur": {"fr": "coût total du projet", "en": "project's total cost"},
    "scope_annual_savings_eur": {"fr": "économies annuelles", "en": "yearly savings"},
})
VALUE_LABELS["owner_type"] = {
    "state_central": {"fr": "administration centrale de l'État", "en": "central State administration"},
    "state_deconcentrated": {"fr": "service déconcentré de l'État", "en": "deconcentrated State service"},
    "state_operator": {"fr": "opérateur de l'État", "en": "State operator"},
    "local_authority": {"fr": "collectivité territoriale", "en": "local authority"},
    "small_local_authority": {"fr": "petite ou moyenne collectivité", "en": "small or medium local authority"},
}


# ---- the committee room: members' weights, the room's robustness, the minutes (workbench.committee) ----
_COMMITTEE_LABELS = {
    "cm_minutes_title": {"fr": "Procès-verbal de la séance n° {id} : {title}", "en": "Minutes of session {id}: {title}"},
    "cm_opened": {"fr": "Séance ouverte le", "en": "Session opened on"},
    "cm_recorder": {"fr": "Secrétaire de séance", "en": "Secretary"},
    "cm_scenario": {"fr": "Scénario", "en": "Scenario"},
    "cm_scenario_of": {"fr": "Scénario de la décision n° {id}", "en": "Scenario of decision {id}"},
    "cm_db": {"fr": "Registre", "en": "Store"},
    "cm_generated": {"fr": "Procès-verbal établi le", "en": "Minutes drawn up on"},
    "cm_members_title": {"fr": "Les poids de chaque membre", "en": "Each member's weights"},
    "cm_members_intro": {
        "fr": "Chaque membre a donné ses poids par l'une de deux méthodes. Swing (Edwards et Barron, 1994) : le "
              "passage de la pire à la meilleure note qui compte le plus reçoit 100 points, chaque autre passage "
              "est noté de 0 à 100 par rapport à lui ; le poids est la part des points. Comparaisons par paires "
              "(AHP, Saaty, 1980) : pour chaque paire de critères, lequel compte le plus et de combien sur "
              "l'échelle 1 à 9 ; les poids sont le vecteur propre principal de la matrice des jugements ; le "
              "ratio de cohérence (CR) au-dessus de 0,10 signale des jugements à revoir.",
        "en": "Each member gave their weights by one of two methods. Swing (Edwards and Barron, 1994): the swing "
              "from the worst to the best score that matters most gets 100 points, each other swing is rated from "
              "0 to 100 against it; a weight is the share of the points. Pairwise comparisons (AHP, Saaty, 1980): "
              "for each pair of criteria, which matters more and by how much on the 1 to 9 scale; the weights are "
              "the principal eigenvector of the judgments' matrix; a consistency ratio (CR) above 0.10 flags "
              "judgments to revisit.",
    },
    "cm_no_members": {"fr": "Aucun membre n'a donné ses poids.", "en": "No member gave their weights."},
    "cm_cr_high": {"fr": "au-dessus de 0,10 : jugements à revoir", "en": "above 0.10: judgments to revisit"},
    "cm_method_swing": {"fr": "swing (points)", "en": "swing (points)"},
    "cm_method_ahp": {"fr": "comparaisons par paires (AHP)", "en": "pairwise comparisons (AHP)"},
    "cm_answers_swing": {"fr": "points donnés :", "en": "points given:"},
    "cm_answers_ahp": {"fr": "jugements (le premier critère comparé au second) :",
                       "en": "judgments (the first criterion against the second):"},
    "cm_room_title": {"fr": "Les poids de la salle", "en": "The room's weights"},
    "cm_rule_aij": {
        "fr": "Règle : moyenne géométrique des jugements des membres (AIJ), puis vecteur propre principal de la "
              "matrice du groupe. La moyenne géométrique est la règle qui garde la réciprocité des jugements "
              "(Aczél et Saaty, 1983).",
        "en": "Rule: geometric mean of the members' judgments (AIJ), then the principal eigenvector of the group's "
              "matrix. The geometric mean is the rule that keeps the judgments reciprocal (Aczél and Saaty, 1983).",
    },
    "cm_rule_geometric": {
        "fr": "Règle : moyenne géométrique des poids des membres, normalisée (AIP, Forman et Peniwati, 1998) ; un "
              "critère auquel un membre donne 0 reçoit 0.",
        "en": "Rule: normalised geometric mean of the members' weights (AIP, Forman and Peniwati, 1998); a "
              "criterion one member weighs 0 gets 0.",
    },
    "cm_rule_arithmetic": {
        "fr": "Règle : moyenne arithmétique des poids des membres (chaque membre compte autant).",
        "en": "Rule: arithmetic mean of the members' weights (each member counts the same).",
    },
    "cm_rule_was_auto": {"fr": "(règle « automatique » : AIJ si tous ont comparé par paires, sinon moyenne "
                               "arithmétique.)",
                         "en": "('automatic' rule: AIJ if all compared pairwise, else the arithmetic mean.)"},
    "cm_rule_name_auto": {"fr": "automatique", "en": "automatic"},
    "cm_rule_name_aij": {"fr": "moyenne géométrique des jugements (AIJ)", "en": "geometric mean of judgments (AIJ)"},
    "cm_rule_name_geometric": {"fr": "moyenne géométrique des poids (AIP)", "en": "geometric mean of weights (AIP)"},
    "cm_rule_name_arithmetic": {"fr": "moyenne arithmétique des poids", "en": "arithmetic mean of weights"},
    "cm_group_cr": {"fr": "Ratio de cohérence de la matrice du groupe : {cr}.",
                    "en": "Consistency ratio of the group's matrix: {cr}."},
    "cm_spread_note": {"fr": "Le désaccord : poids le plus bas et le plus haut donnés par un membre, écart type sur "
                             "les membres (de population), et qui a donné ces extrêmes.",
                       "en": "The disagreement: the lowest and highest weight a member gave, the standard deviation "
                             "over the members (population), and who gave the extremes."},
    "cm_decisions_title": {"fr": "Décisions", "en": "Decisions"},
    "cm_no_decision": {"fr": "Aucune décision enregistrée.", "en": "No decision recorded."},
    "cm_all_calls": {"fr": "tous les appels", "en": "all calls"},
    "cm_decision_heading": {"fr": "Appel {call} : décision n° {id}, enregistrée le {at} par {who}",
                            "en": "Call {call}: decision {id}, recorded on {at} by {who}"},
    "cm_weights_used": {"fr": "Poids appliqués", "en": "Weights applied"},
    "cm_rule_used": {"fr": "Règle d'agrégation", "en": "Aggregation rule"},
    "cm_budget": {"fr": "Budget de l'appel", "en": "The call's budget"},
    "cm_robustness": {"fr": "Robustesse", "en": "Robustness"},
    "cm_robustness_line": {"fr": "fréquence de sélection sur {samples} tirages de poids dans l'enveloppe convexe "
                                 "des poids des {members} membres (graine {seed})",
                           "en": "selection frequency over {samples} weight draws in the convex hull of the "
                                 "{members} members' weights (seed {seed})"},
    "cm_no_robustness": {"fr": "non calculée avant la décision", "en": "not computed before the decision"},
    "cm_justification": {"fr": "Justification du comité :", "en": "The committee's justification:"},
    "cm_portfolio": {"fr": "Portefeuille décidé (chaque projet et son motif codé)",
                     "en": "The portfolio decided (each project and its coded reason)"},
    "cm_dir_in": {"fr": "imposé", "en": "forced in"},
    "cm_dir_out": {"fr": "écarté", "en": "forced out"},
    "cm_overrides": {"fr": "Forçages et leurs motifs", "en": "Overrides and their reasons"},
    "cm_no_overrides": {"fr": "Aucun forçage.", "en": "No override."},
    "cm_superseded": {"fr": "Décisions remplacées", "en": "Decisions superseded"},
    "cm_superseded_row": {"fr": "Décision n° {id} ({call}, {at}), remplacée par la décision n° {by}.",
                          "en": "Decision {id} ({call}, {at}), superseded by decision {by}."},
    "cm_audit_title": {"fr": "Journal d'audit", "en": "Audit trail"},
    "cm_audit_ok": {"fr": "Chaîne d'empreintes SHA-256 vérifiée : intacte ({n} entrées).",
                    "en": "SHA-256 hash chain checked: intact ({n} entries)."},
    "cm_audit_broken": {"fr": "Chaîne d'empreintes ROMPUE : le registre a été modifié hors du workbench ({problems}).",
                        "en": "Hash chain BROKEN: the store was changed outside the workbench ({problems})."},
    "cm_audit_head": {"fr": "Dernière empreinte de la chaîne, à retrouver dans toute copie ultérieure du registre "
                            "(aucune entrée retirée) : {sha}",
                      "en": "The chain's last hash, to be found in any later copy of the store (no entry removed): "
                            "{sha}"},
    "cm_audit_decision": {"fr": "décision n° {id} ({call}) : {n} projets retenus, {overrides} forçages",
                          "en": "decision {id} ({call}): {n} projects selected, {overrides} overrides"},
    "cm_action_session_created": {"fr": "séance ouverte", "en": "session opened"},
    "cm_action_rule_set": {"fr": "règle d'agrégation changée", "en": "aggregation rule changed"},
    "cm_action_weights_recorded": {"fr": "poids d'un membre enregistrés", "en": "a member's weights recorded"},
    "cm_action_decision_recorded": {"fr": "décision enregistrée", "en": "decision recorded"},
    "cm_action_minutes_exported": {"fr": "procès-verbal exporté", "en": "minutes exported"},
    "cm_provenance_title": {"fr": "Provenance", "en": "Provenance"},
    "cm_version": {"fr": "Version du workbench", "en": "Workbench version"},
    "cm_code": {"fr": "Empreinte du code", "en": "Code fingerprint"},
    "cm_signatures": {"fr": "Signatures", "en": "Signatures"},
    "cm_chair": {"fr": "Le président du comité", "en": "The committee's chair"},
    "cm_secretary": {"fr": "Le secrétaire de séance", "en": "The secretary"},
    "cm_date_sign": {"fr": "Date et signature", "en": "Date and signature"},
    "cm_no_chromium": {"fr": "pas de PDF : Chromium n'est pas installé (make browser)",
                       "en": "no PDF: Chromium is not installed (make browser)"},
    "cm_no_docx": {"fr": "pas de DOCX : python-docx n'est pas installé", "en": "no DOCX: python-docx is not installed"},
    "cm_list_empty": {"fr": "Aucune séance dans {db}.", "en": "No session in {db}."},
    "cm_minutes_written": {"fr": "Procès-verbal de la séance n° {id} écrit dans {out} : {files}",
                           "en": "Minutes of session {id} written to {out}: {files}"},
    "cm_room_members": {"fr": "retenu par", "en": "selected by"},
    # column headers of the committee's tables
    "cm_col_member": {"fr": "Membre", "en": "Member"},
    "cm_col_method": {"fr": "Méthode", "en": "Method"},
    "cm_col_consistency_ratio": {"fr": "Ratio de cohérence", "en": "Consistency ratio"},
    "cm_col_recorded_at": {"fr": "Enregistré le", "en": "Recorded on"},
    "cm_col_criterion": {"fr": "Critère", "en": "Criterion"},
    "cm_col_room_weight": {"fr": "Poids de la salle", "en": "Room's weight"},
    "cm_col_min": {"fr": "Minimum", "en": "Lowest"},
    "cm_col_max": {"fr": "Maximum", "en": "Highest"},
    "cm_col_mean": {"fr": "Moyenne", "en": "Mean"},
    "cm_col_std": {"fr": "Écart type", "en": "Standard deviation"},
    "cm_col_range": {"fr": "Étendue", "en": "Range"},
    "cm_col_extremes": {"fr": "Plus bas / plus haut (membre)", "en": "Lowest / highest (member)"},
    "cm_col_direction": {"fr": "Forçage", "en": "Override"},
    "cm_col_override_reason": {"fr": "Motif du forçage", "en": "Reason for the override"},
    "cm_col_audit_id": {"fr": "N°", "en": "No."},
    "cm_col_at": {"fr": "Date (UTC)", "en": "Time (UTC)"},
    "cm_col_actor": {"fr": "Par", "en": "By"},
    "cm_col_action": {"fr": "Action", "en": "Action"},
    "cm_col_detail": {"fr": "Détail", "en": "Detail"},
    "cm_col_sha256": {"fr": "Empreinte SHA-256", "en": "SHA-256 hash"},
    "cm_col_members_selecting": {"fr": "Retenu par (membres)", "en": "Selected by (members)"},
    "cm_col_core": {"fr": "Noyau", "en": "Core"},
    "cm_col_weight": {"fr": "Poids en vigueur", "en": "Weight in force"},
    "cm_col_low": {"fr": "Tient dès", "en": "Holds from"},
    "cm_col_high": {"fr": "Tient jusqu'à", "en": "Holds up to"},
    "cm_col_members_inside": {"fr": "Membres dans l'intervalle", "en": "Members inside the range"},
    "cm_col_members_weights": {"fr": "Poids des membres", "en": "Members' weights"},
    # the sensitivity chart (workbench.reporting.chart_specs.stability_spec)
    "chart_cm_stability_title": {"fr": "Sensibilité : plage de chaque poids où le portefeuille tient",
                                 "en": "Sensitivity: the range of each weight over which the portfolio holds"},
    "chart_cm_weight": {"fr": "Poids du critère", "en": "Weight of the criterion"},
    "chart_cm_stable": {"fr": "portefeuille inchangé", "en": "portfolio unchanged"},
    "chart_cm_current": {"fr": "poids en vigueur", "en": "weight in force"},
    "chart_cm_members": {"fr": "poids d'un membre", "en": "a member's weight"},
}
for _k, _v in _COMMITTEE_LABELS.items():
    if _k in LABELS:
        raise KeyError(f"label {_k!r} defined twice")
    LABELS[_k] = _v


# ---- the report's figures (workbench.reporting.charts) -----------------------------------------
CHART_LABELS = {
    "chart_fan_title": {"fr": "Paiements cumulés (CP) de {level} : éventail P10–P90", "en": "Cumulative payments (CP) of {level}: P10–P90 fan"},
    "chart_paid_cum": {"fr": "CP payés cumulés (moyenne)", "en": "cumulative CP paid (mean)"},
    "chart_p10_p90": {"fr": "P10–P90", "en": "P10–P90"},
    "chart_p50": {"fr": "médiane", "en": "median"},
    "chart_envelope": {"fr": "enveloppe ({amount})", "en": "envelope ({amount})"},
    "chart_committed_cum": {"fr": "AE engagées cumulées (moyenne)", "en": "cumulative AE committed (mean)"},
    "chart_year": {"fr": "année", "en": "year"},
    "chart_meur": {"fr": "M€", "en": "M€"},
    "chart_cvp_title": {"fr": "Engagé et payé par année : {level}", "en": "Committed and paid by year: {level}"},
    "chart_ae": {"fr": "AE engagées", "en": "AE committed"},
    "chart_cp": {"fr": "CP payés", "en": "CP paid"},
    "chart_cp_demand": {"fr": "CP demandés", "en": "CP demanded"},
    "chart_calib_title": {"fr": "Calage du modèle de dérive sur les classes de référence", "en": "Overrun model against the reference classes"},
    "chart_ratio": {"fr": "ratio final / initial", "en": "ratio final / initial"},
    "chart_ecdf": {"fr": "fonction de répartition empirique", "en": "empirical CDF"},
    "chart_reference": {"fr": "référence ({n} projets)", "en": "reference ({n} projects)"},
    "chart_model": {"fr": "modèle", "en": "model"},
    "chart_panorama_cost": {"fr": "Coûts : panorama des grands projets de l'État", "en": "Cost: panorama of large State IT projects"},
    "chart_canada_cost": {"fr": "Coûts : projets informatiques du Canada", "en": "Cost: Government of Canada IT projects"},
    "chart_panorama_duration": {"fr": "Durées : panorama des grands projets de l'État", "en": "Duration: panorama of large State IT projects"},
    "chart_last_year_note": {"fr": "dernière année : paiements ultérieurs inclus", "en": "last year: later payments included"},
    "chart_means": {"fr": "moyenne : référence {ref:.2f}, modèle {mod:.2f}", "en": "mean: reference {ref:.2f}, model {mod:.2f}"},
    "chart_pf_frontier": {"fr": "Frontière efficace : valeur optimale selon l'enveloppe", "en": "Efficient frontier: optimal value by envelope"},
    "chart_pf_budget": {"fr": "Enveloppe", "en": "Envelope"},
    "chart_pf_value": {"fr": "Valeur totale (points)", "en": "Total value (points)"},
    "chart_pf_optimal": {"fr": "Optimum (MILP)", "en": "Optimum (MILP)"},
    "chart_pf_greedy": {"fr": "Glouton (valeur par euro)", "en": "Greedy (value per euro)"},
    "chart_pf_current": {"fr": "Enveloppe actuelle", "en": "Current envelope"},
    "chart_pf_portfolio": {"fr": "Portefeuille actuel", "en": "Current portfolio"},
    "chart_pf_freq_title": {"fr": "Fréquence de sélection sous incertitude des poids", "en": "Selection frequency under weight uncertainty"},
    "chart_pf_freq": {"fr": "Fréquence de sélection", "en": "Selection frequency"},
    "chart_pf_always": {"fr": "toujours", "en": "always"},
    "chart_pf_sometimes": {"fr": "parfois", "en": "sometimes"},
    "chart_pf_never": {"fr": "jamais", "en": "never"},
    "chart_bt_title": {"fr": "Le modèle face à l'histoire publiée", "en": "The model against the published history"},
    "chart_bt_ratio": {"fr": "prédit / publié (intervalle P5–P95)", "en": "predicted / published (P5–P95 interval)"},
    "chart_bt_published": {"fr": "publié", "en": "published"},
    "chart_bt_mean": {"fr": "moyenne simulée", "en": "simulated mean"},
    "chart_bt_band": {"fr": "P10–P90 simulé", "en": "simulated P10–P90"},
    "chart_bt_tol": {"fr": "tolérance", "en": "tolerance"},
}
for _k, _v in CHART_LABELS.items():
    if _k in LABELS:
        raise KeyError(f"label {_k!r} defined twice")
    LABELS[_k] = _v


# ---- input problems, small words of tables and the back-test (workbench.reporting.labels) -----
for _k, _v in {
    "problems_one": {"fr": "1 problème trouvé :", "en": "1 problem found:"},
    "problems_many": {"fr": "{n} problèmes trouvés :", "en": "{n} problems found:"},
    "value_missing": {"fr": "(absente)", "en": "(missing)"},
    "colon": {"fr": " : ", "en": ": "},
    # ---- back-test in and out of sample, calibration, power (workbench.analysis.backtest, .calibrate) ----
    "bt_sample": {"fr": "Échantillon", "en": "Sample"},
    "bt_in_sample": {"fr": "dans", "en": "in"},
    "bt_out_of_sample": {"fr": "hors", "en": "out"},
    "bt_not_counted": {"fr": " (répète une entrée)", "en": " (repeats an input)"},
    "bt_predicted": {"fr": "Prédit (moyenne, P5–P95)", "en": "Predicted (mean, P5–P95)"},
    "bt_crps": {"fr": "CRPS relatif", "en": "Relative CRPS"},
    "cal_head": {"fr": "calage de « {name} » sur {n} chiffres publiés datés au plus tard du {until} (history "
                       "matching : invraisemblance, vagues, sans émulateur) : {points} jeux de paramètres par vague, "
                       "{replicates} rejeux chacun, seuil d'invraisemblance {cutoff}",
                 "en": "calibration of '{name}' on {n} published figures dated up to {until} (history matching: "
                       "implausibility, waves, no emulator): {points} parameter sets per wave, {replicates} runs "
                       "each, implausibility cut-off {cutoff}"},
    "cal_done": {"fr": "{kept} jeux de paramètres retenus sur {total} ({evaluations} simulations, {wall_s} s)",
                 "en": "{kept} of {total} parameter sets kept ({evaluations} runs, {wall_s} s)"},
    "cal_none_kept": {"fr": "AUCUN jeu de paramètres n'est compatible avec les chiffres publiés (invraisemblance "
                            "> {cutoff} partout) : le modèle tel qu'il est spécifié ne les reproduit pas. Chiffres "
                            "les plus souvent en cause : {worst}. Les {kept} jeux les moins invraisemblables sont "
                            "écrits, marqués comme tels (calibration.json, status).",
                      "en": "NO parameter set is compatible with the published figures (implausibility > {cutoff} "
                            "everywhere): the model as specified cannot reproduce them. Figures most often at "
                            "fault: {worst}. The {kept} least implausible sets are written, marked so "
                            "(calibration.json, status)."},
    "cal_parameter": {"fr": "Paramètre", "en": "Parameter"},
    "cal_median": {"fr": "Médiane", "en": "Median"},
    "cal_p10_p90": {"fr": "P10–P90", "en": "P10–P90"},
    "cal_mode": {"fr": "Valeur la plus fréquente (part)", "en": "Most frequent value (share)"},
    "backtest_posterior_not_compatible": {
        "fr": "ATTENTION : cet échantillon a posteriori réunit les jeux de paramètres les moins invraisemblables, "
              "aucun n'étant compatible avec les chiffres publiés (calibration.json, status) : le modèle tel qu'il "
              "est spécifié ne reproduit pas l'histoire de la fenêtre de calage.",
        "en": "WARNING: this posterior sample holds the least implausible parameter sets, none being compatible with "
              "the published figures (calibration.json, status): the model as specified does not reproduce the "
              "history of the calibration window.",
    },
    "power_head": {"fr": "puissance du test : des modèles clairement faux, jugés sur les chiffres hors échantillon "
                         "(après le {until})",
                   "en": "power of the test: models clearly wrong, judged on the figures out of sample (after "
                         "{until})"},
    "power_model": {"fr": "Modèle", "en": "Model"},
    "power_rejected": {"fr": "Rejeté", "en": "Rejected"},
    "power_failed": {"fr": "Chiffres hors échantillon en échec", "en": "Out-of-sample figures failed"},
    "power_beyond": {"fr": "dont réussis par le modèle lui-même", "en": "of which the model itself passes"},
}.items():
    if _k in LABELS:
        raise KeyError(f"label {_k!r} defined twice")
    LABELS[_k] = _v


# ---- the first page's answer, what drives the risk, fragile choices (h11: reporting.summaries,
# analysis.sensitivity, the report's first cells) -------------------------------------------------
_ANSWER_LABELS = {
    "box_title": {"fr": "L'essentiel", "en": "The answer"},
    "box_funded": {
        "fr": "**{n} projets retenus** pour **{granted}** accordés ({calls}, sur {ae} d'AE disponibles pour les "
              "appels).",
        "en": "**{n} projects funded** for **{granted}** granted ({calls}, of {ae} of AE available to the calls)."},
    "box_calls_one": {"fr": "1 appel", "en": "1 call"},
    "box_calls_many": {"fr": "{n} appels décidés l'un après l'autre", "en": "{n} calls decided one after another"},
    "box_money": {
        "fr": "**Argent restant fin {year} : {total}** (P10–P90 : {low} – {high}) = **{ae_left} d'AE non engagées** "
              "({not_decided} jamais décidées, {awaiting} décidées mais sans convention signée, réduites à une 1re phase "
              "ou dégagées) + "
              "**{cp_left} de CP restant à payer** sur les engagements.",
        "en": "**Money left at the end of {year}: {total}** (P10–P90: {low} – {high}) = **{ae_left} of AE not "
              "committed** ({not_decided} never decided, {awaiting} decided but without a signed contract, reduced to a "
              "first phase or de-committed) + **{cp_left} of CP left to pay** on the commitments."},
    "box_money_def": {
        "fr": "*Définition : argent restant = AE disponibles pour les appels ({ae}) − CP payés jusqu'à fin {year} "
              "({paid}, moyenne des tirages) ; AE non engagées = AE disponibles − AE engagées nettes des "
              "dégagements ; CP restant à payer = AE engagées nettes − CP payés (les restes à payer).*",
        "en": "*Definition: money left = AE available to the calls ({ae}) − CP paid up to the end of {year} "
              "({paid}, mean of the draws); AE not committed = AE available − AE committed net of "
              "de-commitments; CP left to pay = AE committed net − CP paid (the outstanding commitments).*"},
    "box_cp_unpaid": {
        "fr": "CP disponibles sur l'horizon (après réserve et mouvements) : {available}, dont {unpaid} non payés "
              "(reportés ou annulés).",
        "en": "CP available over the horizon (after the reserve and movements): {available}, of which {unpaid} "
              "not paid (carried over or cancelled)."},
    "box_risk": {
        "fr": "**Risque de manquer de CP : {p}** (au moins une année ; année la plus exposée : {year}, {p_year}) ; "
              "bande {low} – {high} ({band}).",
        "en": "**Risk of running short of CP: {p}** (in at least one year; year most at risk: {year}, {p_year}); "
              "band {low} – {high} ({band})."},
    "box_risk_zero": {
        "fr": "**Risque de manquer de CP : {p}** (aucun des {draws} tirages ne manque de CP) ; bande {low} – {high} "
              "({band}).",
        "en": "**Risk of running short of CP: {p}** (none of the {draws} draws runs short of CP); band {low} – "
              "{high} ({band})."},
    "box_list_sep": {"fr": " ; ", "en": "; "},
    "box_risk_no_cp": {
        "fr": "**Risque de manquer de CP : non mesuré** (aucun crédit de paiement voté dans le scénario).",
        "en": "**Risk of running short of CP: not measured** (no voted payment credits in the scenario)."},
    "box_band_parameter_sets": {"fr": "P10–P90 sur les jeux de paramètres calibrés",
                                "en": "P10–P90 over the calibrated parameter sets"},
    "box_band_sensitivity": {"fr": "P10–P90 sur les plages des paramètres incertains",
                             "en": "P10–P90 over the uncertain parameters' ranges"},
    "box_band_monte_carlo": {"fr": "intervalle à 95 % des {draws} tirages, paramètres fixés",
                             "en": "95 % interval of the {draws} draws, parameters fixed"},
    "box_drivers": {"fr": "Ce qui pilote le risque (indice total de Sobol) : {items}.",
                    "en": "What drives the risk (total Sobol index): {items}."},
    "box_capacity": {
        "fr": "**Capacité du prochain appel ({call}) à {risk} de risque : {amount}** (contrainte : {binding}).",
        "en": "**Next call's capacity ({call}) at {risk} risk: {amount}** (binding: {binding})."},
    "box_fragile": {"fr": "**Choix fragiles** (fréquence de sélection sur {samples} tirages de poids) : {items}.",
                    "en": "**Fragile choices** (selection frequency over {samples} weight draws): {items}."},
    "box_fragile_more": {"fr": " ; et {n} autres", "en": "; and {n} more"},
    "box_fragile_none": {
        "fr": "**Aucun choix fragile** : chaque lauréat est retenu dans au moins {threshold} des {samples} tirages de "
              "poids, et aucun projet écarté n'y dépasse {threshold}.",
        "en": "**No fragile choice**: every laureate is selected in at least {threshold} of the {samples} weight "
              "draws, and no project left out exceeds {threshold}."},
    "box_fragile_not_computed": {
        "fr": "Choix fragiles : non calculés (relancer avec des tirages de robustesse).",
        "en": "Fragile choices: not computed (run again with robustness draws)."},
    "fragile_selected_rarely": {"fr": "{id} ({call}) retenu mais choisi dans {f} des tirages",
                                "en": "{id} ({call}) selected but chosen in {f} of the draws"},
    "fragile_left_out_often": {"fr": "{id} ({call}) écarté mais choisi dans {f} des tirages",
                               "en": "{id} ({call}) left out but chosen in {f} of the draws"},
    "box_restes_intro": {
        "fr": "Restes à payer (CP restant dus sur les engagements) par année d'engagement et année de paiement :",
        "en": "Outstanding commitments (CP still due) by commitment year and payment year:"},
    "box_follows": {
        "fr": "La suite du rapport : les décisions et le portefeuille, la consommation de l'enveloppe, ce qui "
              "pilote le risque, les choix fragiles, les règles appliquées, la confrontation à l'histoire publiée "
              "et la provenance.",
        "en": "What follows: the decisions and the portfolio, how the envelope is consumed, what drives the risk, "
              "the fragile choices, the rules applied, the back-test against the published history and the "
              "provenance."},
    # the fragile choices' section
    "fragile_title": {"fr": "Les choix fragiles", "en": "The fragile choices"},
    "fragile_intro": {
        "fr": "Un choix est **fragile** quand un projet retenu l'est dans moins de {threshold} des tirages de poids "
              "(chaque appel décidé par sa propre méthode, l'ordre de mérite), ou qu'un projet écarté serait "
              "retenu dans plus de {threshold} d'entre eux. Ils sont marqués ⚠ dans le tableau des lauréats.",
        "en": "A choice is **fragile** when a selected project is chosen in less than {threshold} of the weight "
              "draws (each call decided by its own method, the merit order), or a project left out would be "
              "chosen in more than {threshold} of them. They are marked ⚠ in the laureates' table."},
    "fragile_none": {"fr": "Aucun choix fragile dans ce portefeuille.", "en": "No fragile choice in this portfolio."},
    "fragile_names": {"fr": "Choix fragiles : {items}.", "en": "Fragile choices: {items}."},
    "fragile": {"fr": "Fragile", "en": "Fragile"},
    "fragile_kind": {"fr": "Nature", "en": "Kind"},
    "stability_title": {"fr": "Stabilité des poids, par appel", "en": "Weight stability, call by call"},
    "stability_intro": {
        "fr": "Pour chaque critère, la plage de son poids (les autres gardant leurs proportions) sur laquelle "
              "l'ordre de mérite de l'appel retient les mêmes projets. Calculée pour {which} ({grid}).",
        "en": "For each criterion, the range of its weight (the others keeping their proportions) over which the "
              "call's merit order funds the same projects. Computed for {which} ({grid})."},
    "stability_which_fragile": {"fr": "les appels qui ont un choix fragile : {calls}",
                                "en": "the calls with a fragile choice: {calls}"},
    "stability_which_all": {"fr": "chaque appel", "en": "every call"},
    "stability_grid": {"fr": "grille de {grid} pas puis dichotomie à {tol}", "en": "grid of {grid} steps, then bisection to {tol}"},
    "stability_none": {"fr": "Aucun appel n'a de choix fragile : la stabilité des poids n'est pas détaillée.",
                       "en": "No call has a fragile choice: weight stability is not detailed."},
    "stability_call": {"fr": "Appel {call}", "en": "Call {call}"},
    "contingency_title": {"fr": "Portefeuille de précaution (si les coûts dérivent)",
                          "en": "Contingency portfolio (if costs overrun)"},
    "contingency_no_overrun": {
        "fr": "Le fonds ne paie aucun dépassement ({rate} des dépassements à sa charge, hypothèse du scénario) : "
              "une subvention ne change pas quand le coût du projet dérive, et le portefeuille de précaution est "
              "le portefeuille décidé. **La précaution ne change rien** ; elle compterait si le fonds payait une "
              "part des dépassements (uncertainty.overrun_paid_by_fund_rate).",
        "en": "The fund pays no overrun ({rate} of overruns on the fund, the scenario's assumption): a grant does "
              "not change when its project's cost overruns, and the contingency portfolio is the decided one. "
              "**The contingency changes nothing**; it would if the fund paid a share of overruns "
              "(uncertainty.overrun_paid_by_fund_rate)."},
    "contingency_line": {
        "fr": "Avec {rate} des dépassements à la charge du fonds, appel {call} : le portefeuille qui tient dans "
              "l'allocation avec une probabilité de {target} garde une réserve de {reserve} (budget de "
              "planification {planning}) ; probabilité sans réserve : {p0}.",
        "en": "With {rate} of overruns on the fund, call {call}: the portfolio that stays within the allotment with "
              "a probability of {target} keeps a reserve of {reserve} (planning budget {planning}); probability "
              "without reserve: {p0}."},
    # what drives the risk
    "sensitivity_title": {"fr": "Ce qui pilote le risque", "en": "What drives the risk"},
    "sensitivity_intro": {
        "fr": "Indices de Sobol du risque de manquer de CP et de l'argent restant aux paramètres incertains, chacun "
              "dans la plage que le scénario déclare (section sensitivity) : l'indice **du premier ordre** est la "
              "part de la variance expliquée par le paramètre seul, l'indice **total** y ajoute ses interactions ; "
              "un indice total proche de 0 (intervalle compris) veut dire que le paramètre ne change rien dans sa "
              "plage. {sets} jeux de paramètres (échantillonnage de Saltelli, {samples} échantillons de base), "
              "{per_set} tirages chacun, les mêmes nombres aléatoires pour tous les jeux : {draws} tirages, "
              "{seconds} s. Intervalles de confiance à {conf} par bootstrap ({resamples} rééchantillonnages).",
        "en": "Sobol indices of the risk of running short of CP and of the money left to the uncertain parameters, "
              "each within the range the scenario declares (sensitivity section): the **first-order** index is "
              "the share of the variance the parameter explains alone, the **total** index adds its interactions; "
              "a total index near 0 (interval included) means the parameter changes nothing within its range. "
              "{sets} parameter sets (Saltelli sampling, {samples} base samples), {per_set} draws each, the same "
              "random numbers for every set: {draws} draws, {seconds} s. Confidence intervals at {conf} by "
              "bootstrap ({resamples} resamples)."},
    "sensitivity_none": {
        "fr": "Pas d'analyse de sensibilité : le scénario ne déclare aucun facteur (section sensitivity.factors).",
        "en": "No sensitivity analysis: the scenario declares no factor (sensitivity.factors section)."},
    "sensitivity_left_out": {"fr": "Paramètres déclarés mais laissés de côté : {items}.",
                             "en": "Parameters declared but left out: {items}."},
    "sens_reason_not_per_draw": {"fr": "la simulation ne le fait pas varier d'un tirage à l'autre",
                                 "en": "the simulation does not vary it from draw to draw"},
    "sens_reason_one_year_profile": {"fr": "le profil de paiement tient en une année",
                                     "en": "the payment profile is one year long"},
    "sens_table_intro": {"fr": "Les mêmes indices en tableau (valeur ± demi-largeur de l'intervalle) :",
                         "en": "The same indices as a table (value ± half-width of the interval):"},
    "sens_cli_head": {
        "fr": "sensibilité de « {name} » : {sets} jeux de paramètres × {per_set} tirages = {draws} tirages, graine "
              "{seed}, {seconds} s (intervalles à {conf}, {resamples} rééchantillonnages)",
        "en": "sensitivity of '{name}': {sets} parameter sets × {per_set} draws = {draws} draws, seed {seed}, "
              "{seconds} s (intervals at {conf}, {resamples} resamples)"},
    "sens_output_shortfall_probability": {"fr": "Risque de manquer de CP", "en": "Risk of running short of CP"},
    "sens_output_money_left_p50_eur": {"fr": "Argent restant fin {year} (médiane)",
                                       "en": "Money left at the end of {year} (median)"},
    "sens_output_constant": {"fr": "{output} : identique sur tous les jeux ({value}), rien à expliquer",
                             "en": "{output}: the same on every set ({value}), nothing to explain"},
    "sens_factor": {"fr": "Paramètre", "en": "Parameter"},
    "sens_range": {"fr": "Plage", "en": "Range"},
    "sens_s1": {"fr": "1er ordre", "en": "First order"},
    "sens_st": {"fr": "Total", "en": "Total"},
    "sf_disbursement.commitment_lag.median_months": {"fr": "Délai décision → convention (médiane)",
                                                     "en": "Decision → contract lag (median)"},
    "sf_disbursement.commitment_lag.sigma": {"fr": "Dispersion de ce délai (sigma)", "en": "Spread of that lag (sigma)"},
    "sf_uncertainty.attrition_rate": {"fr": "Part des lauréats qui ne démarrent pas",
                                      "en": "Share of laureates that never start"},
    "sf_uncertainty.phase1_only_rate": {"fr": "Part financée pour sa 1re phase seulement",
                                        "en": "Share funded for its first phase only"},
    "sf_disbursement.profile_rates.first_year_rate": {"fr": "Part payée l'année de l'engagement",
                                                      "en": "Share paid in the commitment year"},
    "sf_uncertainty.cost_overrun.excess_scale": {"fr": "Ampleur des dépassements de coût",
                                                 "en": "Size of cost overruns"},
    "sf_uncertainty.delay.excess_scale": {"fr": "Ampleur des retards", "en": "Size of delays"},
    "chart_sens_title": {"fr": "Ce qui pilote le risque : indices de Sobol", "en": "What drives the risk: Sobol indices"},
    "chart_sens_index": {"fr": "indice (part de la variance)", "en": "index (share of the variance)"},
    "chart_sens_s1": {"fr": "premier ordre", "en": "first order"},
    "chart_sens_st": {"fr": "total (avec interactions)", "en": "total (with interactions)"},
    "run_phase": {"fr": "étape {i}/{n} : {phase} ({elapsed} s)", "en": "step {i}/{n}: {phase} ({elapsed} s)"},
    "phase_kernel": {"fr": "démarrage du noyau et lecture du scénario", "en": "kernel start and the scenario read"},
    "phase_decide": {"fr": "décisions appel par appel et robustesse", "en": "call-by-call decisions and robustness"},
    "phase_simulate": {"fr": "simulation de l'enveloppe", "en": "envelope simulation"},
    "phase_sensitivity": {"fr": "ce qui pilote le risque (indices de Sobol)", "en": "what drives the risk (Sobol indices)"},
    "phase_fragile": {"fr": "choix fragiles et stabilité des poids", "en": "fragile choices and weight stability"},
    "phase_capacity": {"fr": "capacité du prochain appel", "en": "the next call's capacity"},
    "phase_tables": {"fr": "tableaux et figures", "en": "tables and figures"},
    "phase_backtest": {"fr": "confrontation à l'histoire publiée", "en": "back-test against the published history"},
    "phase_html": {"fr": "export HTML", "en": "HTML export"},
    "phase_pdf": {"fr": "impression du PDF", "en": "PDF printing"},
    "phase_done": {"fr": "terminé", "en": "done"},
}
for _k, _v in _ANSWER_LABELS.items():
    if _k in LABELS:
        raise KeyError(f"label {_k!r} defined twice")
    LABELS[_k] = _v
# ---- the next call's capacity and the restes à payer (workbench.analysis.capacity, `workbench capacity`,
# `workbench status`, SimulationResult.restes_a_payer; issue 24) ----------------------------------------------
_CAPACITY_LABELS = {
    "cap_title": {"fr": "Capacité de la prochaine session", "en": "The next session's capacity"},
    "live_fund_title": {"fr": "Le fonds en cours : position au {as_of} et capacité de la prochaine session",
                        "en": "The fund under way: its position at {as_of} and the next session's capacity"},
    "live_fund_intro": {
        "fr": "Le scénario nomme un livre des lauréats ({book}, {n} projets ; exemple **synthétique**, étiqueté ligne "
              "à ligne). Voici la position du fonds à sa date, puis la **capacité** de la prochaine session : le montant "
              "d'AE le plus élevé qu'elle peut accorder sans que le risque de manquer de crédits de paiement une année "
              "au moins dépasse le niveau choisi, compte tenu de ce que le livre doit encore payer, des sessions "
              "suivantes et des CP disponibles après la réserve (voir le guide « capacité »).",
        "en": "The scenario names a laureate book ({book}, {n} projects; a **synthetic** example, labelled row by "
              "row). Here is the fund's position at its date, then the next session's **capacity**: the largest amount "
              "of AE it can grant without the risk of running short of payment credits in at least one year exceeding "
              "the level chosen, given what the book still has to pay, the later sessions and the CP available after "
              "the reserve (see the \"capacity\" guide)."},
    "cap_head": {
        "fr": "{fund} — prochaine session : {call} ({date}). Capacité au risque de {risk} de manquer de CP au moins une "
              "année : {capacity} d'AE (au plus {ae} disponibles à la session) ; {draws} tirages, graine {seed}.",
        "en": "{fund} — next session: {call} ({date}). Capacity at a {risk} risk of running short of CP in at least "
              "one year: {capacity} of AE (at most {ae} available at the session); {draws} draws, seed {seed}."},
    "cap_bind_cp": {
        "fr": "  L'année qui borne : {year} (juste au-delà de la capacité, le risque de manquer de CP cette année-là est "
              "de {p}).",
        "en": "  The year that binds: {year} (just above the capacity, the risk of running short of CP that year is "
              "{p})."},
    "cap_bind_ae": {
        "fr": "  Ce sont les AE disponibles à la session qui bornent, avant tout manque de CP (risque à ce montant : "
              "{risk}).",
        "en": "  The AE available at the session bind, before any shortage of CP (risk at that amount: {risk})."},
    "cap_context": {
        "fr": "  Déjà dû : {owed_what} ; sessions suivantes décidées par le modèle : {later} ({later_n} lauréats) ; ce "
              "que le modèle accorderait à cette session : {model}. L'octroi est représenté par {pieces} parts "
              "synthétiques de {piece} (taille typique de la session).",
        "en": "  Already owed: {owed_what}; later sessions decided by the model: {later} ({later_n} laureates); what "
              "the model would grant at this session: {model}. The grant is represented by {pieces} synthetic parts of "
              "{piece} (the session's typical size)."},
    "cap_owed_book": {"fr": "le livre des lauréats au {as_of} ({n} projets) et sa reprévision",
                      "en": "the laureate book at {as_of} ({n} projects) and its re-forecast"},
    "cap_owed_earlier": {"fr": "les décisions des {n} sessions antérieures (modèle)",
                         "en": "the decisions of the {n} earlier sessions (model)"},
    "cap_owed_none": {"fr": "rien (le fonds commence)", "en": "nothing (the fund starts)"},
    "cap_curve_head": {"fr": "  Capacité selon le risque accepté :", "en": "  Capacity by the risk accepted:"},
    "cap_curve_line": {"fr": "    {risk} : {capacity} — {binding}", "en": "    {risk}: {capacity} — {binding}"},
    "cap_binding_year": {"fr": "l'année {year} borne", "en": "{year} binds"},
    "cap_binding_ae_short": {"fr": "les AE bornent", "en": "the AE bind"},
    "cap_by_year_head": {"fr": "  Année par année :", "en": "  Year by year:"},
    "cap_note": {"fr": "  ! {text}", "en": "  ! {text}"},
    "cap_year_line": {
        "fr": "    {year} : CP disponibles {available} ; déjà dû {owed} (P90 {owed90}) ; sessions suivantes {later} ; cette "
              "session à la capacité {here} ; marge avant la session {headroom} ; risque juste au-delà de la capacité {p}",
        "en": "    {year}: CP available {available}; owed {owed} (P90 {owed90}); later sessions {later}; this session at "
              "the capacity {here}; headroom before the session {headroom}; risk just above the capacity {p}"},
    "risk_at_zero_rate": {"fr": "Risque sans octroi", "en": "Risk with no grant"},
    "chosen": {"fr": "Risque demandé", "en": "Risk asked for"},
    "cap_written": {"fr": "Écrit dans {out} : {files}", "en": "Written to {out}: {files}"},
    "fu_capacity_line": {
        "fr": "  {fund} : prochaine session {call} ({date}) : capacité {capacity} d'AE au risque de {risk} de manquer de "
              "CP ({binding}).",
        "en": "  {fund}: next session {call} ({date}): capacity {capacity} of AE at a {risk} risk of running short of "
              "CP ({binding})."},
    "fu_capacity_none": {"fr": "  Aucune session du scénario après le {as_of} : pas de capacité à calculer.",
                         "en": "  No session of the scenario after {as_of}: no capacity to compute."},
    # table headers (curve, year by year, restes à payer)
    "risk_rate": {"fr": "Risque accepté", "en": "Risk accepted"},
    "capacity_eur": {"fr": "Capacité (AE)", "en": "Capacity (AE)"},
    "binding_year": {"fr": "Année qui borne", "en": "Binding year"},
    "binding": {"fr": "Ce qui borne", "en": "What binds"},
    "risk_at_capacity_rate": {"fr": "Risque à la capacité", "en": "Risk at the capacity"},
    "cp_available_eur": {"fr": "CP disponibles (après réserve)", "en": "CP available (after the reserve)"},
    "owed_p50_eur": {"fr": "Déjà dû P50", "en": "Owed P50"},
    "owed_p90_eur": {"fr": "Déjà dû P90", "en": "Owed P90"},
    "later_calls_mean_eur": {"fr": "Sessions suivantes (moyenne)", "en": "Later sessions (mean)"},
    "next_call_mean_eur": {"fr": "Cette session à la capacité (moyenne)", "en": "This session at the capacity (mean)"},
    "headroom_eur": {"fr": "Marge avant la session", "en": "Headroom before the session"},
    "shortfall_at_zero_probability": {"fr": "Risque sans octroi", "en": "Risk with no grant"},
    "shortfall_at_capacity_probability": {"fr": "Risque à la capacité", "en": "Risk at the capacity"},
    "shortfall_above_probability": {"fr": "Risque juste au-delà", "en": "Risk just above"},
    "commitment_year": {"fr": "Année d'engagement", "en": "Commitment year"},
    "payment_year": {"fr": "Année de paiement", "en": "Payment year"},
    "scope": {"fr": "Portée", "en": "Scope"},
    "mean_eur": {"fr": "Moyenne", "en": "Mean"},
    "p10_eur": {"fr": "P10", "en": "P10"},
    "p50_eur": {"fr": "P50", "en": "P50"},
    "p90_eur": {"fr": "P90", "en": "P90"},
}
for _k, _v in _CAPACITY_LABELS.items():
    if _k in LABELS:
        raise KeyError(f"label {_k!r} defined twice")
    LABELS[_k] = _v
for _col, _vals in {
    "binding": {"cp": {"fr": "crédits de paiement", "en": "payment credits"},
                "ae": {"fr": "autorisations d'engagement", "en": "commitment authority"}},
    "scope": {"cohort": {"fr": "engagements de l'année", "en": "the year's commitments"},
              "outstanding": {"fr": "restes à payer en fin d'année", "en": "outstanding at the year's end"},
              "pending": {"fr": "décidés, non encore engagés", "en": "decided, not yet committed"}},
}.items():
    if _col in VALUE_LABELS:
        raise KeyError(f"value labels of {_col!r} defined twice")
    VALUE_LABELS[_col] = _vals
