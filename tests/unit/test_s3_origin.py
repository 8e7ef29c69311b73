"""The slide link page names where its Download button's redirect goes (its CSP form-action)
without building an S3 client; the origin it names is the one botocore presigns for."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from chalicelib.core import aws

REGIONS = ("eu-west-2", "us-east-1", "eu-central-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1")
BUCKETS = ("clubflow-prod-slidesbucket-1a2b3c4d", "slides.example.com")


def _presigned_origin(bucket: str) -> str:
    url = aws.s3().generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "slides/x.pdf"},
                                          ExpiresIn=60)
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture(autouse=True)
def fresh_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    aws.reset()


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("bucket", BUCKETS)
def test_the_origin_is_where_botocore_presigns(monkeypatch: pytest.MonkeyPatch, region: str,
                                               bucket: str) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", region)

    try:
        assert aws.s3_origin(bucket) == _presigned_origin(bucket)
    finally:
        aws.reset()


def test_a_local_endpoint_is_its_own_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5123")

    try:
        assert aws.s3_origin(BUCKETS[0]) == _presigned_origin(BUCKETS[0]) == "http://127.0.0.1:5123"
    finally:
        aws.reset()
