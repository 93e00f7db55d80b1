"""The checks a journey runs on every page it visits: the Nu HTML Checker and axe-core.

The Nu HTML Checker (the `vnu-jar` npm package, run with Debian's Java) runs once per test
session as a local HTTP service: a JVM start costs seconds, a check of a page a few
milliseconds once it is warm. It checks the page as the browser holds it (the document
after htmx swapped its fragments in), so the fragments a journey brought in are checked too.
axe-core is injected into the page, which needs a context opened with `bypass_csp=True`.
"""

import atexit
import json
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page

NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Stock Django admin pages keep their own markup (and its warnings).
UNCHECKED_PREFIXES = ("/admin/",)


class NuChecker:
    """The Nu HTML Checker as a service on 127.0.0.1, started on first use."""

    def __init__(self):
        self.process = None
        self.url = None

    def start(self) -> None:
        if self.process is not None:
            return
        java = shutil.which("java")
        if java is None or not VNU.exists():
            raise RuntimeError(
                "The Nu HTML Checker needs Java and node_modules/vnu-jar: run `make test`."
            )
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        command = [java, "-Xss1m", "-Dnu.validator.servlet.bind-address=127.0.0.1"]
        self.process = subprocess.Popen(  # noqa: S603 (our own jar, on loopback)
            [*command, "-cp", str(VNU), "nu.validator.servlet.Main", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{port}/?out=json"
        atexit.register(self.stop)

    def wait_until_ready(self, timeout: float = 60) -> None:
        self.start()
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.post("<!doctype html><html lang=en><title>ready</title>")
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("The Nu HTML Checker did not start.") from None
                time.sleep(0.2)

    def post(self, html: str) -> list[dict]:
        request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1, set above)
            self.url,
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.load(response)["messages"]

    def errors(self, html: str) -> list[dict]:
        self.wait_until_ready()
        return [
            message
            for message in self.post(html)
            if message["type"] == "error" or message.get("subType") == "fatal"
        ]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


NU = NuChecker()

# Pages each checker passed, for the session's summary (and the report's counts).
CHECKED: dict[str, set[str]] = {"html": set(), "axe": set()}


def page_path(page: Page) -> str:
    return "/" + page.url.split("/", 3)[3] if page.url.count("/") >= 3 else page.url


def html_errors(page: Page) -> list[str]:
    """The Nu HTML Checker's errors on the page as the browser holds it now."""
    return [
        f"line {error.get('lastLine', '?')}: {error['message']}"
        f" [{error.get('extract', '').strip()[:120]}]"
        for error in NU.errors(page.content())
    ]


def assert_valid_html(page: Page) -> None:
    """The Nu HTML Checker reports no error on the page (stock admin pages excepted)."""
    path = page_path(page)
    if path.startswith(UNCHECKED_PREFIXES):
        return
    errors = html_errors(page)
    assert not errors, f"Nu HTML Checker, {path}:\n" + "\n".join(errors)
    CHECKED["html"].add(path.split("?")[0])


def axe_violations(page: Page) -> list[dict]:
    """axe-core's violations of any impact on the page, summarised."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Once run, the script element goes: the page's HTML is checked again after swaps.
        page.add_script_tag(path=str(AXE)).evaluate("script => script.remove()")
    results = page.evaluate("async () => await axe.run(document)")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [
                {"target": node["target"], "html": node["html"][:200]}
                for node in violation["nodes"][:5]
            ],
        }
        for violation in results["violations"]
    ]


def assert_accessible(page: Page) -> None:
    """axe-core finds no violation of any impact on the page."""
    path = page_path(page)
    if path.startswith(UNCHECKED_PREFIXES):
        return
    violations = axe_violations(page)
    assert not violations, f"axe-core, {path}:\n" + json.dumps(violations, indent=2)
    CHECKED["axe"].add(path.split("?")[0])


def check_page(page: Page) -> None:
    """Both checks, on the page as it is now."""
    page.wait_for_load_state()
    assert_valid_html(page)
    assert_accessible(page)
