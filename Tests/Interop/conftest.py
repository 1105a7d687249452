"""Fixtures of the interoperability suite: the Fabric releases Scripts/interop.sh found, and the
end-to-end harness (a `charter server` on loopback) reused from Tests/EndToEnd."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "EndToEnd"))

from fabric import Fabric  # noqa: E402


def release(variable):
    folder = os.environ.get(variable)
    if not folder or not os.path.isdir(folder):
        pytest.skip(f"{variable} names no Fabric release (Scripts/interop.sh finds them)")
    return Fabric(folder)


@pytest.fixture(scope="session")
def fabric25():
    return release("FABRIC_2_5")


@pytest.fixture(scope="session")
def fabric31():
    return release("FABRIC_3_1")


@pytest.fixture(scope="session")
def fabric_ca():
    folder = os.environ.get("FABRIC_CA")
    if not folder or not os.path.isdir(folder):
        pytest.skip("FABRIC_CA names no fabric-ca release (Scripts/interop.sh finds it)")
    return os.path.join(folder, "bin")
