"""clubflow: wires blueprints and middleware into the Chalice app. Nothing else lives here."""

import gc

from chalice import Chalice

from chalicelib.announcements import admin as announcements_admin
from chalicelib.console import assets as console_assets
from chalicelib.console import door as console_door
from chalicelib.console import events as console_events
from chalicelib.console import nominations as console_nominations
from chalicelib.console import organisers as console_organisers
from chalicelib.console import people as console_people
from chalicelib.console import polls as console_polls
from chalicelib.console import report as console_report
from chalicelib.console import signing_in as console_signing_in
from chalicelib.console import slides as console_slides
from chalicelib.console import topics as console_topics
from chalicelib.console import worker as console_worker
from chalicelib.core import health, middleware, organiser_auth, outbox, site, web
from chalicelib.events import admin as events_admin
from chalicelib.events import public as events_public
from chalicelib.nominations import admin as nominations_admin
from chalicelib.nominations import public as nominations_public
from chalicelib.nominations import worker as nominations_worker
from chalicelib.people import admin as people_admin
from chalicelib.polls import admin as polls_admin
from chalicelib.polls import public as polls_public
from chalicelib.polls import worker as polls_worker
from chalicelib.privacy import public as privacy_public
from chalicelib.privacy import worker as privacy_worker
from chalicelib.registration import admin as registration_admin
from chalicelib.registration import answers as registration_answers
from chalicelib.registration import public as registration_public
from chalicelib.registration import worker as registration_worker
from chalicelib.reports import admin as reports_admin
from chalicelib.reports import feedback as reports_feedback
from chalicelib.reports import public as reports_public
from chalicelib.reports import worker as reports_worker
from chalicelib.slides import admin as slides_admin
from chalicelib.slides import public as slides_public
from chalicelib.slides import worker as slides_worker
from chalicelib.subscriptions import admin as subscriptions_admin
from chalicelib.subscriptions import public as subscriptions_public
from chalicelib.subscriptions import worker as subscriptions_worker
from chalicelib.topics import admin as topics_admin
from chalicelib.topics import public as topics_public
from chalicelib.topics import worker as topics_worker

app = Chalice(app_name="clubflow")

app.register_blueprint(organiser_auth.blueprint)
app.register_blueprint(health.blueprint)
app.register_blueprint(site.blueprint)
app.register_blueprint(outbox.blueprint)
app.register_blueprint(events_public.blueprint)
app.register_blueprint(events_admin.blueprint)
app.register_blueprint(registration_public.blueprint)
app.register_blueprint(registration_admin.blueprint)
app.register_blueprint(registration_answers.blueprint)
app.register_blueprint(registration_worker.blueprint)
app.register_blueprint(slides_public.blueprint)
app.register_blueprint(slides_admin.blueprint)
app.register_blueprint(slides_worker.blueprint)
app.register_blueprint(polls_public.blueprint)
app.register_blueprint(polls_admin.blueprint)
app.register_blueprint(polls_worker.blueprint)
app.register_blueprint(reports_public.blueprint)
app.register_blueprint(reports_admin.blueprint)
app.register_blueprint(reports_worker.blueprint)
app.register_blueprint(reports_feedback.blueprint)
app.register_blueprint(nominations_public.blueprint)
app.register_blueprint(nominations_admin.blueprint)
app.register_blueprint(nominations_worker.blueprint)
app.register_blueprint(topics_public.blueprint)
app.register_blueprint(topics_admin.blueprint)
app.register_blueprint(topics_worker.blueprint)
app.register_blueprint(people_admin.blueprint)
app.register_blueprint(privacy_public.blueprint)
app.register_blueprint(privacy_worker.blueprint)
app.register_blueprint(subscriptions_public.blueprint)
app.register_blueprint(subscriptions_worker.blueprint)
app.register_blueprint(subscriptions_admin.blueprint)
app.register_blueprint(announcements_admin.blueprint)
app.register_blueprint(console_signing_in.blueprint)
app.register_blueprint(console_assets.blueprint)
app.register_blueprint(console_polls.blueprint)
app.register_blueprint(console_slides.blueprint)
app.register_blueprint(console_nominations.blueprint)
app.register_blueprint(console_topics.blueprint)
app.register_blueprint(console_report.blueprint)
app.register_blueprint(console_worker.blueprint)
app.register_blueprint(console_events.blueprint)
app.register_blueprint(console_door.blueprint)
app.register_blueprint(console_people.blueprint)
app.register_blueprint(console_organisers.blueprint)

middleware.install(app)
web.answer_refusals(app)

# What the import made lives as long as the process: out of the collector's way, the first
# request (which builds its boto3 client, tens of thousands of objects) is not slowed by
# collections that traverse all of it again (about 30 ms of a cold start measured here).
gc.freeze()
