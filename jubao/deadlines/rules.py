"""A short-lived per-process snapshot of the policy packs and their deadline rules.

Registration is the hottest write path and the rules change rarely; reading them once every
few seconds instead of on every report saves two queries per submission. An edit made in the
admin reaches every process within JUBAO_CONFIG_CACHE_SECONDS (tests set it to 0).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings

from .models import DeadlinePolicy, PolicyPack


@dataclass
class Rules:
    packs: dict[str, PolicyPack] = field(default_factory=dict)
    default: PolicyPack | None = None
    policies: dict[int, list[DeadlinePolicy]] = field(default_factory=dict)


_snapshot: Rules | None = None
_loaded_at = 0.0


def rules() -> Rules:
    global _snapshot, _loaded_at
    ttl = getattr(settings, "JUBAO_CONFIG_CACHE_SECONDS", 5)
    if _snapshot is not None and ttl and time.monotonic() - _loaded_at < ttl:
        return _snapshot
    snapshot = Rules()
    for pack in PolicyPack.objects.all():
        snapshot.packs[pack.code] = pack
        if pack.is_default:
            snapshot.default = pack
    for policy in DeadlinePolicy.objects.all():
        snapshot.policies.setdefault(policy.pack_id, []).append(policy)
    _snapshot, _loaded_at = snapshot, time.monotonic()
    return snapshot
