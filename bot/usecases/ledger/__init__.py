"""The ledger (台账) and the calendar feed: every duty with its status, as plain values."""
