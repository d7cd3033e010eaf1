"""Constants and helpers shared by several test modules (imported as ``helpers``; the
fixtures built on them are in ``conftest.py``).  No test module imports another.

Paths are from the repository root, never the working folder: the tests run from any folder.
"""
from __future__ import annotations

import socket
import subprocess
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd

from workbench import selection as pf
from workbench.candidates import split_ids, validate_candidates
from workbench.scenario import load_scenario

#: The repository checkout.
ROOT = Path(__file__).resolve().parents[1]
#: The tests' data files.
DATA = ROOT / "tests" / "data"
#: The shipped scenarios of the checkout.
PARAMS = ROOT / "parameters"
#: A small FTAP scenario (one call of 30 synthetic applications, 60 M€): reports, sweeps, notebooks.
SMALL = DATA / "small_report.yaml"


# --------------------------------------------------------------------------------------------
# portfolio selection: a small scenario, candidate tables, an independent brute force
# --------------------------------------------------------------------------------------------
SCENARIO = """
name: test_portfolio
seed: 7
horizon: {start_year: 2021, end_year: 2023}
funds:
  F:
    envelope_eur: 100000000
    sub_envelopes:
      A: {amount_eur: 40000000}
      B: {amount_eur: 30000000}
criteria:
  scale: {min: 0, max: 10}
  weights: {strategic: 0.4, service: 0.3, savings: 0.2, governance: 0.1}
  # these tests exercise the solver's mechanics on the first value model (scores summed)
  value_model: {kind: points}
"""


def make_scenario(tmp_path, extra: str = "", name: str = "s.yaml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(SCENARIO) + textwrap.dedent(extra), encoding="utf-8")
    return load_scenario(p)


def make_cands(rows: list[dict]) -> pd.DataFrame:
    base = {"title": "t", "owner": "O1", "envelope": "A", "theme": "", "duration_months": 12,
            "strategic": 5, "service": 5, "savings": 5, "governance": 5}
    df = pd.DataFrame([{**base, **r} for r in rows])
    if "total_cost_eur" not in df:
        df["total_cost_eur"] = df["requested_eur"] * 2
    df["total_cost_eur"] = df["total_cost_eur"].fillna(df["requested_eur"] * 2)
    return validate_candidates(df, scale=(0, 10), envelope_codes=["F", "A", "B"])


# --------------------------------------------------------------------------------------------
# brute force: an independent enumeration of every funding assignment
# --------------------------------------------------------------------------------------------
def brute_force(cands: pd.DataFrame, values: np.ndarray, budget: float, subs: dict[str, float],
                pay_limits: dict[int, float] | None = None, owner_max: float | None = None,
                phase1: bool = True) -> tuple[float, list]:
    """Best value over every assignment (none / envelope x mode per project), by enumeration."""
    n = len(cands)
    ids = list(cands["id"])
    opts = []  # per project: list of (env, cost, value, profile-year-costs)
    years = sorted(pay_limits or {})
    for i in range(n):
        row = cands.iloc[i]
        o = [(None, 0.0, 0.0)]
        for e in split_ids(row["envelope"]):
            o.append((e, row["requested_eur"], values[i]))
            p1 = row["phase1_cost_eur"]
            if phase1 and not np.isnan(p1) and 0 < p1 < row["requested_eur"]:
                o.append((e, p1, values[i] * p1 / row["requested_eur"]))
        opts.append(o)
    sizes = [len(o) for o in opts]
    K = int(np.prod(sizes))
    assert K <= 2_000_000, K
    idx = np.arange(K)
    digits = np.empty((K, n), dtype=np.int64)
    for i in range(n):
        digits[:, i] = idx % sizes[i]
        idx //= sizes[i]
    cost = np.zeros(K)
    val = np.zeros(K)
    sel = digits > 0
    env_use = {e: np.zeros(K) for e in subs}
    owners = cands["owner"].to_numpy()
    owner_use = {o: np.zeros(K) for o in set(owners)}
    pay = {y: np.zeros(K) for y in years}
    for i in range(n):
        c_i = np.array([o[1] for o in opts[i]])[digits[:, i]]
        v_i = np.array([o[2] for o in opts[i]])[digits[:, i]]
        cost += c_i
        val += v_i
        owner_use[owners[i]] += c_i
        for e in subs:
            mask = np.array([o[0] == e for o in opts[i]])[digits[:, i]]
            env_use[e] += np.where(mask, c_i, 0.0)
        if years:
            cps = np.array([cands.iloc[i][f"cp_{y}_eur"] for y in sorted(c for c in (2021, 2022, 2023))])
            prof = cps / cps.sum()
            for y in years:
                pay[y] += c_i * prof[[2021, 2022, 2023].index(y)]
    ok = cost <= budget + 1e-6
    for e, lim in subs.items():
        ok &= env_use[e] <= lim + 1e-6
    for y in years:
        ok &= pay[y] <= pay_limits[y] + 1e-6
    if owner_max is not None:
        for o, u in owner_use.items():
            ok &= u <= owner_max * cost + 1e-6
    pos = {x: k for k, x in enumerate(ids)}
    for i in range(n):
        for y in split_ids(cands.iloc[i]["requires"]):
            ok &= ~sel[:, i] | sel[:, pos[y]]
        for y in split_ids(cands.iloc[i]["excludes"]):
            ok &= ~(sel[:, i] & sel[:, pos[y]])
    best = np.max(np.where(ok, val, -np.inf))
    winners = [[ids[i] for i in range(n) if sel[k, i]] for k in np.flatnonzero(ok & (val >= best - 1e-9))]
    return float(best), winners


def random_instance(rng: np.random.Generator, n: int, multi: bool, with_cp: bool) -> pd.DataFrame:
    rows = []
    ids = [f"P{i:02d}" for i in range(n)]
    for i in range(n):
        req = float(rng.integers(1, 20)) * 1e6
        env = str(rng.choice(["A", "B", "F"]))
        if multi and rng.random() < 0.25:
            env = "A;B"
        r = {"id": ids[i], "owner": f"O{rng.integers(1, 4)}", "envelope": env, "requested_eur": req,
             "phase1_cost_eur": float(np.round(req * rng.uniform(0.2, 0.5), -3)) if rng.random() < 0.25 else np.nan,
             "requires": "", "excludes": ""}
        for c in ("strategic", "service", "savings", "governance"):
            r[c] = float(rng.integers(0, 21)) / 2
        if i > 0 and rng.random() < 0.2:
            r["requires"] = ids[int(rng.integers(0, i))]
        elif i > 0 and rng.random() < 0.2:
            r["excludes"] = ids[int(rng.integers(0, i))]
        if with_cp:
            split = rng.dirichlet(np.ones(3))
            for y, s in zip((2021, 2022, 2023), split):
                r[f"cp_{y}_eur"] = float(np.round(req * s, 0))
        rows.append(r)
    return make_cands(rows)


CASES = [  # (seed, n, multi-envelope, payment limits, owner max share)
    (1, 10, False, False, None), (2, 12, False, False, None), (3, 14, False, False, None),
    (4, 9, True, False, None), (5, 10, True, True, None), (6, 11, False, True, 0.6),
    (7, 16, False, False, None), (8, 8, True, True, 0.5), (9, 12, False, False, 0.45), (10, 18, False, False, None),
]


def brute_force_cases(tmp_path, seed, n, multi, pay, owner_max):
    """A random instance at three budgets: (scenario, candidates, frac, budget, rules, best value,
    winning id sets) with sub-envelopes, payment limits and an owner share as the case asks."""
    rng = np.random.default_rng(seed)
    cands = random_instance(rng, n, multi, pay)
    scn = make_scenario(tmp_path)
    vals = pf.project_values(scn, cands).to_numpy()
    total = cands["requested_eur"].sum()
    for frac in (0.2, 0.45, 0.7):
        budget = float(np.round(total * frac, -5))
        subs = {"A": float(np.round(total * frac * 0.5, -5)), "B": float(np.round(total * frac * 0.4, -5))}
        limits = {2022: float(np.round(total * frac * 0.35, -5))} if pay else None
        rules = {"mip_rel_gap": 0.0, "sub_envelope_budgets_eur": subs}
        if limits:
            rules["payment_limits_eur"] = limits
        if owner_max:
            rules["owner_share_max_rate"] = owner_max
        best, winners = brute_force(cands, vals, budget, subs, limits, owner_max)
        yield scn, cands, frac, budget, rules, best, winners


#: Four candidates of `workbench rank` tests (a formula-like title, a requires and an excludes).
RANK_CSV = """id;title;owner;envelope;total_cost_eur;requested_eur;duration_months;strategic;service;savings;governance;requires;excludes
P1;=HYPERLINK("http://x");O1;A;20 000 000;10 000 000;12;9;9;9;9;;
P2;Projet deux;O1;A;20 000 000;10 000 000;12;5;5;5;5;;
P3;Projet trois;O2;B;20 000 000;10 000 000;12;7;7;7;7;P1;
P4;-minus;O2;B;20 000 000;10 000 000;12;1;1;1;1;;P3
"""


def small_rank_setup(folder, csv: str = RANK_CSV):
    """A small scenario and a candidate file (default: the four candidates of :data:`RANK_CSV`)
    in ``folder``: (scenario path, candidate path)."""
    scn = make_scenario(folder)
    cand = folder / "cands.csv"
    cand.write_text(csv, encoding="utf-8")
    return scn.path, cand


# --------------------------------------------------------------------------------------------
# hostile input files (issue 23): built as raw bytes, in seconds; benchmarks/bench_refusals.py
# builds the full-size ones with the same functions
# --------------------------------------------------------------------------------------------
#: The candidate columns, in order (the header of the files below).
CANDIDATE_COLUMNS = ("id", "title", "owner", "envelope", "total_cost_eur", "requested_eur", "duration_months",
                     "strategic", "service", "savings", "governance")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx_package(path, sheet_chunks, shared_strings_chunks=None, parts=None) -> None:
    """A minimal XLSX at ``path`` whose first sheet's XML is the bytes of ``sheet_chunks`` (an
    iterable, streamed into the zip), with a shared strings part when ``shared_strings_chunks``
    is given and any further ``parts`` (name -> bytes, e.g. ``xl/styles.xml``)."""
    import zipfile

    parts = dict(parts or {})
    ss = shared_strings_chunks is not None
    overrides = ("<Override PartName='/xl/workbook.xml' ContentType='application/vnd.openxmlformats-officedocument."
                 "spreadsheetml.sheet.main+xml'/><Override PartName='/xl/worksheets/sheet1.xml' ContentType="
                 "'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml'/>")
    if ss:
        overrides += ("<Override PartName='/xl/sharedStrings.xml' ContentType='application/vnd.openxmlformats-"
                      "officedocument.spreadsheetml.sharedStrings+xml'/>")
    if "xl/styles.xml" in parts:
        overrides += ("<Override PartName='/xl/styles.xml' ContentType='application/vnd.openxmlformats-"
                      "officedocument.spreadsheetml.styles+xml'/>")
    rels = (f"<Relationship Id='rId1' Type='{_REL}/worksheet' Target='worksheets/sheet1.xml'/>"
            + (f"<Relationship Id='rId2' Type='{_REL}/sharedStrings' Target='sharedStrings.xml'/>" if ss else "")
            + (f"<Relationship Id='rId3' Type='{_REL}/styles' Target='styles.xml'/>" if "xl/styles.xml" in parts
               else ""))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<?xml version='1.0'?><Types xmlns='http://schemas.openxmlformats.org/"
                   "package/2006/content-types'><Default Extension='rels' ContentType='application/vnd.openxml"
                   "formats-package.relationships+xml'/><Default Extension='xml' ContentType='application/xml'/>"
                   + overrides + "</Types>")
        z.writestr("_rels/.rels", "<?xml version='1.0'?><Relationships xmlns='http://schemas.openxmlformats.org/"
                   f"package/2006/relationships'><Relationship Id='rId1' Type='{_REL}/officeDocument' "
                   "Target='xl/workbook.xml'/></Relationships>")
        z.writestr("xl/workbook.xml", f"<?xml version='1.0'?><workbook xmlns='{_MAIN}' xmlns:r='{_REL}'><sheets>"
                   "<sheet name='c' sheetId='1' r:id='rId1'/></sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", "<?xml version='1.0'?><Relationships xmlns='http://schemas."
                   f"openxmlformats.org/package/2006/relationships'>{rels}</Relationships>")
        for name, blob in parts.items():
            z.writestr(name, blob)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for chunk in sheet_chunks:
                fh.write(chunk)
        if ss:
            with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
                for chunk in shared_strings_chunks:
                    fh.write(chunk)


def sheet_xml(rows, dimension: str | None = None, head: bytes = b"", references: bool = True, close: bool = True):
    """A sheet's XML, in chunks: a header row of the candidate columns, then ``rows`` (an
    iterable of lists of cell values: numbers or text, ``None`` for no cell); without ``close``
    the rows are left open for more."""
    from workbench.preflight import column_letters

    yield (f"<?xml version='1.0' encoding='UTF-8'?><worksheet xmlns='{_MAIN}'>"
           + (f"<dimension ref='{dimension}'/>" if dimension else "")).encode() + head + b"<sheetData>"

    def row_xml(r: int, values) -> str:
        cells = []
        for j, v in enumerate(values):
            ref = f" r='{column_letters(j + 1)}{r}'" if references else ""
            if v is None:
                continue
            if isinstance(v, str):
                cells.append(f"<c{ref} t='inlineStr'><is><t>{v}</t></is></c>")
            else:
                cells.append(f"<c{ref}><v>{v}</v></c>")
        return (f"<row r='{r}'>" if references else "<row>") + "".join(cells) + "</row>"

    block = [row_xml(1, CANDIDATE_COLUMNS)]
    for r, values in enumerate(rows, start=2):
        block.append(row_xml(r, values))
        if len(block) >= 5_000:
            yield "".join(block).encode()
            block = []
    yield ("".join(block) + ("</sheetData></worksheet>" if close else "")).encode()


def candidate_row(i: int) -> list:
    """One valid candidate row (envelope ITN1) of the files below."""
    return [f"P{i}", f"Projet {i}", "O1", "ITN1", 2_000_000, 1_000_000, 12, 5, 5, 5, 5]


def wide_row_xlsx(path, cells: int) -> None:
    """A sheet whose second row holds ``cells`` cells (``<c><v>1</v></c>``, 15 bytes each: 80 MB
    of XML for 5.3 million cells, about 80 kB zipped)."""
    def chunks():
        yield from sheet_xml([], close=False)
        yield b"<row r='2'>"
        block = b"<c><v>1</v></c>" * 100_000
        for _ in range(cells // 100_000):
            yield block
        yield b"<c><v>1</v></c>" * (cells % 100_000) + b"</row></sheetData></worksheet>"

    xlsx_package(path, chunks())


def shared_strings_xlsx(path, strings: int) -> None:
    """One candidate row whose texts are shared strings, in a table of ``strings`` entries (the
    same short text: 17 bytes each, compressed about a thousand times)."""
    head = list(sheet_xml([], close=False))
    row = ("<row r='2'>" + "".join(f"<c r='{c}2' t='s'><v>0</v></c>" for c in "ABCD")
           + "".join(f"<c r='{c}2'><v>{v}</v></c>" for c, v in zip("EFGHIJK", candidate_row(1)[4:]))
           + "</row></sheetData></worksheet>").encode()

    def strings_xml():
        yield f"<?xml version='1.0'?><sst xmlns='{_MAIN}' count='{strings}' uniqueCount='{strings}'>".encode()
        block = b"<si><t>ITN1</t></si>" * 100_000
        for _ in range(strings // 100_000):
            yield block
        yield b"<si><t>ITN1</t></si>" * (strings % 100_000) + b"</sst>"

    xlsx_package(path, [*head, row], strings_xml())


def many_rows_xlsx(path, rows: int, dimension: bool = True) -> None:
    """``rows`` valid candidate rows (cell references written, as spreadsheets write them)."""
    xlsx_package(path, sheet_xml((candidate_row(i) for i in range(rows)),
                                 dimension=f"A1:K{rows + 1}" if dimension else None))


def commas_csv(path, nbytes: int, per_line: int | None = None) -> None:
    """A CSV of commas only: one line, or lines of ``per_line`` commas."""
    with open(path, "wb") as fh:
        line = b"," * per_line + b"\n" if per_line else None
        written = 0
        while written < nbytes:
            blob = line * max(1, (1 << 20) // len(line)) if line else b"," * min(1 << 20, nbytes - written)
            fh.write(blob)
            written += len(blob)


def long_line_csv(path, nbytes: int) -> None:
    """A CSV whose header is right and whose second line is ``nbytes`` bytes of one cell."""
    with open(path, "wb") as fh:
        fh.write(";".join(CANDIDATE_COLUMNS).encode() + b"\n")
        for _ in range(nbytes // (1 << 20)):
            fh.write(b"x" * (1 << 20))
        fh.write(b"x" * (nbytes % (1 << 20)) + b"\n")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (the servers the tests start bind it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout_s: float = 90.0) -> None:
    """Wait until ``proc`` (a Voilà server) listens on ``port``: readiness, not a fixed delay."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        if proc.poll() is not None:
            raise RuntimeError(f"Voilà exited with status {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"Voilà did not listen on port {port} within {timeout_s} s")
