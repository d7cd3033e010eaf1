"""The one lookup of shipped files (workbench.resources) in the checkout, and shipped scenarios by
name on the command line.  The installed-wheel case is tests/test_wheel.py (slow)."""
from __future__ import annotations

from workbench.reporting import batch
from workbench import resources
from workbench.cli import main
from workbench.dashboard import Dashboard, repo_root, serve_command
from workbench.scenario import load_scenario

from helpers import PARAMS, ROOT


def test_the_checkout_is_the_shipped_folder_when_not_installed_from_a_wheel():
    assert not resources.installed_copy()
    assert resources.checkout_dir() == ROOT and resources.shipped_dir() == ROOT
    for name in ("report.ipynb", "dashboard.ipynb", "followup.ipynb"):
        assert resources.notebook(name) == ROOT / "notebooks" / name and resources.notebook(name).is_file()
    assert batch.find_notebook() == ROOT / "notebooks" / "report.ipynb"
    assert resources.voila_config() == ROOT / "voila.json"
    assert resources.parameters_dir() == PARAMS and Dashboard().parameters_dir == PARAMS
    assert resources.data_path("books").is_dir()


def test_shipped_scenarios_and_sweeps_are_every_file_of_parameters():
    assert list(resources.shipped_scenarios()) == sorted(p.stem for p in PARAMS.glob("*.yaml"))
    assert "ftap_2018_2022" in resources.shipped_scenarios()
    assert resources.shipped_sweeps() == {"weights_budget": PARAMS / "sweeps" / "weights_budget.yaml"}
    assert resources.shipped_histories() == {n: PARAMS / "history" / f"{n}.yaml" for n in ("fitn", "ftap", "ftap2")}
    # every history file a shipped scenario names is shipped beside it
    from workbench import load_scenario

    for path in resources.shipped_scenarios().values():
        h = load_scenario(path).history_path()
        assert h is None or h.resolve().parent == resources.history_dir().resolve()


def test_a_name_is_a_shipped_scenario_only_when_no_such_file_exists(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shipped = PARAMS / "ftap_2018_2022.yaml"
    assert resources.scenario_path("ftap_2018_2022") == shipped
    assert resources.scenario_path("ftap_2018_2022.yaml") == shipped
    assert str(resources.scenario_path("nope")) == "nope"  # loading it reports the missing file
    assert str(resources.scenario_path("sub/ftap_2018_2022.yaml")) == "sub/ftap_2018_2022.yaml"  # a path is a path
    (tmp_path / "ftap_2018_2022.yaml").write_text("x: 1\n", encoding="utf-8")
    assert str(resources.scenario_path("ftap_2018_2022.yaml")) == "ftap_2018_2022.yaml"  # the user's file
    sweep = PARAMS / "sweeps" / "weights_budget.yaml"
    assert resources.sweep_path("weights_budget") == sweep == resources.sweep_path("sweeps/weights_budget")


def test_cli_lists_and_takes_shipped_scenarios_from_any_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    assert "ftap_2018_2022\tFTAP 2018–2022" in out and str(PARAMS / "ftap_2018_2022.yaml") in out
    assert "sweeps/weights_budget" in out
    assert main(["validate", "ftap_2018_backtest"]) == 0
    assert "valid scenario 'ftap_2018_backtest'" in capsys.readouterr().out
    assert main(["validate", "no_such_scenario"]) == 2
    assert "no_such_scenario" in capsys.readouterr().err


def test_a_scenario_anywhere_may_extend_a_shipped_one(tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # no parameters/ above: the project folder is this one
    variant = elsewhere / "v.yaml"
    variant.write_text(f"extends: {PARAMS / 'ftap_2018_2022.yaml'}\nname: v\nseed: 3\n", encoding="utf-8")
    scn = load_scenario(variant)
    assert scn.name == "v" and scn.seed == 3


def test_dashboard_is_served_from_the_checkout_with_its_variants_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WORKBENCH_VARIANTS_DIR", raising=False)
    assert repo_root() == ROOT
    cmd, env, cwd = serve_command(port=8999, token="")
    assert cwd == ROOT and (cwd / cmd[cmd.index("workbench.dashboard.server") + 1]).is_file()
    assert env["WORKBENCH_PROJECT_DIR"] == str(ROOT)
    assert "WORKBENCH_VARIANTS_DIR" not in env  # the checkout's parameters/variants/, as before
