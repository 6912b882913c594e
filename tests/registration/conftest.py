import base64

import pytest

from jubao.protection import keys
from tests.helpers import FAST_HASHERS, module_org  # noqa: F401  (module_org is a fixture)

VAULT_KEY = base64.b64encode(b"\x11" * 32).decode()
HMAC_KEY = base64.b64encode(b"\x22" * 32).decode()


@pytest.fixture(autouse=True)
def vault_keys(settings, tmp_path):
    settings.JUBAO_VAULT_KEY_FILE = str(tmp_path / "absent" / "vault.json")
    settings.JUBAO_VAULT_KEYS = f"t1:{VAULT_KEY}"
    settings.JUBAO_VAULT_ACTIVE_KEY = "t1"
    settings.JUBAO_VAULT_HMAC_KEY = HMAC_KEY
    keys.reset_cache()
    yield
    keys.reset_cache()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def org(module_org, db):  # noqa: F811
    """The demo organisation (clerk, clerk2, dispatcher, handler …), built once per module."""
    return module_org
