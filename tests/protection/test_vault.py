import base64
import json
import os
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from jubao.protection import keys, vault
from jubao.protection.models import ReporterIdentity, VaultAlgorithm
from jubao.protection.vault import (
    VaultError,
    identity_find_by_id_number,
    identity_find_by_phone,
    identity_reveal,
    identity_store,
    keyed_hash,
    normalise_phone,
    validate_id_number,
    vault_rotate,
)

K1 = base64.b64encode(b"\x01" * 32).decode()
K2 = base64.b64encode(b"\x02" * 32).decode()
OTHER = base64.b64encode(b"\x09" * 32).decode()
HMAC = base64.b64encode(b"\x05" * 32).decode()

PERSON = {
    "name": "张三丰",
    "id_number": "11010519491231002X",
    "phone": "+86 138-0013-8000",
    "email": "zhang@example.cn",
    "address": "北京市西城区某街道 1 号",
    "extra": {"workplace": "某某公司"},
}


def use_keys(settings, spec, active="", hmac_key=HMAC):
    settings.JUBAO_VAULT_KEYS = spec
    settings.JUBAO_VAULT_ACTIVE_KEY = active
    settings.JUBAO_VAULT_HMAC_KEY = hmac_key
    keys.reset_cache()


@pytest.fixture(autouse=True)
def vault_keys(settings, tmp_path):
    settings.JUBAO_VAULT_KEY_FILE = str(tmp_path / "absent" / "vault.json")
    settings.JUBAO_VAULT_ALGORITHM = "aes-256-gcm"
    use_keys(settings, f"k1:{K1}", "k1")
    yield
    keys.reset_cache()


def store(**overrides):
    return identity_store(actor=None, **{**PERSON, **overrides})


@pytest.mark.django_db
@pytest.mark.parametrize("algorithm", VaultAlgorithm.values)
def test_round_trip(settings, algorithm):
    settings.JUBAO_VAULT_ALGORITHM = algorithm
    identity = store()
    fresh = ReporterIdentity.objects.get(pk=identity.pk)
    assert fresh.algorithm == algorithm
    assert fresh.key_id == "k1"
    assert fresh.pseudonym.startswith("举报人-")
    assert identity_reveal(fresh) == PERSON
    data_key = vault._unwrap(keys.load_keys(), fresh)
    assert len(data_key) == (32 if algorithm == "aes-256-gcm" else 16)


@pytest.mark.django_db
def test_defaults_round_trip():
    identity = identity_store(actor=None, phone="13800138000")
    assert identity_reveal(identity) == {
        "name": "", "id_number": "", "phone": "13800138000", "email": "", "address": "", "extra": {}
    }
    assert identity.id_number_hmac == ""


@pytest.mark.django_db
def test_no_plaintext_in_database():
    store()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM protection_reporteridentity")
        row = cursor.fetchone()
    dump = b"".join(bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode() for v in row)
    for secret in ("张三丰", "13800138000", "138-0013-8000", "11010519491231002X", "zhang@example.cn", "北京市"):
        assert secret.encode() not in dump


@pytest.mark.django_db
def test_wrong_master_key_fails(settings):
    identity = store()
    use_keys(settings, f"k1:{OTHER}", "k1")
    with pytest.raises(VaultError) as excinfo:
        identity_reveal(ReporterIdentity.objects.get(pk=identity.pk))
    assert "张三丰" not in str(excinfo.value)


@pytest.mark.django_db
def test_missing_master_key_fails(settings):
    identity = store()
    use_keys(settings, f"k2:{K2}", "k2")
    with pytest.raises(VaultError, match="'k1' is not configured"):
        identity_reveal(identity)


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["ciphertext", "wrapped_key"])
def test_tampering_fails(column):
    identity = store()
    blob = bytearray(getattr(identity, column))
    blob[20] ^= 0x01
    ReporterIdentity.objects.filter(pk=identity.pk).update(**{column: bytes(blob)})
    with pytest.raises(VaultError) as excinfo:
        identity_reveal(ReporterIdentity.objects.get(pk=identity.pk))
    for secret in PERSON.values():
        assert str(secret) not in str(excinfo.value)


@pytest.mark.django_db
def test_ciphertext_moved_to_another_row_fails():
    a, b = store(), store(name="李四")
    # Moving both columns: the wrap is bound to the row.
    ReporterIdentity.objects.filter(pk=b.pk).update(ciphertext=a.ciphertext, wrapped_key=a.wrapped_key)
    with pytest.raises(VaultError):
        identity_reveal(ReporterIdentity.objects.get(pk=b.pk))
    # Even with a's data key correctly re-wrapped for b, the ciphertext's AAD still binds it to a.
    ring = keys.load_keys()
    b = ReporterIdentity.objects.get(pk=b.pk)
    _kid, wrapped = vault._wrap(ring, b.public_id, vault._unwrap(ring, a))
    ReporterIdentity.objects.filter(pk=b.pk).update(ciphertext=a.ciphertext, wrapped_key=wrapped)
    with pytest.raises(VaultError, match="cannot decrypt"):
        identity_reveal(ReporterIdentity.objects.get(pk=b.pk))


@pytest.mark.django_db
def test_keyed_hash_matches_differently_formatted_phones():
    a = store(phone="+86 138-0013-8000", id_number="11010519491231002x")
    b = store(phone="13800138000", id_number="11010519491231002X")
    c = store(phone="139 0000 0000", id_number="")
    assert a.phone_hmac == b.phone_hmac == keyed_hash("phone", "8613800138000")
    assert len(a.phone_hmac) == 64 and "13800138000" not in a.phone_hmac
    assert set(identity_find_by_phone("０086 13800138000")) == {a, b}
    assert set(identity_find_by_id_number("11010519491231002x")) == {a, b}
    assert list(identity_find_by_id_number("")) == []
    assert c.id_number_hmac == ""


def test_keyed_hash_depends_on_hmac_key(settings):
    before = keyed_hash("phone", "13800138000")
    use_keys(settings, f"k1:{K1}", "k1", hmac_key=base64.b64encode(b"\x06" * 32).decode())
    assert keyed_hash("phone", "13800138000") != before
    with pytest.raises(ValueError):
        keyed_hash("name", "张三")


def test_normalise_phone():
    assert normalise_phone("+86 138-0013-8000") == "13800138000"
    assert normalise_phone("8613800138000") == "13800138000"
    assert normalise_phone("0086-138 0013 8000") == "13800138000"
    assert normalise_phone("010-12345678") == "01012345678"
    assert normalise_phone("") == ""


@pytest.mark.django_db
def test_rotation(settings):
    originals = [store(name=f"举报人{i}") for i in range(5)]
    use_keys(settings, f"k1:{K1},k2:{K2}", "k2")
    assert vault.vault_rotation_pending() == 5
    assert vault_rotate(batch_size=2) == 5
    rows = list(ReporterIdentity.objects.order_by("pk"))
    assert {row.key_id for row in rows} == {"k2"}
    assert all(row.rotated_at is not None and row.rotated_at.tzinfo is not None for row in rows)
    assert [bytes(row.ciphertext) for row in rows] == [bytes(o.ciphertext) for o in originals]
    assert vault_rotate() == 0

    use_keys(settings, f"k2:{K2}", "k2")
    for i, row in enumerate(rows):
        assert identity_reveal(row)["name"] == f"举报人{i}"


@pytest.mark.django_db
def test_rotation_stops_on_unknown_key(settings):
    store()
    use_keys(settings, f"k2:{K2}", "k2")
    with pytest.raises(VaultError):
        vault_rotate()


@pytest.mark.django_db
def test_rotate_command(settings, capsys):
    store()
    use_keys(settings, f"k1:{K1},k2:{K2}", "k2")
    call_command("rotate_vault_keys", "--dry-run")
    assert "1 data keys would be re-wrapped" in capsys.readouterr().out
    assert ReporterIdentity.objects.get().key_id == "k1"
    call_command("rotate_vault_keys")
    assert "1 data keys re-wrapped" in capsys.readouterr().out
    assert ReporterIdentity.objects.get().key_id == "k2"


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("11010519491231002X", True),
        ("11010519491231002x", True),
        ("110105194912310021", False),  # wrong check digit
        ("110105194902300025", False),  # 30 February
        ("110105199913310022", False),  # month 13
        ("11010519491231002", False),
        ("", False),
        (None, False),
    ],
)
def test_validate_id_number(value, valid):
    assert validate_id_number(value) is valid


def test_validate_id_number_future_birth_date():
    number = "11010530000101000"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(number, weights)) % 11]
    assert not validate_id_number(number + check)


# --- key configuration -------------------------------------------------------------------


def test_no_keys_configured_is_clear(settings):
    use_keys(settings, "", "", hmac_key="")
    with pytest.raises(ImproperlyConfigured, match="vault_init_keys"):
        keys.load_keys()


@pytest.mark.parametrize(
    ("spec", "active", "hmac_key", "message"),
    [
        (f"k1:{K1},k2:{K2}", "", HMAC, "active vault key"),
        (f"k1:{K1}", "k9", HMAC, "active vault key"),
        ("k1:not-base64!", "k1", HMAC, "not valid base64"),
        (f"k1:{base64.b64encode(b'short').decode()}", "k1", HMAC, "32 bytes"),
        (f"k1:{K1}", "k1", "", "HMAC key"),
        (K1, "", HMAC, "kid:base64key"),
    ],
)
def test_bad_env_configuration(settings, spec, active, hmac_key, message):
    use_keys(settings, spec, active, hmac_key)
    with pytest.raises(ImproperlyConfigured, match=message) as excinfo:
        keys.load_keys()
    assert K1 not in str(excinfo.value)


def test_single_env_key_is_active_by_default(settings):
    use_keys(settings, f"k1:{K1}", "")
    assert keys.load_keys().active == "k1"
    assert K1 not in repr(keys.load_keys())


@pytest.mark.django_db
def test_key_file_lifecycle(settings, tmp_path):
    path = tmp_path / "keys" / "vault.json"
    settings.JUBAO_VAULT_KEY_FILE = str(path)
    use_keys(settings, "", "", hmac_key="")

    assert keys.ensure_key_file(path) is True
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    first = json.loads(path.read_text())
    assert first["active"] == "k1" and len(base64.b64decode(first["keys"]["k1"])) == 32
    assert keys.ensure_key_file(path) is False
    assert json.loads(path.read_text()) == first

    identity = store()
    assert identity.key_id == "k1"

    assert keys.add_master_key(path) == "k2"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert keys.load_keys().active == "k2"
    assert vault_rotate() == 1

    data = json.loads(path.read_text())
    del data["keys"]["k1"]
    path.write_text(json.dumps(data))
    assert identity_reveal(ReporterIdentity.objects.get(pk=identity.pk)) == PERSON


def test_env_wins_over_key_file(settings, tmp_path):
    path = tmp_path / "vault.json"
    keys.ensure_key_file(path)
    settings.JUBAO_VAULT_KEY_FILE = str(path)
    use_keys(settings, f"env1:{K1}", "env1")
    assert keys.load_keys().active == "env1"


def test_init_keys_command_prints_path_not_key(settings, tmp_path, capsys):
    path = tmp_path / "sub" / "vault.json"
    use_keys(settings, "", "", hmac_key="")
    call_command("vault_init_keys", "--path", str(path))
    call_command("vault_init_keys", "--path", str(path), "--new-active")
    out = capsys.readouterr().out
    data = json.loads(path.read_text())
    assert str(path) in out and "k2" in out
    assert data["active"] == "k2"
    for secret in [*data["keys"].values(), data["hmac_key"]]:
        assert secret not in out


def test_add_master_key_requires_file(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="vault_init_keys"):
        keys.add_master_key(tmp_path / "missing.json")
