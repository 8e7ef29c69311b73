"""Create the AWS resources of stacks/app.yaml in moto, exactly as production declares them.

Lambda functions (Chalice's part of the template) are left out: locally the same handler
functions are called in-process by the event pump. What moto's CloudFormation skips or ignores
(TTL, queue policies) is applied here by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import boto3

from clubflow.dev import template

_SKIPPED_PREFIXES = ("AWS::Serverless::", "AWS::Lambda::")
# Types moto's CloudFormation does not create; made by hand below.
_BY_HAND = ("AWS::SES::ConfigurationSet", "AWS::Scheduler::ScheduleGroup", "AWS::SecretsManager::Secret")


@dataclass(frozen=True)
class Deployed:
    stack_name: str
    environment: dict[str, str]  # what every function sees (Globals.Function.Environment)
    physical: dict[str, str]  # logical id -> physical id
    queue_urls: dict[str, str]  # logical id -> queue URL
    consumers: dict[str, str]  # Chalice function name (CamelCase resource) -> queue logical id


def _local_template(full: dict[str, Any], by_hand: dict[str, str]) -> dict[str, Any]:
    resources = {
        name: _named(spec, by_hand)
        for name, spec in full.get("Resources", {}).items()
        if "Type" in spec
        and not spec["Type"].startswith(_SKIPPED_PREFIXES)
        and spec["Type"] not in _BY_HAND
    }
    variables = full.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    # Each global variable becomes an output, so CloudFormation resolves it for us.
    outputs = {
        f"Env{i}": {"Value": value}
        for i, value in enumerate(variables.values())
        if not (isinstance(value, dict) and value.get("Ref") in full["Resources"]
                and value["Ref"] not in resources)
    }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        # Parameters keep their defaults; conditions are evaluated by moto as CloudFormation would.
        "Parameters": full.get("Parameters", {}),
        "Conditions": full.get("Conditions", {}),
        "Resources": resources,
        "Outputs": outputs,
    }


def _named(value: Any, by_hand: dict[str, str]) -> Any:
    """`value` with each Ref to a resource made by hand replaced by its name (moto cannot resolve it)."""
    if isinstance(value, dict):
        if set(value) == {"Ref"} and value["Ref"] in by_hand:
            return by_hand[value["Ref"]]
        return {key: _named(item, by_hand) for key, item in value.items()}
    if isinstance(value, list):
        return [_named(item, by_hand) for item in value]
    return value


def consumers(full: dict[str, Any]) -> dict[str, str]:
    """Map each SQS-consuming function's resource name to the queue it reads, from the template."""
    found: dict[str, str] = {}
    for name, spec in full.get("Resources", {}).items():
        for event in (spec.get("Properties", {}).get("Events") or {}).values():
            queue = (event.get("Properties") or {}).get("Queue")
            if isinstance(queue, dict) and "Fn::GetAtt" in queue:
                found[name] = queue["Fn::GetAtt"][0]
    return found


def deploy(stack_name: str = "clubflow-local", region: str = "eu-west-2") -> Deployed:
    full = template.load()
    by_hand = _create_by_hand(full, stack_name, region)
    local = _local_template(full, by_hand)
    cloudformation = boto3.client("cloudformation", region_name=region)
    cloudformation.create_stack(StackName=stack_name, TemplateBody=json.dumps(local),
                                Capabilities=["CAPABILITY_IAM"])
    deployed = _describe(full, by_hand, stack_name, region)
    _apply_ttl(full, deployed.physical, region)
    _apply_bucket_protection(full, deployed.physical, region)
    return deployed


def existing(stack_name: str = "clubflow-local", region: str = "eu-west-2") -> Deployed:
    """The stack an earlier `deploy` made (restored from the local stack's state), as deployed;
    a secret added to the template since that state was saved is made now."""
    full = template.load()
    by_hand = _by_hand_names(full, stack_name)
    _create_missing_secrets(full, by_hand, region)
    return _describe(full, by_hand, stack_name, region)


def _describe(full: dict[str, Any], by_hand: dict[str, str], stack_name: str, region: str) -> Deployed:
    cloudformation = boto3.client("cloudformation", region_name=region)
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    if stack["StackStatus"] != "CREATE_COMPLETE":
        raise RuntimeError(f"local stack {stack_name} is {stack['StackStatus']}")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    variables = full.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    environment = {
        name: outputs[f"Env{i}"] if f"Env{i}" in outputs else by_hand[value["Ref"]]
        for i, (name, value) in enumerate(variables.items())
    }

    physical: dict[str, str] = {}
    types: dict[str, str] = {}
    paginator = cloudformation.get_paginator("list_stack_resources")
    for page in paginator.paginate(StackName=stack_name):
        for resource in page["StackResourceSummaries"]:
            physical[resource["LogicalResourceId"]] = resource["PhysicalResourceId"]
            types[resource["LogicalResourceId"]] = resource["ResourceType"]

    sqs = boto3.client("sqs", region_name=region)
    queue_urls = {}
    for logical, kind in types.items():
        if kind == "AWS::SQS::Queue":
            value = physical[logical]
            queue_urls[logical] = value if value.startswith("http") else sqs.get_queue_url(QueueName=value)["QueueUrl"]

    return Deployed(stack_name, environment, physical, queue_urls, consumers(full))


def _by_hand_names(full: dict[str, Any], stack_name: str) -> dict[str, str]:
    return {logical: f"{stack_name}-{logical}" for logical, spec in full["Resources"].items()
            if spec.get("Type") in _BY_HAND}


def _create_by_hand(full: dict[str, Any], stack_name: str, region: str) -> dict[str, str]:
    made = _by_hand_names(full, stack_name)
    sesv2 = boto3.client("sesv2", region_name=region)
    scheduler = boto3.client("scheduler", region_name=region)
    for logical, name in made.items():
        kind = full["Resources"][logical]["Type"]
        if kind == "AWS::SES::ConfigurationSet":
            sesv2.create_configuration_set(ConfigurationSetName=name)
        elif kind == "AWS::Scheduler::ScheduleGroup":
            scheduler.create_schedule_group(Name=name)
    _create_missing_secrets(full, made, region)
    return made


def _create_missing_secrets(full: dict[str, Any], made: dict[str, str], region: str) -> None:
    """Each secret of the template, generated as its GenerateSecretString asks, unless it exists:
    kept with the rest of the local state, so hashes keyed by it stay the same across restarts."""
    import secrets
    import string

    client = boto3.client("secretsmanager", region_name=region)
    for logical, name in made.items():
        spec = full["Resources"][logical]
        if spec["Type"] != "AWS::SecretsManager::Secret":
            continue
        try:
            client.describe_secret(SecretId=name)
            continue
        except client.exceptions.ResourceNotFoundException:
            pass
        length = int(spec["Properties"].get("GenerateSecretString", {}).get("PasswordLength", 32))
        alphabet = string.ascii_letters + string.digits
        client.create_secret(Name=name, Description=str(spec["Properties"].get("Description", "")),
                             SecretString="".join(secrets.choice(alphabet) for _ in range(length)))


def _apply_ttl(full: dict[str, Any], physical: dict[str, str], region: str) -> None:
    # moto's CloudFormation ignores TimeToLiveSpecification.
    dynamodb = boto3.client("dynamodb", region_name=region)
    for logical, spec in full["Resources"].items():
        ttl = spec.get("Properties", {}).get("TimeToLiveSpecification") if "Type" in spec else None
        if ttl and logical in physical:
            dynamodb.update_time_to_live(
                TableName=physical[logical],
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
            )


def _apply_bucket_protection(full: dict[str, Any], physical: dict[str, str], region: str) -> None:
    # moto's CloudFormation ignores a bucket's public access block and ownership controls: apply
    # them so local buckets are as closed as production's. Bucket policies are left out: moto's
    # evaluator treats a Deny whose condition does not match as a plain Deny.
    s3 = boto3.client("s3", region_name=region)
    for logical, spec in full["Resources"].items():
        properties = spec.get("Properties", {})
        if spec.get("Type") != "AWS::S3::Bucket" or logical not in physical:
            continue
        if "PublicAccessBlockConfiguration" in properties:
            s3.put_public_access_block(
                Bucket=physical[logical],
                PublicAccessBlockConfiguration=properties["PublicAccessBlockConfiguration"],
            )
        if "OwnershipControls" in properties:
            s3.put_bucket_ownership_controls(
                Bucket=physical[logical], OwnershipControls=properties["OwnershipControls"]
            )
        if "CorsConfiguration" in properties:
            # The console uploads slides from the browser straight to the bucket.
            s3.put_bucket_cors(Bucket=physical[logical], CORSConfiguration={
                "CORSRules": [_cors_rule(rule) for rule in properties["CorsConfiguration"]["CorsRules"]]})


def _cors_rule(rule: dict[str, Any]) -> Any:
    """A CloudFormation CORS rule in the S3 API's words (MaxAge is MaxAgeSeconds there)."""
    names = {"MaxAge": "MaxAgeSeconds", "ExposedHeaders": "ExposeHeaders"}
    return {names.get(name, name): value for name, value in rule.items()}
