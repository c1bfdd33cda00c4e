"""How the phone server imports aiohttp: without the TLS contexts aiohttp builds at import
for its HTTP client (OpenSSL's start-up and the CA certificates, about 3 MB of the phones'
15 MB budget), which this app never uses. Each check runs in a fresh interpreter, where
nothing has imported aiohttp yet, as in the app."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[2] / "src")


def run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_aiohttp_comes_without_its_client_tls_contexts_and_ssl_stays_whole():
    seen = run("""
        import json, ssl, sys
        from workshop_tui.web.server import _import_web
        web = _import_web()
        import aiohttp.connector, http.client, urllib.request
        print(json.dumps({
            "web": web.__name__, "client_context": repr(aiohttp.connector._SSL_CONTEXT_VERIFIED),
            "ssl_back": sys.modules["ssl"] is ssl, "ssl_works": ssl.create_default_context().verify_mode == ssl.CERT_REQUIRED,
            "https_in_stdlib": hasattr(http.client, "HTTPSConnection") and hasattr(urllib.request, "HTTPSHandler"),
            "again": _import_web() is web}))
    """)
    assert seen == {"web": "aiohttp.web", "client_context": "None", "ssl_back": True, "ssl_works": True,
                    "https_in_stdlib": True, "again": True}


def test_an_aiohttp_that_needs_ssl_is_imported_as_it_comes():
    """A later aiohttp whose import fails without ssl: the half-imported modules are dropped
    and aiohttp is imported again, with ssl, and works as before."""
    seen = run("""
        import importlib.abc, json, sys

        class NeedsSsl(importlib.abc.MetaPathFinder):  # aiohttp.connector refusing to load without ssl
            def find_spec(self, name, path, target=None):
                if name == "aiohttp.connector" and sys.modules.get("ssl", 0) is None:
                    raise ImportError("this aiohttp needs ssl")
                return None

        sys.meta_path.insert(0, NeedsSsl())
        from workshop_tui.web.server import _import_web
        web = _import_web()
        import aiohttp.connector, ssl
        print(json.dumps({"web": web.__name__, "client_context": type(aiohttp.connector._SSL_CONTEXT_VERIFIED).__name__,
                          "ssl_back": sys.modules["ssl"] is ssl}))
    """)
    assert seen == {"web": "aiohttp.web", "client_context": "SSLContext", "ssl_back": True}
