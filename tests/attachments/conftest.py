import base64
import os

import pytest
from django.utils import translation

from jubao.protection import keys
from tests.helpers import FAST_HASHERS


@pytest.fixture(autouse=True)
def attachment_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JUBAO_VAULT_KEY_FILE = str(tmp_path / "absent" / "vault.json")
    settings.JUBAO_VAULT_KEYS = "t1:" + base64.b64encode(os.urandom(32)).decode()
    settings.JUBAO_VAULT_ACTIVE_KEY = "t1"
    settings.JUBAO_VAULT_HMAC_KEY = base64.b64encode(os.urandom(32)).decode()
    settings.JUBAO_VAULT_ALGORITHM = "aes-256-gcm"
    settings.STORAGES = {k: v for k, v in settings.STORAGES.items() if k != "attachments"}
    keys.reset_cache()
    # Messages are asserted in English (the msgids); the default language is Simplified Chinese.
    with translation.override("en"):
        yield settings
    keys.reset_cache()
