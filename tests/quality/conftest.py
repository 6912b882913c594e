import pytest

from tests.helpers import FAST_HASHERS


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The demo organisation is built for each test: hashing its users' passwords properly would dominate the run.
    settings.PASSWORD_HASHERS = FAST_HASHERS
