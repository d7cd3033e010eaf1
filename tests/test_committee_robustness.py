"""The committee's disagreement as the portfolio's robustness (SMAA in the members' convex hull,
workbench.selection.robustness; workbench.committee.room), checked draw by draw against a brute force
over every subset of the eight test candidates (tests/data/dashboard)."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from workbench import load_candidates, load_scenario, selection
from workbench.selection import robustness as rb
from workbench.committee import elicitation as el
from workbench.committee.room import room_robustness, room_sensitivity
from workbench.errors import InputError

from helpers import DATA

CRIT = ("strategic", "service", "savings", "governance")


@pytest.fixture(scope="module")
def committee():
    scn = load_scenario(DATA / "dashboard" / "committee.yaml")
    return scn, load_candidates(scn)


def brute_force_portfolios(cands, W: np.ndarray, budget_eur: float = 5e6) -> np.ndarray:
    """For each weight row of ``W``, the best subset (0/1 per candidate) by enumeration: value =
    weighted mean score in points, eligible = total cost >= 0.5 M€ and co-financing >= 10 %."""
    S = cands[list(CRIT)].to_numpy(float) * 10.0
    ok = ((cands["total_cost_eur"] >= 500_000) & (1 - cands["requested_eur"] / cands["total_cost_eur"] >= 0.1 - 1e-9)
          ).to_numpy()
    req = cands["requested_eur"].to_numpy(float)
    n = len(cands)
    subsets = np.array([s for s in itertools.product((0, 1), repeat=n)
                        if all(ok[i] or not s[i] for i in range(n)) and req @ np.array(s) <= budget_eur + 0.5], float)
    values = (W / W.sum(axis=1, keepdims=True)) @ S.T @ subsets.T          # (draws, subsets)
    return subsets[np.argmax(values, axis=1)]


def member_draws(seed: int, samples: int, M: np.ndarray) -> np.ndarray:
    """The weight draws smaa makes in the members' hull (its first stream, Dirichlet mixes)."""
    w_ss, _ = np.random.SeedSequence(seed).spawn(2)
    return rb.sample_member_weights(np.random.default_rng(w_ss), samples, M).to_numpy()


def test_identical_members_give_frequencies_of_0_or_1_equal_to_their_selection(committee):
    scn, cands = committee
    w = {"strategic": 0.7, "service": 0.1, "savings": 0.1, "governance": 0.1}
    res = rb.smaa(scn, cands, 40, seed=3, member_weights=[w, w, w])
    freq = res.frequency.set_index("id")["selection_frequency"]
    assert set(freq) <= {0.0, 1.0}
    chosen = selection.rank(scn, cands, weights=w).table
    assert sorted(freq[freq == 1.0].index) == sorted(chosen.loc[chosen["selected"], "id"])
    assert np.allclose(res.weights.to_numpy(), [0.7, 0.1, 0.1, 0.1])
    assert res.frequency.attrs["weight_source"] == "members" and res.frequency.attrs["members"] == 3


def test_two_members_frequencies_lie_between_and_match_the_brute_force_draw_by_draw(committee):
    scn, cands = committee
    a = {"strategic": 0.85, "service": 0.05, "savings": 0.05, "governance": 0.05}
    b = {"strategic": 0.05, "service": 0.35, "savings": 0.3, "governance": 0.3}
    pa, pb = (brute_force_portfolios(cands, np.array([[w[c] for c in CRIT]]))[0] for w in (a, b))
    assert (pa != pb).any()                                  # the two members disagree
    K, seed = 300, 11
    res = rb.smaa(scn, cands, K, seed=seed, member_weights=[a, b])
    freq = res.frequency["selection_frequency"].to_numpy()
    M = np.array([[a[c] for c in CRIT], [b[c] for c in CRIT]])
    W = member_draws(seed, K, M)
    assert np.allclose(res.weights.to_numpy(), W)
    # every draw is a mix of the two members' weights (on the segment between them)
    lam = (W[:, 0] - M[1, 0]) / (M[0, 0] - M[1, 0])
    assert np.allclose(W, lam[:, None] * M[0] + (1 - lam[:, None]) * M[1]) and (lam >= 0).all() and (lam <= 1).all()
    expected = brute_force_portfolios(cands, W).mean(axis=0)
    assert freq == pytest.approx(expected, abs=1e-12)
    disputed = pa != pb
    assert ((freq[disputed] > 0) & (freq[disputed] < 1)).all()    # between: the room's disagreement
    assert (freq[(pa == 1) & (pb == 1)] == 1.0).all()             # both members' portfolios: always


def test_member_weights_are_checked(committee):
    scn, cands = committee
    with pytest.raises(InputError, match="give exactly one of the two"):
        rb.smaa(scn, cands, 5, member_weights=[{"strategic": 1.0}], weight_intervals={"strategic": [0, 1]})
    with pytest.raises(InputError) as e:
        rb.check_member_weights([{"strategic": -1, "service": 1, "savings": 1, "governance": 1},
                                 {"strategc": 1, "service": 0, "savings": 0, "governance": 0}])
    text = e.value.message()
    assert "member_weights[0].strategic: -1" in text and "did you mean 'strategic'" in text
    with pytest.raises(InputError, match="no member's weights given"):
        rb.check_member_weights([])
    M = rb.check_member_weights(np.array([[2.0, 1, 1, 0], [1, 1, 1, 1]]))
    assert np.allclose(M.sum(axis=1), 1) and M[0, 0] == pytest.approx(0.5)


def test_the_room_table_shows_each_members_portfolio_and_the_rooms(committee):
    scn, cands = committee
    members = {"Anne": el.swing({"strategic": 100, "service": 10, "savings": 10, "governance": 10}),
               "Bruno": el.swing({"strategic": 10, "service": 100, "savings": 80, "governance": 80}),
               "Chloé": el.ahp({"strategic|service": 1, "strategic|savings": 2, "strategic|governance": 2,
                                "service|savings": 2, "service|governance": 2, "savings|governance": 1})}
    room = el.aggregate(list(members.values()))
    rr = room_robustness(scn, cands, members, room.weights, samples=60, seed=5)
    t = rr.table.set_index("id")
    for name, e in members.items():
        own = brute_force_portfolios(cands, np.array([[e.weights[c] for c in CRIT]]))[0].astype(bool)
        assert t[name].tolist() == own.tolist(), name
    room_own = brute_force_portfolios(cands, np.array([[room.weights[c] for c in CRIT]]))[0].astype(bool)
    assert t["selected"].tolist() == room_own.tolist()
    assert (t["members_selecting"] == t[list(members)].sum(axis=1)).all()
    assert t["selection_frequency"].tolist() == rr.frequency["selection_frequency"].tolist()
    assert t.loc["C7", "selection_frequency"] == 0.0 and t.loc["C7", "core"] == "never"     # ineligible
    rec = rr.record()
    assert rec["samples"] == 60 and rec["seed"] == 5 and rec["members"] == ["Anne", "Bruno", "Chloé"]


def test_the_sensitivity_ranges_hold_the_rooms_portfolio(committee):
    scn, cands = committee
    members = {"Anne": el.swing({"strategic": 100, "service": 40, "savings": 30, "governance": 30}),
               "Bruno": el.swing({"strategic": 60, "service": 100, "savings": 70, "governance": 60})}
    room = el.aggregate(list(members.values()))
    t = room_sensitivity(scn, cands, room.weights, budget_eur=5e6, members=members, tol=0.002)
    w0 = np.array([room.weights[c] for c in CRIT])
    base = brute_force_portfolios(cands, w0[None, :])[0]
    for r in t.itertuples(index=False):
        assert r.low - 1e-12 <= r.weight <= r.high + 1e-12
        j = CRIT.index(r.criterion)

        def tilt(x):
            w = w0 * (1 - x) / (1 - w0[j])
            w[j] = x
            return brute_force_portfolios(cands, w[None, :])[0]

        for x in (r.low, r.high):
            assert (tilt(x) == base).all()                          # inside: the portfolio holds
        if r.high < 1 - 0.01:
            assert (tilt(min(r.high + 0.01, 1.0)) != base).any()    # beyond the range: it changes
        if r.low > 0.01:
            assert (tilt(r.low - 0.01) != base).any()
        vals = [m.weights[r.criterion] for m in members.values()]
        assert (r.members_min, r.members_max) == pytest.approx((min(vals), max(vals)))
        assert r.members_inside == sum(r.low - 1e-12 <= v <= r.high + 1e-12 for v in vals)
