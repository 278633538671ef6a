"""Telegram glue only: parse an update, call a use case, render a reply."""
