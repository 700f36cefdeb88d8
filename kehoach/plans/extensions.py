"""Where apps above `plans` add to the plan pages without `plans` importing them.

`activities` registers the computed values of targets in its AppConfig.ready(); the plan home
page asks here and shows "not yet computed" for targets nobody computes.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from .models import Plan


@dataclass(frozen=True)
class TargetValue:
    value: str  # as shown: "33,3 %"
    status: str  # met, on_track, behind, exceeded
    status_label: str


TargetValueProvider = Callable[[Plan, dt.date], dict[int, TargetValue]]
_providers: list[TargetValueProvider] = []


def register_target_values(provider: TargetValueProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def target_values(plan: Plan, as_of: dt.date) -> dict[int, TargetValue]:
    """Computed values by target id, from every registered provider."""
    values: dict[int, TargetValue] = {}
    for provider in _providers:
        values.update(provider(plan, as_of))
    return values
