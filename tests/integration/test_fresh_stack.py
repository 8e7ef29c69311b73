"""The stack is deployed once per process: each test still starts from it as deployed, empty."""

from __future__ import annotations

import json
from email.message import EmailMessage
from typing import Any

import boto3

from clubflow.dev.resources import Deployed
from tests.conftest import StackInMoto


def _send_email(subject: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "club@example.com", "someone@example.org", subject
    message.set_content("Hello")
    boto3.client("sesv2").send_email(Destination={"ToAddresses": ["someone@example.org"]},
                                     Content={"Raw": {"Data": message.as_bytes()}})


def _leave_everything_behind(deployed: Deployed) -> None:
    """What a careless test could leave: data in every kind of resource, and resources of its own."""
    env = deployed.environment
    boto3.client("dynamodb").put_item(TableName=env["TABLE_NAME"],
                                      Item={"pk": {"S": "LEFT#1"}, "sk": {"S": "OVER"}})
    boto3.client("s3").put_object(Bucket=env["SLIDES_BUCKET"], Key="left/over.pdf", Body=b"%PDF")
    boto3.client("s3").create_multipart_upload(Bucket=env["REPORTS_BUCKET"], Key="half/done")
    for url in deployed.queue_urls.values():
        boto3.client("sqs").send_message(QueueUrl=url, MessageBody=json.dumps({"left": "over"}))
    boto3.client("scheduler").create_schedule(
        Name="left-over", ScheduleExpression="at(2030-01-01T00:00:00)", FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": env["BUS_ARN"], "RoleArn": env["SCHEDULER_ROLE_ARN"]},
    )
    boto3.client("scheduler").create_schedule_group(Name="left-over-group")
    _send_email("Left over")
    boto3.client("sesv2").create_email_identity(EmailIdentity="left-over.example.org")
    boto3.client("sqs").create_queue(QueueName="left-over")
    boto3.client("s3").create_bucket(Bucket="left-over-bucket",
                                     CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    boto3.client("cloudformation").create_stack(StackName="left-over", TemplateBody=json.dumps({
        "Resources": {"Table": {"Type": "AWS::DynamoDB::Table", "Properties": {
            "TableName": "left-over-table", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        }}},
    }))
    boto3.client("dynamodb").create_table(
        TableName="left-over-by-hand", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )


def _items(table: str) -> list[Any]:
    # The test's own look at the table; application code never scans.
    return list(boto3.client("dynamodb").scan(TableName=table)["Items"])


def test_the_next_test_finds_the_stack_as_deployed_and_empty(
    deployed: Deployed, stack_in_moto: StackInMoto, outbox: Any, aws_calls: Any
) -> None:
    # Given a test that left data and resources of its own behind
    _leave_everything_behind(deployed)
    assert outbox.messages()

    # When the next test asks for the stack
    again = stack_in_moto.fresh()

    # Then it is the same stack, with nothing in it and nothing added to it
    env = again.environment
    assert again == deployed
    assert _items(env["TABLE_NAME"]) == []
    s3 = boto3.client("s3")
    for bucket in (env["SLIDES_BUCKET"], env["REPORTS_BUCKET"]):
        assert s3.list_objects_v2(Bucket=bucket).get("KeyCount") == 0
        assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)
    assert "left-over-bucket" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    sqs = boto3.client("sqs")
    for url in deployed.queue_urls.values():
        assert "Messages" not in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)
    assert sorted(sqs.list_queues()["QueueUrls"]) == sorted(deployed.queue_urls.values())
    scheduler = boto3.client("scheduler")
    assert scheduler.list_schedules()["Schedules"] == []
    groups = [g["Name"] for g in scheduler.list_schedule_groups()["ScheduleGroups"]]
    assert sorted(groups) == sorted(["default", env["SCHEDULER_GROUP"]])
    assert outbox.messages() == []
    sesv2 = boto3.client("sesv2")
    assert [i["IdentityName"] for i in sesv2.list_email_identities()["EmailIdentities"]] == ["example.com"]
    stacks = boto3.client("cloudformation").describe_stacks()["Stacks"]
    assert [s["StackName"] for s in stacks] == [deployed.stack_name]
    assert boto3.client("dynamodb").list_tables()["TableNames"] == [env["TABLE_NAME"]]
    # And a mail can be sent again, as the first test could
    _send_email("Again")
    assert [m["subject"] for m in outbox.messages()] == ["Again"]
    aws_calls.calls.clear()  # the scans above are the test's own look at the table


def test_a_stack_lost_to_a_reset_of_moto_is_deployed_again(
    deployed: Deployed, stack_in_moto: StackInMoto, aws_calls: Any
) -> None:
    # Given something reset all of moto (as a test's own, outermost `mock_aws()` does)
    stack_in_moto.mock.reset()
    assert boto3.client("dynamodb").list_tables()["TableNames"] == []

    # When the next test asks for the stack, it is there again, empty
    again = stack_in_moto.fresh()
    assert boto3.client("dynamodb").list_tables()["TableNames"] == [again.environment["TABLE_NAME"]]
    assert _items(again.environment["TABLE_NAME"]) == []
    aws_calls.calls.clear()  # the scan above is the test's own look at the table
