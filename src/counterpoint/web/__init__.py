"""The web app and JSON API over a store (``counterpoint serve``); read-only."""

from counterpoint.web.app import create_app, serve

__all__ = ["create_app", "serve"]
