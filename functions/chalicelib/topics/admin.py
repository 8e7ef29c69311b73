"""Organiser routes for topics: every listed and hidden topic, and hide, show again, choose,
merge a duplicate into another."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import web
from chalicelib.core.organiser_auth import organiser_auth, organiser_email
from chalicelib.topics import forms, moderation

blueprint = Blueprint(__name__)


@blueprint.route("/admin/topics", methods=["GET"], authorizer=organiser_auth)
def list_topics() -> Response:
    return web.json_response(moderation.organiser_topics())


@blueprint.route("/admin/topics/{topic_id}/hide", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
def hide_topic(topic_id: str) -> Response:
    request = blueprint.current_request
    return web.json_response({"topic": moderation.hide_topic(topic_id, organiser_email(request.context))})


@blueprint.route("/admin/topics/{topic_id}/show", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
def show_topic(topic_id: str) -> Response:
    return web.json_response({"topic": moderation.show_topic(topic_id)})


@blueprint.route("/admin/topics/{topic_id}/choice", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
def choose_topic(topic_id: str) -> Response:
    request = blueprint.current_request
    chosen = web.valid(forms.read_choice(web.body(request)))
    return web.json_response(
        {"topic": moderation.choose_topic(topic_id, organiser_email(request.context), chosen=chosen)})


@blueprint.route("/admin/topics/{topic_id}/merge", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
def merge_topic(topic_id: str) -> Response:
    request = blueprint.current_request
    into = web.valid(forms.read_merge(web.body(request)))
    merge = moderation.merge_topics(topic_id, into, organiser_email(request.context))
    return web.json_response({"topic": merge.topic, "moved": merge.moved, "already": merge.already})
