"""The fixed cast: the demo organisation's users, one (or two) per role."""

from __future__ import annotations

import pytest

from jubao.demo.organisation import DemoOrganisation, build_demo_organisation


@pytest.fixture(autouse=True)
def _configuration_always_fresh(settings):
    # Tests roll calendar and rule edits back between them; never trust an in-process cache here.
    settings.JUBAO_CONFIG_CACHE_SECONDS = 0


@pytest.fixture
def org(db) -> DemoOrganisation:
    return build_demo_organisation(password="correct-horse-battery", extra_staff=False)
