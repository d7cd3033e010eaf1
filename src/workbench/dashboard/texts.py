"""The dashboard's words and styles: its French/English labels (:data:`UI`, :func:`label`),
the page's CSS and small text helpers (French colon, HTML escaping, a short error message).

Messages shared with the reports and the command line (errors, reasons, warnings) come from
the project's catalog (:mod:`workbench.messages`); only the dashboard's own controls and
headings are here.
"""
from __future__ import annotations

from typing import Any


UI: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Tableau de bord du comité de sélection",
        "scenario": "Scénario",
        "candidates": "Candidats",
        "upload": "Importer (CSV/XLSX)",
        "upload_ok": "Fichier importé : {name} ({n} candidats).",
        "upload_bad": "Fichier refusé : {name}. Les candidats précédents sont conservés.",
        "shipped": "Liste du scénario",
        "call": "Appel",
        "weights": "Poids des critères",
        "strategic": "Stratégique",
        "service": "Service rendu",
        "savings": "Économies",
        "governance": "Gouvernance",
        "budget": "Budget (M€)",
        "cofinancing": "Cofinanc. min.",
        "min_cost": "Coût min. (M€)",
        "min_cost_terr": "Coût min. territ. (M€)",
        "rules": "Règles",
        "rule_min_cost": "Coût total minimum",
        "rule_cofinancing": "Cofinancement minimum",
        "rule_themes": "Thèmes de l'appel",
        "rule_owner_types": "Porteurs admis",
        "rule_routing": "Aiguillage FITN (4 M€)",
        "rule_window": "Fenêtre d'engagement",
        "rule_first_results": "Premiers résultats (12 mois)",
        "rule_governance_gate": "Avis DINUM (> 9 M€)",
        "sel_allow_phase1": "Financer une première phase seule",
        "sel_roi_rule": "Exiger 1 € d'économies / an pour 1 €",
        "force_in": "Imposer",
        "force_out": "Écarter",
        "force_hint": "identifiant…",
        "totals": "Portefeuille retenu",
        "n_selected": "projets retenus",
        "requested": "demandé au fonds",
        "total_cost": "coût total",
        "value": "valeur",
        "budget_used": "du budget",
        "shortfall": "Probabilité de manquer de crédits de paiement",
        "exhausted": "enveloppe épuisée avant le dernier appel",
        "frontier_coming": "courbe exacte en cours de calcul",
        "ranked": "Candidats classés",
        "show_all": "Tous les candidats",
        "more_rows": "… et {n} autres candidats, dont {k} retenus (cocher « Tous les candidats » pour les voir)",
        "col_rank": "Rang",
        "col_id": "Id",
        "col_title": "Projet",
        "col_owner": "Porteur",
        "col_requested": "Demandé",
        "col_value": "Valeur",
        "col_value_per_eur": "Valeur / M€",
        "col_status": "Statut",
        "col_reason": "Motif",
        "col_frequency": "Fréquence",
        "selected": "retenu",
        "not_selected": "écarté",
        "forced_in": "imposé",
        "forced_out": "écarté d'office",
        "frontier": "Frontière efficace",
        "fan": "Enveloppe : décaissements simulés",
        "robustness": "Robustesse : fréquence de sélection quand les poids varient",
        "detail": "Projet",
        "detail_pick": "Choisir un projet",
        "why_in": "Pourquoi retenu",
        "why_out": "Pourquoi écarté",
        "what_change": "Ce qui changerait la décision",
        "variants": "Variantes",
        "variant_name": "Nom",
        "save_variant": "Enregistrer la variante",
        "saved": "Variante enregistrée : {path}",
        "variant_exists": "Le nom « {name} » donne le fichier {path}, qui existe déjà. Le remplacer ?",
        "replace": "Remplacer",
        "cancel": "Annuler",
        "upload_unreadable": "fichier illisible : {reason}",
        "export_failed": "Export impossible : {reason}",
        "compare": "Comparer",
        "variant_a": "Variante A",
        "variant_b": "Variante B",
        "export": "Exporter le portefeuille",
        "download": "Télécharger {name}",
        "warnings": "Avertissements du scénario",
        "error": "Erreur",
        "lang": "Langue",
        "computing": "calcul…",
        "synthetic": "données SYNTHÉTIQUES",
        "only_in_a": "seulement dans A",
        "only_in_b": "seulement dans B",
        "in_both": "dans les deux",
        "settings": "Réglages",
        "provenance": "Provenance",
        "change_force_out": "le retirer de la liste « Écarter »",
        "change_force_in": "le retirer de la liste « Imposer »",
        "change_score": "+{points} pts (+{per_criterion} / critère)",
        "change_request": "demande réduite de {amount}",
        "change_lost": "sans lui, le portefeuille perd {points} pts",
        "list_sep": " ; ",
        "legend_optimum": "Optimum (MILP)",
        "legend_greedy": "Glouton (valeur par euro)",
        "legend_current": "Portefeuille actuel",
        "axis_envelope": "Enveloppe (M€)",
        "axis_value": "Valeur totale (points)",
    },
    "en": {
        "title": "Selection committee dashboard",
        "scenario": "Scenario",
        "candidates": "Candidates",
        "upload": "Upload (CSV/XLSX)",
        "upload_ok": "File uploaded: {name} ({n} candidates).",
        "upload_bad": "File refused: {name}. The previous candidates are kept.",
        "shipped": "Scenario's list",
        "call": "Call",
        "weights": "Criteria weights",
        "strategic": "Strategic",
        "service": "Service quality",
        "savings": "Savings",
        "governance": "Governance",
        "budget": "Budget (M€)",
        "cofinancing": "Min. co-financing",
        "min_cost": "Min. cost (M€)",
        "min_cost_terr": "Min. territorial cost (M€)",
        "rules": "Rules",
        "rule_min_cost": "Minimum total cost",
        "rule_cofinancing": "Minimum co-financing",
        "rule_themes": "Call themes",
        "rule_owner_types": "Who may apply",
        "rule_routing": "FITN routing (4 M€)",
        "rule_window": "Commitment window",
        "rule_first_results": "First results (12 months)",
        "rule_governance_gate": "DINUM opinion (> 9 M€)",
        "sel_allow_phase1": "Fund a first phase alone",
        "sel_roi_rule": "Require 1 € saved a year per 1 €",
        "force_in": "Force in",
        "force_out": "Force out",
        "force_hint": "id…",
        "totals": "Selected portfolio",
        "n_selected": "projects selected",
        "requested": "requested from the fund",
        "total_cost": "total cost",
        "value": "value",
        "budget_used": "of the budget",
        "shortfall": "Probability of running short of payment credits",
        "exhausted": "envelope exhausted before the last call",
        "frontier_coming": "exact curve being computed",
        "ranked": "Ranked candidates",
        "show_all": "All candidates",
        "more_rows": "… and {n} more candidates, {k} of them selected (tick “All candidates” to see them)",
        "col_rank": "Rank",
        "col_id": "Id",
        "col_title": "Project",
        "col_owner": "Owner",
        "col_requested": "Requested",
        "col_value": "Value",
        "col_value_per_eur": "Value / M€",
        "col_status": "Status",
        "col_reason": "Reason",
        "col_frequency": "Frequency",
        "selected": "selected",
        "not_selected": "left out",
        "forced_in": "forced in",
        "forced_out": "forced out",
        "frontier": "Efficient frontier",
        "fan": "Envelope: simulated payments",
        "robustness": "Robustness: how often each project is selected when weights vary",
        "detail": "Project",
        "detail_pick": "Pick a project",
        "why_in": "Why selected",
        "why_out": "Why left out",
        "what_change": "What would change the decision",
        "variants": "Variants",
        "variant_name": "Name",
        "save_variant": "Save variant",
        "saved": "Variant saved: {path}",
        "variant_exists": "The name '{name}' gives the file {path}, which already exists. Replace it?",
        "replace": "Replace",
        "cancel": "Cancel",
        "upload_unreadable": "unreadable file: {reason}",
        "export_failed": "Export failed: {reason}",
        "compare": "Compare",
        "variant_a": "Variant A",
        "variant_b": "Variant B",
        "export": "Export the portfolio",
        "download": "Download {name}",
        "warnings": "Scenario warnings",
        "error": "Error",
        "lang": "Language",
        "computing": "computing…",
        "synthetic": "SYNTHETIC data",
        "only_in_a": "only in A",
        "only_in_b": "only in B",
        "in_both": "in both",
        "settings": "Settings",
        "provenance": "Provenance",
        "change_force_out": "remove it from the force-out list",
        "change_force_in": "remove it from the force-in list",
        "change_score": "+{points} points (+{per_criterion} per criterion)",
        "change_request": "request cut by {amount}",
        "change_lost": "without it the portfolio loses {points} pts",
        "list_sep": "; ",
        "legend_optimum": "Optimum (MILP)",
        "legend_greedy": "Greedy (value per euro)",
        "legend_current": "Current portfolio",
        "axis_envelope": "Envelope (M€)",
        "axis_value": "Total value (points)",
    },
}


def label(key: str, lang: str = "fr", **fmt: Any) -> str:
    """The dashboard's label ``key`` in ``lang`` (``"fr"`` or ``"en"``), formatted with ``fmt``."""
    text = UI.get(lang, UI["fr"]).get(key) or UI["fr"].get(key) or key
    return text.format(**fmt) if fmt else text


def colon(lang: str) -> str:
    """The colon of the language: French puts a (no-break) space before it."""
    return "\u00a0: " if lang == "fr" else ": "


def esc(text: Any) -> str:
    import html

    return html.escape("" if text is None else str(text))


def short_error(exc: BaseException, limit: int = 80) -> str:
    """An exception's message cut to ``limit`` characters (what the page shows of an unexpected error)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[:limit - 1] + "…"


#: The page's styles (tables, badges, warning and error boxes, totals).
CSS = """<style>
.wb-table{border-collapse:collapse;font-size:12px;width:100%}
.wb-table th{position:sticky;top:0;background:#eef1f5;text-align:left;padding:3px 6px;border-bottom:1px solid #bbb}
.wb-table td{padding:2px 6px;border-bottom:1px solid #e3e3e3;vertical-align:top;line-height:1.3}
.wb-table td.id{white-space:nowrap}
.wb-table td.txt{max-width:190px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.wb-table td.own{max-width:130px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.wb-table td.num{text-align:right;white-space:nowrap}
.wb-table tr.wb-sel td{background:#e3f4e1}
.wb-rt td:nth-child(2){white-space:nowrap}
.wb-rt td:nth-child(3){max-width:190px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.wb-rt td:nth-child(4){max-width:130px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.wb-rt td:nth-child(1),.wb-rt td:nth-child(5),.wb-rt td:nth-child(6),.wb-rt td:nth-child(7){text-align:right;white-space:nowrap}
.wb-rt tr.wb-more td{font-style:italic;color:#555;text-align:left}
.wb-table tr.wb-inel td{color:#777}
.wb-badge{display:inline-block;padding:0 5px;border-radius:3px;font-size:11px;white-space:nowrap}
.wb-b-sel{background:#2e7d32;color:#fff}.wb-b-out{background:#ddd;color:#333}
.wb-b-fin{background:#1565c0;color:#fff}.wb-b-fout{background:#b71c1c;color:#fff}
.wb-warn{background:#fff4e5;border-left:4px solid #f0a020;padding:4px 8px;margin:2px 0;font-size:12px}
.wb-err{background:#fdecea;border-left:4px solid #d32f2f;padding:4px 8px;margin:2px 0;font-size:12px;white-space:pre-wrap}
.wb-ok{background:#edf7ed;border-left:4px solid #2e7d32;padding:4px 8px;margin:2px 0;font-size:12px}
.wb-kpi{display:inline-block;margin:0 18px 4px 0}.wb-kpi b{font-size:18px}
.wb-bar{display:inline-block;height:10px;background:#1565c0;vertical-align:middle}
</style>"""
