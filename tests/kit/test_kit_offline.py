"""The offline kit, lean (issue 16): a kit for this machine's platform and Python only
(wheels from pip's cache where it has them), installed with the network cut off.

``make kit`` builds and tests the full kit for every platform; this keeps its
scripts honest in ``make test`` at the cost of one platform. When no network
namespace can be made the proof is weaker (a dead proxy), and the test says so
with a warning rather than passing quietly.
"""

import subprocess
import sys
import warnings

import pytest

from .kit_loader import ROOT

pytestmark = pytest.mark.slow


def test_a_kit_for_this_machine_installs_and_runs_with_no_network(tmp_path):
    build = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "kit.py"), "--targets", "host", "--pythons", "host",
         "--out", str(tmp_path / "kit"), "--zip", str(tmp_path / "kit.zip")],
        capture_output=True, text=True, timeout=1200)
    assert build.returncode == 0, build.stdout + build.stderr
    assert "Linux" in build.stdout and "MB to install on it" in build.stdout

    test = subprocess.run([sys.executable, str(ROOT / "scripts" / "kit_offline_test.py"), str(tmp_path / "kit.zip")],
                          capture_output=True, text=True, timeout=1800)
    out = test.stdout + test.stderr
    print(out)
    assert test.returncode == 0, out
    assert "kit-test: PASSED" in out
    assert "the home screen showed" in out
    if "network namespace: no network at all" in out:
        assert out.count("both download attempts failed") == 2, out
    else:
        assert out.count("pip's download failed (fallback") == 2, out
        warnings.warn("offline kit test: no network namespace could be made here; it proved the install with a "
                      "dead proxy and --no-index only (see its output)", stacklevel=1)
