"""Pure clinical rules: regimens, dosing, calendar, CTCAE grading, dose holds, response, models.

Nothing here touches a database, a file or a clock, and nothing imports numpy or Django.
"""
