"""Polls: organisers ask attendees single-choice, multiple-choice and rating questions after an
event; each attendee answers once per poll through a personal emailed link."""
