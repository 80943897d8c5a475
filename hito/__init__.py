"""Hito: a shared, sovereign, auditable operational picture for the Chile–Peru border."""

__version__ = "0.1.0"
