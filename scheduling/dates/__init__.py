"""Date math: what a rule means in time. Occurrences and periods, China's working days,
the statutory calendar, when to remind, and the words that name dates and periods.
"""
