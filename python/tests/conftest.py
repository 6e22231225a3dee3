"""Shared fixtures: the original musil's example files, from its source distribution.

The examples are not copied into this repository: the first test that needs them downloads the
sdist of musil 0.36.7 with pip (the only way the registry mirror serves it), checks its SHA-256
and unpacks it under the workspace's ``target/python-tests``. Set ``MUSIL_ORIGINAL_SDIST`` to a
directory holding an unpacked ``musil-0.36.7`` to skip the download."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

VERSION = "0.36.7"
SHA256 = "7326d845f72f67c80f3e51659108fed5f56daad1c562399d144c2d92c2a10b13"
ROOT = Path(__file__).resolve().parents[2]


def _unpacked() -> Path:
    given = os.environ.get("MUSIL_ORIGINAL_SDIST")
    if given:
        return Path(given) / f"musil-{VERSION}"
    cache = ROOT / "target" / "python-tests"
    tree = cache / f"musil-{VERSION}"
    if (tree / "examples").is_dir():
        return tree
    cache.mkdir(parents=True, exist_ok=True)
    archive = cache / f"musil-{VERSION}.tar.gz"
    if not archive.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
             "--ignore-requires-python", f"musil=={VERSION}", "-d", str(cache)],
            check=True,
        )
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != SHA256:
        archive.unlink()
        raise RuntimeError(f"musil-{VERSION}.tar.gz has SHA-256 {digest}, expected {SHA256}")
    with tarfile.open(archive) as tar:
        tar.extractall(cache, filter="data")
    return tree


@pytest.fixture(scope="session")
def original_examples() -> Path:
    """The directory of the original's example files."""
    return _unpacked() / "examples"
