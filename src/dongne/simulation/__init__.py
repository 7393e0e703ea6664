"""A simulated day on Jeju: how the notification policies do, on a virtual clock.

`dongne simulate` draws a population of verified locals and a day of questions from a
YAML scenario (`scenarios/jeju-day.yaml`), then replays the day once per policy -- the
seed's four waves as written, the product's `escalation.policy` rules, and variants --
on the same world and the same random draws, and reports how soon questions get a first
answer and how many notifications each local gets.

Modules: `scenario` (the YAML model), `population` (the world), `answers` (the answer
model), `policies`, `engine` (the event loop), `report` (Markdown, JSON, PNG), `search`
(minimum locals per region), `command` (the CLI's work).
"""

from dongne.simulation.engine import simulate
from dongne.simulation.policies import PolicySpec, all_policies, compared, policy_named
from dongne.simulation.population import World, build_world
from dongne.simulation.results import PolicyResult
from dongne.simulation.scenario import Scenario, load_scenario
from dongne.simulation.search import MinLocals, find_min_locals

__all__ = [
    "MinLocals",
    "PolicyResult",
    "PolicySpec",
    "Scenario",
    "World",
    "all_policies",
    "build_world",
    "compared",
    "find_min_locals",
    "load_scenario",
    "policy_named",
    "simulate",
]
