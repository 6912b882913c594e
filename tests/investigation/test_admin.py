"""The admin shows the investigation record read-only."""

from __future__ import annotations

import pytest

from jubao.investigation import models

from .conftest import handled_case
from .test_collective_review import record
from .test_record import add_photo


@pytest.mark.parametrize("model", [models.CollectiveReview, models.InvestigationNote, models.EvidenceItem,
                                   models.SiteVisit, models.SupplementRequest, models.CaseOwnership])
def test_admin_lists_and_shows_without_editing(client, org, model):
    case = handled_case(org, grade="major")
    record(org, case)
    item = add_photo(org, case)
    client.force_login(org.users["admin"])
    meta = model._meta
    url = f"/admin/{meta.app_label}/{meta.model_name}/"
    assert client.get(url).status_code == 200
    assert client.get(url + "add/").status_code == 403
    if model is models.EvidenceItem:
        page = client.get(f"{url}{item.pk}/change/")
        assert page.status_code == 200 and item.sha256 in page.content.decode()
