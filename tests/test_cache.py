"""The disk cache of the dashboard's first view: a cold kernel shows what an earlier one
computed, the same bytes; any change to the scenario, the candidates, the settings or the
workbench version recomputes; a key that depends on the process is never written."""
from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pandas as pd

from workbench.dashboard import disk_cache as cache
from workbench.version import code_fingerprint
from workbench.dashboard import Dashboard

DATA = Path(__file__).resolve().parent / "data" / "dashboard"
HASH = "ab" * 32


class Memory:
    """The dashboard's in-memory LRU, reduced to what the disk cache uses."""

    def __init__(self):
        self.data = {}

    def get(self, key, make):
        if key not in self.data:
            self.data[key] = make()
        return self.data[key]

    def peek(self, key):
        return self.data.get(key)


def _wait_for_writes():
    import threading

    for t in threading.enumerate():
        if t.name.startswith("workbench-cache-"):
            t.join(5)


def test_a_new_process_reads_what_an_earlier_one_computed(tmp_path):
    calls = []

    def make():
        calls.append(1)
        return pd.DataFrame({"x": [1.5, 2.5]})

    first = cache.attach_disk_cache({"robust": Memory()}, tmp_path)["robust"]
    a = first.get((1234, HASH, "cands", "call", 6e7, (), (), 40), make)
    _wait_for_writes()
    # another kernel: another address for the scenario, empty memory
    second = cache.attach_disk_cache({"robust": Memory()}, tmp_path)["robust"]
    b = second.get((9876, HASH, "cands", "call", 6e7, (), (), 40), make)
    pd.testing.assert_frame_equal(a, b)
    assert calls == [1] and second.disk_hits == 1
    assert second.peek((5555, HASH, "cands", "call", 6e7, (), (), 40)) is not None
    # anything else changed: computed again
    second.get((9876, HASH, "cands", "call", 5e7, (), (), 40), make)
    assert calls == [1, 1]


def test_a_new_version_recomputes(tmp_path, monkeypatch):
    store = cache.DiskStore(tmp_path)
    store.store("sim", ("k",), 41)
    assert store.load("sim", ("k",)) == 41
    monkeypatch.setattr(cache, "_version", lambda: "99.0")
    assert store.load("sim", ("k",)) is cache._MISS


def test_the_version_carries_a_fingerprint_of_the_code(tmp_path, monkeypatch):
    """Between two versions a development checkout's code changes: its entries are not read."""
    import workbench

    version = cache._version()
    assert version.startswith(workbench.__version__ + "+") and len(version.split("+")[1]) == 16
    # the same fingerprint computed again over a copy of the package with one line changed differs
    copy = tmp_path / "workbench"
    shutil.copytree(Path(workbench.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "units.py").write_text((copy / "units.py").read_text() + "\n# changed\n")
    assert code_fingerprint(copy) != version


def test_keys_that_depend_on_the_process_are_not_written(tmp_path):
    wrapped = cache.attach_disk_cache({"frontier": Memory(), "explain": Memory()}, tmp_path)
    assert isinstance(wrapped["frontier"], cache.DiskBacked) and isinstance(wrapped["explain"], Memory)
    wrapped["frontier"].get(("not an address", HASH, "x"), lambda: 1)       # unexpected layout
    wrapped["frontier"].get((12, HASH, ("c", "call"), object()), lambda: 2)  # unstable repr
    _wait_for_writes()
    assert not list(tmp_path.rglob("*.pickle"))


def test_files_are_private_and_whole(tmp_path):
    store = cache.DiskStore(tmp_path / "c")
    store.store("fan_png", (("k",), "fr"), b"\x89PNG...")
    files = list((tmp_path / "c").rglob("*.pickle"))
    assert len(files) == 1 and not list((tmp_path / "c").rglob(".tmp-*"))
    assert stat.S_IMODE(os.stat(tmp_path / "c").st_mode) == 0o700   # pickles: nobody else writes them
    files[0].write_bytes(b"damaged")
    assert store.load("fan_png", (("k",), "fr")) is cache._MISS      # recomputed, not fatal


class Result:
    """A simulation result, reduced: the summary the first view reads, and the rest."""

    summary = pd.DataFrame({"level": ["ALL"], "shortfall_probability": [0.25]})
    yearly = "the whole result"


def test_the_simulation_summary_is_read_without_the_whole_result(tmp_path):
    store = cache.DiskStore(tmp_path)
    store.store("sim", ("k",), Result())
    got = store.load("sim", ("k",))
    assert isinstance(got, cache.Deferred) and got._value is cache._MISS
    pd.testing.assert_frame_equal(got.summary, Result.summary)
    assert got._value is cache._MISS                      # the summary alone: nothing else loaded
    assert got.yearly == "the whole result"


def test_a_deferred_value_whose_class_has_moved_is_not_read(tmp_path):
    store = cache.DiskStore(tmp_path)
    store.store("sim", ("k",), Result())
    assert isinstance(store.load("sim", ("k",)), cache.Deferred)
    moved = cache.Deferred({"summary": Result.summary}, b"", "workbench.no_such_module")
    store.store("sim", ("k",), moved)     # as written by an older layout of the package
    assert store.load("sim", ("k",)) is cache._MISS


def test_the_cache_can_be_switched_off(monkeypatch):
    monkeypatch.setenv(cache.ENV_CACHE_DIR, "off")
    caches = {"sim": Memory()}
    assert cache.attach_disk_cache(caches) is caches and isinstance(caches["sim"], Memory)


def test_a_cold_dashboard_shows_the_first_view_from_disk(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_CACHE_DIR, str(tmp_path / "cache"))
    d = tmp_path / "parameters"
    shutil.copytree(DATA, d)

    def open_dashboard():
        app = Dashboard(scenario=d / "committee.yaml", variants_dir=d / "variants", debounce_s=0)
        app.robustness_samples = 8
        app.widget()
        _wait_for_writes()
        return app

    first = open_dashboard()
    second = open_dashboard()     # a new kernel: new in-memory caches
    # the decisions in brief (the call picker, the budget) and the view: read, never decided again
    assert second._caches["rank"].disk_hits == 2 and second._caches["frontier"].disk_hits == 1
    assert second._caches["decide"].misses == 0
    assert second._caches["robust"].disk_hits == 1 and second._caches["fan_png"].disk_hits == 1
    assert second._caches["sim"].disk_hits == 1 and second._caches["robust_png"].disk_hits == 1
    pd.testing.assert_frame_equal(first.robust_result, second.robust_result)
    assert first.outputs["fan_img"].value == second.outputs["fan_img"].value
    assert first.outputs["robust_img"].value == second.outputs["robust_img"].value
    assert first._shortfall == second._shortfall
    # the view read back: the same table and totals (and the risk), shown without loading the
    # decisions and their selection models
    assert isinstance(second.view, cache.Deferred) and second.view._value is cache._MISS
    pd.testing.assert_frame_equal(first.table, second.table)
    assert first.totals == second.totals
    for k in ("table", "totals", "frontier_img"):
        assert first.outputs[k].value == second.outputs[k].value
    # a project's explanation needs the whole selection: loaded then, the same text
    pid = first.selected_ids[0]
    first.controls["detail_select"].value = second.controls["detail_select"].value = pid
    assert "<" in second.outputs["detail"].value and first.outputs["detail"].value == second.outputs["detail"].value
    # another budget: the robustness is computed, not read
    second.controls["budget"].value = 3.0
    _wait_for_writes()
    assert second._caches["robust"].disk_hits == 1 and second._caches["robust"].memory.misses == 2
