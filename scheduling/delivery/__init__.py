"""Delivery: the outbox, the dispatcher that sends what is due, pacing to Telegram's limits,
and the ports it sends and composes through (implemented above, in `bot/` and `handlers/`).
"""
