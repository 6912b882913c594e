import base64
import os
from typing import Any

import pytest

from tests.helpers import FAST_HASHERS, module_org  # noqa: F401  (module_org is a fixture)


@pytest.fixture(autouse=True)
def vault_keys(settings):
    settings.JUBAO_VAULT_KEYS = "t1:" + base64.b64encode(os.urandom(32)).decode()
    settings.JUBAO_VAULT_ACTIVE_KEY = "t1"
    settings.JUBAO_VAULT_HMAC_KEY = base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def org(module_org, db, settings) -> Any:  # noqa: F811
    """The fixed cast, built once per module (each test still runs in its own savepoint)."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return module_org
