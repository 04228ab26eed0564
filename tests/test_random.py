"""Counter-based draws: one key per (purpose, n, k, j), the same for any caller."""

from __future__ import annotations

import numpy as np

from sim.random import Draws, draw_index, purpose_code, uniform_array


def test_indices_are_packed_without_overlap():
    assert draw_index(5) == 5
    assert draw_index(5, 1) == 5 + (1 << 24)
    assert draw_index(5, 1, 2) == 5 + (1 << 24) + (2 << 44)
    seen = {draw_index(n, k, j) for n in range(40) for k in range(40) for j in range(4)}
    assert len(seen) == 40 * 40 * 4


def test_draws_differ_by_every_index_and_purpose():
    d = Draws(7, 0, 123)
    p, q = purpose_code("a"), purpose_code("b")
    values = {d.uniform(p, n, k, j) for n in range(20) for k in range(20) for j in range(3)}
    assert len(values) == 20 * 20 * 3
    assert d.uniform(p, 3, 4) != d.uniform(q, 3, 4)
    # the former hand packings collided: stay n's 64th budget was stay n + 1's first
    assert d.uniform(p, 1, 0) != d.uniform(p, 0, 64)


def test_the_vectorised_draw_is_the_scalar_draw():
    cids = np.arange(50, dtype=np.int64)
    p = purpose_code("arrival_accept")
    u = uniform_array(11, 2, cids, p, 3)
    assert np.array_equal(u, [Draws(11, 2, int(c)).uniform(p, 3) for c in cids])


def test_uniform_and_exponential_share_the_counter():
    d = Draws(1, 0, 9)
    p = purpose_code("budget")
    assert d.exponential(p, 2, 5) == -np.log(d.uniform(p, 2, 5))
