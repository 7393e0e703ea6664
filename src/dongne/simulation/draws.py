"""Stateless random draws keyed by what they are about (common random numbers).

Whether local L answers question Q on their k-th notification of it must come out the same
in every policy, or a comparison between policies would mostly measure noise. A shared
`random.Random` cannot give that (each policy consumes draws in its own order), so these
draws are a hash (SplitMix64's finaliser) of the question's key, the local's key, k and a
slot number: the same inputs give the same number in any order, in any run.
"""

from __future__ import annotations

import math

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_TWO_POW_MINUS_53 = 2.0**-53


def mix64(x: int) -> int:
    """SplitMix64's output function: a bijection on 64-bit integers that scatters bits."""
    x = (x + _GOLDEN) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def uniform(question_key: int, local_key: int, k: int, slot: int) -> float:
    """A number in (0, 1), uniform, fixed by its four arguments.

    `mix64(question_key ^ mix64(local_key + 8 k + slot))`, with both mixes written out
    (this runs millions of times per simulated day).
    """
    x = (local_key + (k << 3) + slot + _GOLDEN) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    x = ((question_key ^ x ^ (x >> 31)) + _GOLDEN) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return (((x ^ (x >> 31)) >> 11) + 0.5) * _TWO_POW_MINUS_53


def normal(question_key: int, local_key: int, k: int, slot: int) -> float:
    """A standard normal number (Box-Muller on two keyed uniforms: `slot` and `slot + 1`)."""
    u1 = uniform(question_key, local_key, k, slot)
    u2 = uniform(question_key, local_key, k, slot + 1)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
