"""The load_demo command: idempotent, prints the logins, can start over."""

import base64
import re

import pytest
from django.core.management import call_command

from jubao.audit.chain import iter_breaks
from jubao.cases.models import Case
from jubao.protection import keys


@pytest.fixture(autouse=True)
def vault_keys(settings, tmp_path):
    settings.JUBAO_VAULT_KEY_FILE = str(tmp_path / "absent" / "vault.json")
    settings.JUBAO_VAULT_KEYS = "t1:" + base64.b64encode(b"\x11" * 32).decode()
    settings.JUBAO_VAULT_ACTIVE_KEY = "t1"
    settings.JUBAO_VAULT_HMAC_KEY = base64.b64encode(b"\x22" * 32).decode()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    keys.reset_cache()
    yield
    keys.reset_cache()


def test_load_demo_twice_keeps_the_same_cases(db, capsys):
    call_command("load_demo", "--cases", "20", "--quiet")
    first = Case.objects.count()
    assert first == 20
    call_command("load_demo", "--cases", "20", "--quiet")
    assert Case.objects.count() == first
    assert capsys.readouterr().out == ""
    assert list(iter_breaks()) == []


def test_load_demo_prints_the_logins(db, capsys):
    call_command("load_demo", "--cases", "0")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000/staff/" in out
    assert "jubao-demo-2026" in out
    for username in ("admin", "clerk", "dispatcher", "handler", "head_zj", "supervisor", "handler_jiwei"):
        assert re.search(rf"^{username}\s", out, re.MULTILINE), username
    assert Case.objects.count() == 0


def test_load_demo_reset_cases_starts_over(db):
    call_command("load_demo", "--cases", "17", "--quiet")
    assert Case.objects.count() == 17
    call_command("load_demo", "--cases", "18", "--reset-cases", "--quiet")
    assert Case.objects.count() == 18
    assert list(iter_breaks()) == []
