"""Slides: organisers upload each event's files; people ask for them by email and download
them through expiring, counted links."""
