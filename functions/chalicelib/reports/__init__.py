"""Summary reports: the organisers' editorial sections and the web version (content.py), report
runs that build the report once and fan out in batches (runs.py), and each batch's emails, once
per person (delivery.py, which also exports and erases a person's report data).

A report goes by email only to confirmed registrants who consented and are not suppressed, with
a one-click unsubscribe, and never twice to one person in one run.
"""
