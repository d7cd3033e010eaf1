"""The overrun / delay mixture: sampling, quantiles, defaults from the scenario, fit to the classes."""
import numpy as np
import pytest
from matplotlib.figure import Figure

from workbench import load_scenario
from workbench import uncertainty as U
from workbench.uncertainty import OverrunModel

from helpers import PARAMS

FTAP = str(PARAMS / "ftap_2018_2022.yaml")


def test_from_scenario_without_section_gives_fitted_defaults():
    m = OverrunModel.from_scenario(None)
    assert m.params() == U.DEFAULTS["cost_overrun"]
    d = OverrunModel.from_scenario(None, kind="delay")
    assert d.params() == U.DEFAULTS["delay"]
    with pytest.raises(ValueError):
        OverrunModel.from_scenario(None, kind="cost")


def test_from_scenario_reads_the_scenario_values_with_their_source():
    scn = load_scenario(FTAP).with_overrides({"uncertainty": {"cost_overrun": {"tail_weight": 0.05}}})
    m = OverrunModel.from_scenario(scn)
    assert m.tail_weight == 0.05
    assert m.body_weight == pytest.approx(0.3342)
    assert "panorama" in m.source


def test_sample_is_seeded_bounded_and_matches_the_closed_form_mean():
    m = OverrunModel.default()
    a = m.sample(np.random.default_rng(5), (400, 500))
    b = m.sample(np.random.default_rng(5), (400, 500))
    assert a.shape == (400, 500) and np.array_equal(a, b)
    assert a.min() > 0 and a.max() <= m.max_ratio + 1e-12
    assert a.mean() == pytest.approx(m.mean(), rel=0.01)
    # "near budget" mass: the point mass plus the narrow body around 1
    near = np.mean(np.abs(a - 1) < 0.02)
    assert near == pytest.approx(float(m.cdf(1.02) - m.cdf(0.98)), abs=0.01)


def test_tabulated_quantile_agrees_with_the_exact_inverse_cdf():
    for kind in U.KINDS:
        m = OverrunModel.default(kind)
        u = np.random.default_rng(1).random(20_000)
        err = np.abs(m.from_uniform(u) - m.quantile(u))
        assert np.mean(err) < 1e-4
        # the table only smooths the edges of the point mass inside one cell of 1/16384
        assert np.mean(err > 1e-3) < 1e-3
        assert np.allclose(m.cdf(m.quantile(np.array([0.2, 0.6, 0.95]))), [0.2, 0.6, 0.95], atol=1e-6)


def test_cdf_is_a_distribution_function():
    m = OverrunModel.default()
    x = np.linspace(0.01, m.max_ratio, 2000)
    f = m.cdf(x)
    assert np.all(np.diff(f) >= -1e-12) and f[0] >= 0 and m.cdf(m.max_ratio) == pytest.approx(1.0)
    # no uncertainty: everything exactly on budget
    flat = OverrunModel(0, 0, 0, 0, 0, 0, 1.5, 2, 3)
    assert np.all(flat.sample(np.random.default_rng(0), 100) == 1.0)
    assert flat.check() == []
    assert OverrunModel(0.6, 0.1, 0.6, 0, 0.1, 0, 1.5, 2, 3).check()


@pytest.mark.slow
def test_defaults_are_what_the_fit_gives():
    fitted = U.fit_defaults()
    for kind, m in fitted.items():
        x = np.linspace(0.3, m.max_ratio, 400)
        gap = np.max(np.abs(m.cdf(x) - OverrunModel.default(kind).cdf(x)))
        assert gap < 0.01, (kind, gap)


def test_calibration_table_and_figure():
    tab = U.calibration_table(draws=5000)
    assert set(tab["reference_class"]) == {"panorama_cost", "canada_cost", "panorama_duration"}
    summ = tab.attrs["summary"].set_index("reference_class")
    assert summ.loc["panorama_cost", "n"] == 115 and summ.loc["canada_cost", "n"] == 192
    # the default sits between the two cost classes (mean 1.13 and 1.85)
    assert 1.13 < summ.loc["panorama_cost", "mean_model"] < 1.85
    assert (summ["ks_distance"] < 0.3).all()
    fig = U and __import__("workbench.reporting.charts", fromlist=["x"]).calibration_figure(lang="en", table=tab)
    assert isinstance(fig, Figure) and len(fig.axes) == 3


def test_savings_realisation_mean_is_the_audit_ratio():
    s = U.SavingsRealisation()
    mu, sig = s.lognormal()
    x = np.exp(mu + sig * np.random.default_rng(2).standard_normal(200_000))
    assert x.mean() == pytest.approx(339 / 2000, rel=0.01)
