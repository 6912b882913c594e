import base64
import os

import pytest

from jubao.intake import ratelimit


@pytest.fixture(autouse=True)
def vault_keys(settings):
    settings.JUBAO_VAULT_KEYS = "t1:" + base64.b64encode(os.urandom(32)).decode()
    settings.JUBAO_VAULT_ACTIVE_KEY = "t1"
    settings.JUBAO_VAULT_HMAC_KEY = base64.b64encode(os.urandom(32)).decode()
    ratelimit.reset()
    yield
    ratelimit.reset()
