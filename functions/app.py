"""clubflow: wires blueprints and middleware into the Chalice app. Nothing else lives here."""

from chalice import Chalice

from chalicelib.core import health, middleware, organiser_auth
from chalicelib.events import admin as events_admin
from chalicelib.events import public as events_public

app = Chalice(app_name="clubflow")

app.register_blueprint(organiser_auth.blueprint)
app.register_blueprint(health.blueprint)
app.register_blueprint(events_public.blueprint)
app.register_blueprint(events_admin.blueprint)

middleware.install(app)
