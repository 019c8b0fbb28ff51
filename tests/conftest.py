from __future__ import annotations

import pytest

from depesche.newsroom.services import SiteTree, site_setup


@pytest.fixture
def site_tree(db) -> SiteTree:
    """Home page, the five sections and the legal pages, as `depesche setup-site` makes them."""
    return site_setup(site_name="Depesche")
