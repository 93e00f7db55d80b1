"""`manage.py bench` (what `make bench` runs): the desk's pages against Django's floor.

Creates a PostgreSQL database of its own (dropped at the end), builds the benchmark's desk
in it, starts the production profile on a free loopback port and prints each page's figures
and the budgets (docs/bench.md). Exits 1 if a budget is missed.
"""

import os
import secrets
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

DEFAULT_DATABASE = "postgres://root@127.0.0.1:5432/factcheck_bench"


def _admin_connection(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    )


class Command(BaseCommand):
    help = "Benchmark the desk's pages against Django's floor on PostgreSQL (docs/bench.md)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-url",
            default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE),
            help="a PostgreSQL database the benchmark creates and drops; its name must "
            "contain 'bench' (default: %(default)s)",
        )
        parser.add_argument("--seconds", type=int, default=4, help="wrk's run per page")
        parser.add_argument("--inside", action="store_true", help=(
            "(internal) run in the benchmark's environment"))  # fmt: skip

    def handle(self, *args, database_url, seconds, inside, **options):
        if inside:
            return self.inside(seconds)
        name = urlsplit(database_url).path.lstrip("/")
        if "bench" not in name or not database_url.startswith("postgres"):
            raise CommandError("--database-url must be a PostgreSQL database named *bench*.")
        with _admin_connection(database_url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            with tempfile.TemporaryDirectory(prefix="bench-static-") as static_root:
                env = {
                    **os.environ,
                    "DATABASE_URL": database_url,
                    "SECRET_KEY": secrets.token_urlsafe(50),
                    "DEBUG": "",
                    "BENCH": "1",
                    "STATIC_ROOT": static_root,
                    "MEDIA_ROOT": static_root + "/media",
                    "ALLOWED_HOSTS": "127.0.0.1,testserver",
                    "SECURE_COOKIES": "0",
                    "SECURE_SSL_REDIRECT": "",
                    "REDIS_URL": "",
                    "DETECTION_PROCESSES": "0",
                    "LOG_LEVEL": "WARNING",
                }
                command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "bench"]
                command += ["--inside", "--seconds", str(seconds)]
                code = subprocess.run(command, env=env, check=False).returncode  # noqa: S603
        finally:
            with _admin_connection(database_url) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if code:
            sys.exit(code)

    def inside(self, seconds: int):
        from claims.benchmark import data, load

        if not settings.BENCH:
            raise CommandError("--inside is the benchmark's own step; run `manage.py bench`.")
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        # The pages link their static files by the manifest's hashed names, in this process too.
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write("Building the desk: articles of 5 to 5,000 claims, 100,000 sources …")
        built = data.build()
        self.stdout.write(f"  built in {time.monotonic() - started:.0f} s")
        met = load.run(built, seconds=seconds, out=sys.stdout)
        self.stdout.write(f"\nWhole run: {time.monotonic() - started:.0f} s")
        if not met:
            sys.exit(1)
