import base64
from urllib.parse import urlencode

import pytest

from jubao.open311.services import api_key_create
from jubao.open311.throttle import throttle_reset
from jubao.protection import keys
from tests.helpers import FAST_HASHERS, module_org  # noqa: F401  (module_org is a fixture)

MASTER = base64.b64encode(b"\x11" * 32).decode()
HMAC = base64.b64encode(b"\x22" * 32).decode()
BASE = "/open311/v2"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def vault_keys(settings, tmp_path):
    settings.JUBAO_VAULT_KEY_FILE = str(tmp_path / "absent" / "vault.json")
    settings.JUBAO_VAULT_KEYS = f"t1:{MASTER}"
    settings.JUBAO_VAULT_ACTIVE_KEY = "t1"
    settings.JUBAO_VAULT_HMAC_KEY = HMAC
    keys.reset_cache()
    yield
    keys.reset_cache()


@pytest.fixture(autouse=True)
def _fresh_throttle():
    throttle_reset()
    yield
    throttle_reset()


@pytest.fixture
def org(module_org, db):  # noqa: F811
    """The demo organisation, built once per module; each test runs in its own savepoint."""
    return module_org


@pytest.fixture
def api_key(org) -> str:
    """A key without a default region (the demo has one city, so reports go there)."""
    return api_key_create(name="tests")[1]


@pytest.fixture
def east_key(org) -> str:
    """A key whose reports are filed under 东华社区 by default."""
    return api_key_create(name="east app", region_code="990102001001")[1]


def post_form(client, fmt: str, params: dict, **extra):
    """POST requests.{fmt} form-encoded, as the spec says."""
    return client.post(f"{BASE}/requests.{fmt}", data=urlencode(params),
                       content_type="application/x-www-form-urlencoded; charset=utf-8", **extra)
