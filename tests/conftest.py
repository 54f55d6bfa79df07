"""Fixtures shared by the whole suite."""

from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def seeds_dir() -> Path:
    return Path(settings.SEEDS_DIR)


@pytest.fixture
def reuters_dir() -> Path:
    path = Path(settings.SHARED_DIR) / "datasets" / "reuters21578"
    if not path.is_dir():
        pytest.skip("Reuters-21578 is not beside the project (../shared/datasets/reuters21578)")
    return path
