"""The API docs work with no internet: Swagger UI and ReDoc come from the installation."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def _asset_urls(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)


def test_swagger_ui_loads_only_local_assets(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    urls = _asset_urls(page.text)
    assert urls and all(u.startswith("/docs-assets/") for u in urls), urls
    assert "cdn" not in page.text.lower()
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 1000, url
    assert "/openapi.json" in page.text


def test_redoc_loads_only_local_assets_and_no_web_fonts(client: TestClient) -> None:
    page = client.get("/redoc")
    assert page.status_code == 200
    urls = _asset_urls(page.text)
    assert urls and all(u.startswith("/docs-assets/") for u in urls), urls
    assert "fonts.googleapis" not in page.text
    assert client.get("/docs-assets/redoc.standalone.js").status_code == 200


def test_the_root_leads_to_the_docs(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/docs"
