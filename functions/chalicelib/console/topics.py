"""Console page for the topic list: hide a topic, show it again, mark it chosen, merge a
duplicate into another topic (topics/moderation.py does each, as for the /admin routes)."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.console import pages
from chalicelib.core import web
from chalicelib.topics import forms, moderation

blueprint = Blueprint(__name__)
PAGE = "/console/topics"


@pages.route(blueprint, PAGE)
def topics(console: pages.Console) -> Response:
    held = moderation.organiser_topics()
    return console.page("console/topics.html", listed=held["listed"], hidden=held["hidden"])


@pages.route(blueprint, "/console/topics/{topic_id}/hide", methods=["POST"])
def hide(console: pages.Console, topic_id: str) -> Response:
    topic = moderation.hide_topic(topic_id, console.organiser)
    return console.redirect(PAGE, flash=f"Hidden from the public list: {topic['title']}")


@pages.route(blueprint, "/console/topics/{topic_id}/show", methods=["POST"])
def show(console: pages.Console, topic_id: str) -> Response:
    topic = moderation.show_topic(topic_id)
    return console.redirect(PAGE, flash=f"Back on the public list: {topic['title']}")


@pages.route(blueprint, "/console/topics/{topic_id}/choice", methods=["POST"])
def choose(console: pages.Console, topic_id: str) -> Response:
    chosen = web.valid(forms.read_choice(console.form))
    topic = moderation.choose_topic(topic_id, console.organiser, chosen=chosen)
    return console.redirect(PAGE, flash=f"{'Marked' if chosen else 'No longer marked'} as chosen: {topic['title']}")


@pages.route(blueprint, "/console/topics/{topic_id}/merge", methods=["POST"])
def merge(console: pages.Console, topic_id: str) -> Response:
    into = web.valid(forms.read_merge(console.form))
    merged = moderation.merge_topics(topic_id, into, console.organiser)
    return console.redirect(PAGE, flash=f"Merged into “{merged.topic['title']}”: {merged.moved} vote"
                                        f"{'s' if merged.moved != 1 else ''} moved, {merged.already} already there; "
                                        f"it now has {merged.topic['votes']}.")
