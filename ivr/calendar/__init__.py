"""The line's calendar in the staff area (admins): closures and extra opening days.

forms.py reads what an admin typed (dates and times in the ways people write them);
views.py is the page, its changes and their audit entries. The days are kept by
ivr.calendar_store and heard by every server within IVR_CALENDAR_CACHE_SECONDS.
"""
