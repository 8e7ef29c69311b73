"""Organisers upload an event's slides with a presigned PUT, list them and remove them; the
bucket never makes a file public."""

from __future__ import annotations

import json
from typing import Any

import boto3
import requests

from tests.integration.slides_steps import (
    PDF,
    ask_upload,
    create_event,
    organiser,
    query,
    upload,
)

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def test_upload_url_binds_content_type_and_size(client: Any, organiser_key: str) -> None:
    # Given an event
    event_id = create_event(client, organiser_key)

    # When the organiser asks to upload a PDF
    response = ask_upload(client, organiser_key, event_id, size=1234)

    # Then a presigned PUT comes back whose signature covers the type and exact size
    assert response.status_code == 201
    body = response.json_body
    assert body["key"].startswith(f"slides/{event_id}/") and body["key"].endswith(".pdf")
    assert body["headers"] == {"Content-Type": "application/pdf", "Content-Length": "1234"}
    params = query(body["upload_url"])
    assert set(params["X-Amz-SignedHeaders"].split(";")) >= {"content-type", "content-length", "host"}
    assert params["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert int(params["X-Amz-Expires"]) <= 3600
    assert "eu-west-2" in params["X-Amz-Credential"]


def test_uploaded_file_is_listed_ready_with_no_downloads(client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)
    file_id = upload(client, organiser_key, event_id)
    pending = ask_upload(client, organiser_key, event_id, filename="Workshop.pptx",
                         content_type=PPTX, size=10).json_body["file_id"]

    listing = client.http.get(f"/admin/events/{event_id}/slides", headers=organiser(organiser_key))

    assert listing.status_code == 200
    files = {f["file_id"]: f for f in listing.json_body["files"]}
    assert files[file_id]["status"] == "ready"
    assert files[file_id]["filename"] == "Communities of Practice.pdf"
    assert files[file_id]["size"] == len(PDF)
    assert files[file_id]["downloads"] == 0 and files[file_id]["downloaded_by"] == []
    assert files[file_id]["uploaded_at"]
    # A URL was handed out but nothing arrived yet
    assert files[pending]["status"] == "pending"
    assert listing.json_body["slide_policy"] == "registered"
    assert listing.json_body["totals"] == {"downloads": 0, "people": 0}


def test_bad_files_are_refused_naming_each_field_and_nothing_is_stored(
    client: Any, organiser_key: str
) -> None:
    event_id = create_event(client, organiser_key)
    cases = [
        ({"filename": "notes.docx", "content_type": "application/msword", "size": 10}, {"filename"}),
        ({"filename": "deck.pdf", "content_type": "image/png", "size": 10}, {"content_type"}),
        ({"filename": "deck.pdf", "content_type": "application/pdf", "size": 101 * 1024 * 1024},
         {"size"}),
        ({"filename": "../../etc/deck.pdf", "content_type": "application/pdf", "size": 0},
         {"filename", "size"}),
        ({"content_type": "application/pdf", "size": "many", "colour": "red"},
         {"filename", "size", "colour"}),
    ]
    for fields, named in cases:
        response = client.http.post(f"/admin/events/{event_id}/slides",
                                    headers=organiser(organiser_key), body=json.dumps(fields))
        assert response.status_code == 400, fields
        assert set(response.json_body["errors"]) == named, response.json_body
    too_big = client.http.post(
        f"/admin/events/{event_id}/slides", headers=organiser(organiser_key),
        body=json.dumps({"filename": "deck.pdf", "content_type": "application/pdf",
                         "size": 101 * 1024 * 1024}),
    )
    assert "100 MB" in too_big.json_body["errors"]["size"]
    listing = client.http.get(f"/admin/events/{event_id}/slides", headers=organiser(organiser_key))
    assert listing.json_body["files"] == []


def test_every_accepted_kind_gets_an_upload_url(client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)
    for filename, content_type in [("a.pdf", "application/pdf"), ("b.PPTX", PPTX),
                                   ("c.key", "application/vnd.apple.keynote"),
                                   ("d.zip", "application/zip")]:
        response = ask_upload(client, organiser_key, event_id, filename=filename,
                              content_type=content_type, size=10)
        assert response.status_code == 201, (filename, response.json_body)


def test_removed_file_is_gone_from_list_and_bucket(client: Any, organiser_key: str,
                                                   deployed: Any) -> None:
    event_id = create_event(client, organiser_key)
    file_id = upload(client, organiser_key, event_id)

    removed = client.http.delete(f"/admin/events/{event_id}/slides/{file_id}",
                                 headers=organiser(organiser_key))

    assert removed.status_code == 200
    listing = client.http.get(f"/admin/events/{event_id}/slides", headers=organiser(organiser_key))
    assert listing.json_body["files"] == []
    objects = boto3.client("s3").list_objects_v2(Bucket=deployed.environment["SLIDES_BUCKET"])
    assert objects.get("KeyCount", 0) == 0
    again = client.http.delete(f"/admin/events/{event_id}/slides/{file_id}",
                               headers=organiser(organiser_key))
    assert again.status_code == 404


def test_slide_routes_need_an_organiser_and_a_real_event(client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)
    assert client.http.post(f"/admin/events/{event_id}/slides", body="{}").status_code == 401
    assert client.http.get(f"/admin/events/{event_id}/slides",
                           headers={"Authorization": "Bearer cfk_wrong"}).status_code == 403
    assert ask_upload(client, organiser_key, "no-such-event").status_code == 404
    assert client.http.get("/admin/events/no-such-event/slides",
                           headers=organiser(organiser_key)).status_code == 404


def test_no_slide_is_ever_public(client: Any, organiser_key: str, deployed: Any) -> None:
    # Given an uploaded file
    event_id = create_event(client, organiser_key)
    upload(client, organiser_key, event_id)
    s3 = boto3.client("s3")
    bucket = deployed.environment["SLIDES_BUCKET"]

    # Then public access is blocked, ACLs are switched off and nobody is granted anything
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                     "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    public_groups = ("AllUsers", "AuthenticatedUsers")
    for grant in s3.get_bucket_acl(Bucket=bucket)["Grants"]:
        assert not any(group in grant["Grantee"].get("URI", "") for group in public_groups)
    for item in s3.list_objects_v2(Bucket=bucket)["Contents"]:
        for grant in s3.get_object_acl(Bucket=bucket, Key=item["Key"])["Grants"]:
            assert not any(group in grant["Grantee"].get("URI", "") for group in public_groups)

    # And the deployed bucket policy allows no one and refuses anything not over TLS 1.2+
    # (moto cannot hold it: its evaluator treats a conditional Deny as unconditional)
    from clubflow.dev import template

    resources = template.load()["Resources"]
    policies = [spec["Properties"] for spec in resources.values()
                if spec.get("Type") == "AWS::S3::BucketPolicy"
                and spec["Properties"]["Bucket"] == {"Ref": "SlidesBucket"}]
    assert len(policies) == 1
    statements = policies[0]["PolicyDocument"]["Statement"]
    assert all(statement["Effect"] == "Deny" for statement in statements)
    conditions = [statement["Condition"] for statement in statements]
    assert {"Bool": {"aws:SecureTransport": "false"}} in conditions
    assert {"NumericLessThan": {"s3:TlsVersion": "1.2"}} in conditions
    for statement in statements:
        assert statement["Action"] == "s3:*"
        assert {"Fn::Sub": "${SlidesBucket.Arn}/*"} in statement["Resource"]

def test_presigned_put_delivers_the_exact_bytes(client: Any, organiser_key: str,
                                                deployed: Any) -> None:
    event_id = create_event(client, organiser_key)
    answer = ask_upload(client, organiser_key, event_id).json_body

    put = requests.put(answer["upload_url"], data=PDF, headers=answer["headers"], timeout=10)

    assert put.status_code == 200
    stored = boto3.client("s3").get_object(Bucket=deployed.environment["SLIDES_BUCKET"],
                                           Key=answer["key"])
    assert stored["Body"].read() == PDF
    assert stored["ContentType"] == "application/pdf"
