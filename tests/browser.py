"""What the browser tests share: Debian's Chromium as Playwright launches it here, signing in
through the login form, and screenshots kept when `var/` exists (`make run` makes it)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.nodes import PASSWORD

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"  # Playwright cannot download its own browser here
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TABLET = {"width": 1024, "height": 768}


def sign_in(page: Page, base: str, username: str) -> None:
    """Through the login form, in Spanish, as a test node's user."""
    page.goto(f"{base}/login?lang=es")
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Ingresar").click()
    expect(page.get_by_role("heading", name="Eventos")).to_be_visible()


def screenshot(page: Page, name: str) -> None:
    if (ROOT / "var").is_dir():
        page.screenshot(path=str(ROOT / "var" / name), full_page=True)
