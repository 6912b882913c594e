"""Edits to the dispatch catalogue in the admin leave audit events, with the rule as it stands."""

from __future__ import annotations

import pytest

from jubao.audit.models import AuditEvent
from jubao.routing.models import DispatchRule

from .routing_support import MUNICIPAL, module_org, org, rule  # noqa: F401

pytestmark = pytest.mark.django_db


def test_changing_and_deleting_a_rule_in_the_admin_is_audited(client, org):  # noqa: F811
    admin = org.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(admin)
    existing = rule(org, "chengguan", category=MUNICIPAL, note="市政管理")
    response = client.post(f"/admin/routing/dispatchrule/{existing.pk}/change/", {
        "category": existing.category_id, "lead_department": org.departments["zhujian"].pk, "priority": 5,
        "is_active": "on", "note": "改由住建主办",
        "DispatchRule_co_departments-TOTAL_FORMS": "0", "DispatchRule_co_departments-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    changed = AuditEvent.objects.get(kind="routing.rule_changed")
    assert changed.payload["rule"] == existing.pk and changed.payload["lead_department"] == "zhujian"
    assert changed.actor_id == admin.pk
    response = client.post(f"/admin/routing/dispatchrule/{existing.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not DispatchRule.objects.filter(pk=existing.pk).exists()
    assert AuditEvent.objects.get(kind="routing.rule_deleted").payload["rule"] == existing.pk
