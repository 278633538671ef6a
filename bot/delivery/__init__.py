"""The bot's side of delivery: the messages the outbox dispatcher sends, in each reader's
language (the `MessageComposer` port of `scheduling.delivery.ports`: reminder entries, notices,
digests), and the dispatcher wired with them (`dispatcher`).
"""
