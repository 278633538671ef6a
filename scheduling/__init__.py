"""Date math: rules to occurrences to reminders, the working-day calendar, the dispatcher."""
