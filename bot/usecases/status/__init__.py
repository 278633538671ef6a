"""Status: what a liaison reports about a duty and the dialogue that asks for it, and what
/status and the board show of it (`overview`, `board`)."""
