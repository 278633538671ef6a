"""Babel message catalogs (zh_CN default, en). The .po files are read at start-up."""

from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent
DOMAIN = "messages"
