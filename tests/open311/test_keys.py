"""API keys: the management command, hashing, and the admin."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from jubao.open311.models import Open311ApiKey

from .conftest import post_form
from .test_post import params


def create_key(*args: str) -> str:
    out = StringIO()
    call_command("open311_key", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_the_secret_once_and_stores_only_its_hash(org, client):
    output = create_key("Citizen app", "--region", "990102001001")
    secret = output.strip().splitlines()[-1]
    assert secret.startswith("o311_") and len(secret) > 40
    key = Open311ApiKey.objects.get()
    assert key.name == "Citizen app" and key.default_region.code == "990102001001" and key.is_active
    assert key.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert key.prefix == secret[:12]
    assert secret not in {getattr(key, f.attname) for f in Open311ApiKey._meta.concrete_fields}
    response = post_form(client, "json", params(secret))
    assert response.status_code == 200


def test_the_command_without_a_region(org):
    create_key("Kiosk")
    assert Open311ApiKey.objects.get().default_region is None


def test_an_unknown_region_is_refused(org):
    with pytest.raises(CommandError):
        create_key("App", "--region", "123456")
    assert not Open311ApiKey.objects.exists()


def test_the_admin_lists_keys_but_never_creates_them(org, client):
    client.force_login(org.users["admin"])
    create_key("Citizen app")
    assert client.get("/admin/open311/open311apikey/").status_code == 200
    assert client.get("/admin/open311/open311apikey/add/").status_code == 403
    key = Open311ApiKey.objects.get()
    page = client.get(f"/admin/open311/open311apikey/{key.pk}/change/").content.decode()
    assert key.key_hash not in page
