"""User-facing text: reminders, duty cards, status tables, digests. Plain values in, text out."""
