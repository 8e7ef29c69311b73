"""The organisers' console: the programme run from a browser, signed in by an emailed link.

Thin routes and templates only: every action calls the same service functions as the /admin
API. `pages` is how a console page is written; `sessions` signs organisers in and out.
"""
