"""The fixed cast: the demo organisation's users, one (or two) per role."""

from __future__ import annotations

import pytest

from jubao.demo.organisation import DemoOrganisation, build_demo_organisation


@pytest.fixture(autouse=True)
def _calendar_always_fresh(settings):
    # Tests roll calendar edits back between them; never trust an in-process calendar cache here.
    settings.JUBAO_CALENDAR_CHECK_SECONDS = 0


@pytest.fixture
def org(db) -> DemoOrganisation:
    return build_demo_organisation(password="correct-horse-battery", extra_staff=False)
