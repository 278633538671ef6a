"""Invites: deep-link tokens that bind a Telegram user to a role."""
