"""dutybot: reminds government units' liaisons of their rule-of-law duties."""

__version__ = "0.1.0"
