"""Counter-based random numbers keyed by (seed, replication, citizen, purpose,
n, k, j): the purpose's n-th draw, with up to two counters inside it.

Every draw is a pure function of its key (design principle 5), so a reform that
changes one citizen's path leaves every other citizen's draws untouched, and
results do not depend on the order in which processes run or on the number of
workers. The mixer is SplitMix64's finaliser, which passes BigCrush on counters.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_INV_2_53 = 1.0 / (1 << 53)
_MUL1 = 0xBF58476D1CE4E5B9
_MUL2 = 0x94D049BB133111EB


def _mix(x: int) -> int:
    x = (x + _GOLDEN) & _MASK
    x = ((x ^ (x >> 30)) * _MUL1) & _MASK
    x = ((x ^ (x >> 27)) * _MUL2) & _MASK
    return x ^ (x >> 31)


def purpose_code(name: str) -> int:
    """A stable 64-bit code for a named purpose ("budget", "destination", ...)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


def stream_key(seed: int, replication: int, citizen: int) -> int:
    return _mix(_mix(_mix(seed & _MASK) ^ replication) ^ citizen)


# A draw's indices (n, k, j) packed into one counter: n in the low 24 bits, k in the
# next 20, j in the top 20. Each index is masked to its width, so indices below
# these bounds never share a counter (n: a citizen's stays; k, j: counts within one).
N_BITS, K_BITS = 24, 20
N_MASK, K_MASK, J_MASK = (1 << 24) - 1, (1 << 20) - 1, (1 << 20) - 1


def draw_index(n: int, k: int = 0, j: int = 0) -> int:
    """The counter of the draw with indices (n, k, j) (see :class:`Draws`)."""
    return (n & N_MASK) | ((k & K_MASK) << N_BITS) | ((j & J_MASK) << (N_BITS + K_BITS))


class Draws:
    """The random numbers of one citizen in one replication.

    A draw is named by its purpose (:func:`purpose_code`) and up to three indices:
    ``n``, usually the citizen's stay, and ``k`` and ``j``, counters within it (the
    k-th budget of a stay, the k-th offer and its j-th conversation, ...). Every
    caller passes its indices here; none packs them by hand (:func:`draw_index`).
    """

    __slots__ = ("key",)

    def __init__(self, seed: int, replication: int, citizen: int) -> None:
        self.key = stream_key(seed, replication, citizen)

    # The constants are bound as defaults: local names are faster than globals, and
    # these two are the hottest functions of the model.
    def uniform(self, purpose: int, n: int = 0, k: int = 0, j: int = 0, _m: int = _MASK,
                _g: int = _GOLDEN, _a: int = _MUL1, _b: int = _MUL2,
                _s: float = _INV_2_53) -> float:
        """A uniform number in (0, 1): the draw (n, k, j) of ``purpose``."""
        i = (n & 0xFFFFFF) | ((k & 0xFFFFF) << 24) | ((j & 0xFFFFF) << 44)  # draw_index
        x = ((self.key ^ ((purpose + i * _g) & _m)) + _g) & _m  # _mix, inlined
        x = ((x ^ (x >> 30)) * _a) & _m
        x = ((x ^ (x >> 27)) * _b) & _m
        return (((x ^ (x >> 31)) >> 11) + 0.5) * _s

    def exponential(self, purpose: int, n: int = 0, k: int = 0, j: int = 0,
                    _m: int = _MASK, _g: int = _GOLDEN, _a: int = _MUL1, _b: int = _MUL2,
                    _s: float = _INV_2_53, _log=math.log) -> float:
        """A unit exponential number: the draw (n, k, j) of ``purpose``."""
        i = (n & 0xFFFFFF) | ((k & 0xFFFFF) << 24) | ((j & 0xFFFFF) << 44)  # draw_index
        x = ((self.key ^ ((purpose + i * _g) & _m)) + _g) & _m
        x = ((x ^ (x >> 30)) * _a) & _m
        x = ((x ^ (x >> 27)) * _b) & _m
        return -_log((((x ^ (x >> 31)) >> 11) + 0.5) * _s)


def generator(seed: int, replication: int, purpose: str) -> np.random.Generator:
    """A numpy generator for bulk draws that belong to no single citizen (arrival times)."""
    words = [seed & _MASK, replication, purpose_code(purpose)]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(words)))


def cumulative_shares(values: list[float]) -> tuple[float, ...]:
    """Normalised cumulative shares, the last exactly 1, for drawing with one uniform."""
    total = sum(values)
    acc, cum = 0.0, []
    for v in values:
        acc += v / total
        cum.append(acc)
    cum[-1] = 1.0
    return tuple(cum)


def _mix_array(x: np.ndarray) -> np.ndarray:
    x = x + np.uint64(_GOLDEN)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(_MUL1)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(_MUL2)
    return x ^ (x >> np.uint64(31))


def uniform_array(seed: int, replication: int, citizens: np.ndarray, purpose: int,
                  n: int = 0) -> np.ndarray:
    """Vectorised ``Draws(seed, replication, c).uniform(purpose, n)`` for many citizens."""
    base = _mix(_mix(seed & _MASK) ^ replication)
    with np.errstate(over="ignore"):
        keys = _mix_array(np.uint64(base) ^ citizens.astype(np.uint64))
        x = _mix_array(keys ^ np.uint64((purpose + n * _GOLDEN) & _MASK))
    return ((x >> np.uint64(11)).astype(np.float64) + 0.5) * _INV_2_53
