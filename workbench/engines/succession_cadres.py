"""Community cadres in the succession engine (干部接班): seats, reserves and one year of change.

Each community has a secretary, a deputy and committee seats (at least
``rules.community_committee_min``), each with a birth year per run (NaN: vacant). Every year a
cadre leaves at ``rules.retirement_age`` or by chance; at the 5-yearly election
(``rules.community_term_years`` from the term start) some are not re-elected and empty committee
seats are filled by election. A vacant key post goes to a ready reserve of that post, else to an
outside appointee (选派, a yearly budget across the ledger, secretaries first), else stays vacant.
Reserves are named among the community's members of ``rules.reserve_min_member_years`` standing
who are willing (the young seldom are), and become ready ``rules.reserve_training_years`` after
starting training.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..settings import Rules
from .succession_layout import KEY_POSTS, Layout


@dataclass
class Cadres:
    """Sitting cadres and reserves, runs first."""

    birth: np.ndarray  # (runs, communities, posts) NaN = vacant; key posts first
    reserve_birth: np.ndarray  # (runs, communities, key posts, reserves) NaN = none
    reserve_ready: np.ndarray  # (runs, communities, key posts, reserves) year ready (inf: untrained)

    @classmethod
    def of(cls, layout: Layout, runs: int) -> Cadres:
        """The ledger's cadres and reserves, the same in every run."""
        arrays = (layout.cadre_birth, layout.reserve_birth, layout.reserve_ready)
        return cls(*(np.repeat(a[None], runs, axis=0) for a in arrays))

    def widen(self, wanted: int) -> None:
        """Room for ``wanted`` reserves per key post, when a lever asks for more than there is."""
        extra = wanted - self.reserve_birth.shape[-1]
        if extra > 0:
            pad = ((0, 0), (0, 0), (0, 0), (0, extra))
            self.reserve_birth = np.pad(self.reserve_birth, pad, constant_values=np.nan)
            self.reserve_ready = np.pad(self.reserve_ready, pad, constant_values=np.inf)


def _run(values: np.ndarray, ndim: int) -> np.ndarray:
    """Per-run ``values`` shaped to broadcast over an array of ``ndim`` dimensions, runs first."""
    return values.reshape((-1,) + (1,) * (ndim - 1))


def _births(rng: np.random.Generator, year: int, young: np.ndarray, rules: Rules) -> np.ndarray:
    """Birth years of new cadres or reserves: an age uniform in the young band where ``young``,
    else in the older band (young enough to serve a full term)."""
    low = np.where(young, rules.min_applicant_age + rules.reserve_min_member_years, rules.young_cadre_age)
    high = np.where(young, rules.young_cadre_age, rules.retirement_age - rules.community_term_years)
    return year - (low + (high - low) * rng.random(young.shape))


def year(
    cadres: Cadres,
    layout: Layout,
    pools: tuple[np.ndarray, np.ndarray],
    p: dict[str, np.ndarray],
    *,
    year: int,
    training_slots: int,
    outside_appointments: int,
    rules: Rules,
    rng: np.random.Generator,
) -> None:
    """One year of cadre change, in place. ``pools``: the ``(young, older)`` members of standing
    per ``(run, community)`` reserves may be named from."""
    runs, keys = cadres.birth.shape[0], len(KEY_POSTS)
    cadres.widen(rules.reserves_per_key_post)
    rb, rr, cb = cadres.reserve_birth, cadres.reserve_ready, cadres.birth
    u_reserve, u_seat = rng.random((4, *rb.shape)), rng.random((3, *cb.shape))  # the chances

    # reserves drop out, or grow too old to serve a full term
    gone = (u_reserve[0] < _run(p["reserve_dropout"], 4)) | (
        year - rb >= rules.retirement_age - rules.community_term_years
    )
    np.copyto(rb, np.nan, where=gone)
    np.copyto(rr, np.inf, where=gone)

    # sitting cadres retire, leave, or are not re-elected
    election = ((year - layout.term_start) % rules.community_term_years == 0)[None, :, None]
    leave = u_seat[0] < _run(p["cadre_exit"], 3)
    leave |= election & (u_seat[1] < _run(p["election_turnover"], 3))
    np.copyto(cb, np.nan, where=(year - cb >= rules.retirement_age) | leave)

    # key posts: a ready reserve of the post, else an outside appointee, else vacant
    ready = ~np.isnan(rb) & (rr <= year)
    take = np.isnan(cb[..., :keys]) & ready.any(-1) & layout.posts[None, :, :keys]
    r_idx, c_idx, k_idx = np.nonzero(take)
    j_idx = ready.argmax(-1)[take]
    cb[r_idx, c_idx, k_idx] = rb[r_idx, c_idx, k_idx, j_idx]
    rb[r_idx, c_idx, k_idx, j_idx] = np.nan
    rr[r_idx, c_idx, k_idx, j_idx] = np.inf
    if outside_appointments:
        vacant = (
            (np.isnan(cb[..., :keys]) & layout.posts[None, :, :keys]).transpose(0, 2, 1).reshape(runs, -1)
        )
        chosen = vacant & (np.cumsum(vacant, axis=1) <= outside_appointments)
        chosen = chosen.reshape(runs, keys, -1).transpose(0, 2, 1)
        cb[..., :keys][chosen] = np.broadcast_to(_run(year - p["appointee_age"], 3), chosen.shape)[chosen]

    # reserves are named among willing members of standing
    young_pool, older_pool = pools
    willing_young, willing_older = p["willing_young"][:, None], p["willing_older"][:, None]
    wy, wo = willing_young * young_pool, willing_older * older_pool
    fill = 1 - (1 - willing_young) ** young_pool * (1 - willing_older) ** older_pool
    with np.errstate(invalid="ignore", divide="ignore"):
        young_share = np.where(wy + wo > 0, wy / (wy + wo), 0.0)
    open_ = np.isnan(rb) & (np.arange(rb.shape[-1]) < rules.reserves_per_key_post)
    named = open_ & (u_reserve[1] < fill[..., None, None])
    young = u_reserve[2] < young_share[..., None, None]
    rb[named] = _births(rng, year, young[named], rules)

    # committee seats are filled at elections
    seats = np.isnan(cb) & layout.posts[None] & election & (np.arange(cb.shape[-1]) >= keys)
    young = u_seat[2] < young_share[..., None]
    cb[seats] = _births(rng, year, young[seats], rules)

    # untrained reserves start training; the extra slots go to those left, secretaries first
    untrained = ~np.isnan(rb) & np.isinf(rr)
    start = untrained & (u_reserve[3] < _run(p["reserve_training_rate"], 4))
    if training_slots:
        rest = (untrained & ~start).transpose(0, 2, 1, 3).reshape(runs, -1)
        extra = rest & (np.cumsum(rest, axis=1) <= training_slots)
        start |= extra.reshape(runs, keys, -1, rb.shape[-1]).transpose(0, 2, 1, 3)
    np.copyto(rr, year + rules.reserve_training_years, where=start)
