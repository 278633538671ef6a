"""Planning: rules to occurrences to assignments to reminder rows, the daily run, statutory
duties, events that start a deadline, and the simulation of what would be sent.
"""
