"""Give each benchmark a fresh database of its own, never the user's."""

from __future__ import annotations

import os
import tempfile


def fresh_database() -> None:
    if os.environ.get("DATABASE_URL"):
        import psycopg

        url = os.environ["DATABASE_URL"]
        base, name = url.rsplit("/", 1)
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        directory = tempfile.mkdtemp(prefix="jubao-bench-")
        os.environ["JUBAO_SQLITE_PATH"] = os.path.join(directory, "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jubao.settings")
    os.environ.setdefault("JUBAO_VAULT_KEY_FILE", os.path.join(tempfile.mkdtemp(prefix="jubao-keys-"), "vault.json"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
