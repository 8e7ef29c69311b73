"""`clubflow package` output is deployable: a lint-clean SAM template and a self-contained zip.

Builds each stage once for the module (Chalice fetches the Lambda wheels from PyPI the first
time; later builds reuse build/package), then inspects what `sam deploy` would ship.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest

from clubflow import package, transform
from clubflow.cli import CommandError
from clubflow.package import Package

MAX_AUTHORIZER_CACHE_SECONDS = 60
TOOLING = {"moto", "pytest", "_pytest", "playwright", "clubflow", "tests", "cfnlint"}


# What a deployer puts in config.json for production (the checkout holds example.com placeholders).
PROD_SETTINGS = {"PUBLIC_BASE_URL": "https://club.clubflow.test", "MAIL_FROM": "Club <club@club.clubflow.test>",
                 "MAIL_REPLY_TO": "Organisers <organisers@club.clubflow.test>"}


@pytest.fixture(scope="module", params=package.STAGES)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Package:
    settings = PROD_SETTINGS if request.param == "prod" else {}
    return package.build(tmp_path_factory.mktemp("package") / request.param, stage=request.param, settings=settings)


@pytest.fixture(scope="module")
def template(built: Package) -> dict[str, Any]:
    return package.load_template(built.template)


@pytest.fixture(scope="module")
def zip_names(built: Package) -> set[str]:
    with zipfile.ZipFile(built.zip_path) as bundle:
        return set(bundle.namelist())


def resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: spec for name, spec in template["Resources"].items() if spec.get("Type") == kind}


def sqs_events(function: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, event in (function["Properties"].get("Events") or {}).items():
        if event.get("Type") == "SQS":
            yield name, event["Properties"]


def statements(template: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every IAM statement in the template: role policies, managed policies, resource policies."""
    for name, spec in template["Resources"].items():
        props = spec.get("Properties", {})
        documents = [policy["PolicyDocument"] for policy in props.get("Policies") or []]
        if "PolicyDocument" in props:
            documents.append(props["PolicyDocument"])
        for document in documents:
            found = document["Statement"]
            for statement in found if isinstance(found, list) else [found]:
                yield name, statement


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_template_passes_cfn_lint(built: Package) -> None:
    from cfnlint.api import lint_file

    problems = lint_file(built.template)

    assert not problems, "\n".join(str(problem) for problem in problems)


def test_the_cloudformation_sam_makes_of_it_passes_cfn_lint(template: dict[str, Any], tmp_path: Path) -> None:
    # What CloudFormation really creates: SAM's stage, mappings and permissions, stacks/ merged in.
    cloudformation = transform.to_cloudformation(template)

    problems = transform.lint(cloudformation, tmp_path / "cloudformation.json")

    assert problems == []
    assert "AWS::ApiGateway::Stage" in {spec["Type"] for spec in cloudformation["Resources"].values()}


def test_people_s_data_outlives_the_stack(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    for name in ("Table", "SlidesBucket", "ReportsBucket"):
        assert resources[name].get("DeletionPolicy") == "Retain", f"deleting the stack would delete {name}"
        assert resources[name].get("UpdateReplacePolicy") == "Retain", f"a replacement would delete {name}"
    table = resources["Table"]["Properties"]
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    slides = resources["SlidesBucket"]["Properties"]
    assert slides["VersioningConfiguration"] == {"Status": "Enabled"}
    assert slides["LifecycleConfiguration"]["Rules"][0]["NoncurrentVersionExpiration"]["NoncurrentDays"] >= 30


def test_every_rule_target_keeps_what_it_cannot_deliver(template: dict[str, Any]) -> None:
    queues = resources_of(template, "AWS::SQS::Queue")
    rules = resources_of(template, "AWS::Events::Rule")
    assert rules
    for name, rule in rules.items():
        for target in rule["Properties"]["Targets"]:
            dead_letter = target.get("DeadLetterConfig", {}).get("Arn", {}).get("Fn::GetAtt", [None])[0]
            assert dead_letter in queues, f"{name}'s target {target['Id']} drops events it cannot deliver"
            allowed = [statement["Condition"]["ArnEquals"]["aws:SourceArn"]
                       for _, statement in statements(template)
                       if statement.get("Resource") == {"Fn::GetAtt": [dead_letter, "Arn"]}
                       and statement.get("Principal") == {"Service": "events.amazonaws.com"}]
            assert any({"Fn::GetAtt": [name, "Arn"]} in as_list(sources) for sources in allowed), (
                f"{dead_letter}'s queue policy does not let {name} dead-letter into it"
            )


def test_schedules_live_in_the_stack_s_group_and_only_this_account_may_use_the_role(
    template: dict[str, Any],
) -> None:
    resources = template["Resources"]
    assert resources["ScheduleGroup"]["Type"] == "AWS::Scheduler::ScheduleGroup"
    assert template["Globals"]["Function"]["Environment"]["Variables"]["SCHEDULER_GROUP"] == {"Ref": "ScheduleGroup"}
    for holder, statement in statements(template):
        if any(str(action).startswith("scheduler:") for action in as_list(statement["Action"])):
            assert "${ScheduleGroup}" in statement["Resource"]["Fn::Sub"], f"{holder} reaches other groups"
    (trust,) = resources["SchedulerRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}


def test_every_alarm_notifies_the_alarm_topic_and_an_email_can_subscribe(template: dict[str, Any]) -> None:
    alarms = resources_of(template, "AWS::CloudWatch::Alarm")
    metrics = {(alarm["Properties"]["Namespace"], alarm["Properties"]["MetricName"]) for alarm in alarms.values()}

    for name, alarm in alarms.items():
        assert alarm["Properties"].get("AlarmActions") == [{"Ref": "AlarmTopic"}], f"{name} notifies nobody"
    assert {("AWS/ApiGateway", "5XXError"), ("AWS/ApiGateway", "Latency"), ("AWS/SES", "Reputation.BounceRate"),
            ("AWS/SES", "Reputation.ComplaintRate")} <= metrics
    dead_letter_queues = {alarm["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
                          for alarm in alarms.values() if alarm["Properties"]["Namespace"] == "AWS/SQS"}
    assert {name for name in resources_of(template, "AWS::SQS::Queue") if "DeadLetter" in name} == dead_letter_queues
    subscription = template["Resources"]["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}


def test_production_is_not_packaged_with_placeholder_settings(tmp_path: Path) -> None:
    placeholders = r"MAIL_FROM, MAIL_REPLY_TO, PUBLIC_BASE_URL still hold example\.com placeholders"
    with pytest.raises(CommandError, match=placeholders):
        package.build(tmp_path / "prod", stage="prod")
    with pytest.raises(CommandError, match=r"^MAIL_FROM still"):
        package.build(tmp_path / "prod", stage="prod", settings={"PUBLIC_BASE_URL": "https://club.clubflow.test",
                                                                   "MAIL_REPLY_TO": "o@club.clubflow.test"})
    assert not (tmp_path / "prod" / "sam.yaml").exists()


def test_given_settings_reach_every_function(built: Package, template: dict[str, Any]) -> None:
    for name, function in resources_of(template, "AWS::Serverless::Function").items():
        variables = function["Properties"]["Environment"]["Variables"]
        if built.stage == "prod":
            assert {key: variables[key] for key in PROD_SETTINGS} == PROD_SETTINGS, name
    assert (built.stage == "prod") is not bool(built.warnings)


def test_the_mail_domain_gets_an_identity_with_dkim_and_its_dns_records_are_listed(
    template: dict[str, Any],
) -> None:
    identity = template["Resources"]["MailIdentity"]
    assert identity["Condition"] == "HasMailDomain"
    props = identity["Properties"]
    assert props["EmailIdentity"] == {"Ref": "MailDomain"}
    assert props["DkimAttributes"] == {"SigningEnabled": True}
    assert props["MailFromAttributes"]["MailFromDomain"] == {"Fn::Sub": "bounce.${MailDomain}"}
    assert props["ConfigurationSetAttributes"] == {"ConfigurationSetName": {"Ref": "MailConfigurationSet"}}
    records = [str(output["Value"]["Fn::Sub"]) for name, output in template["Outputs"].items()
               if name.startswith("Mail")]
    kinds = sorted(record.split()[0] for record in records)
    assert kinds == ["CNAME", "CNAME", "CNAME", "MX", "TXT", "TXT"]
    assert any("v=spf1 include:amazonses.com" in record for record in records)
    assert any(record.startswith("TXT _dmarc.${MailDomain}") for record in records)
    for name in ("DkimDNSTokenName", "DkimDNSTokenValue"):
        assert all(any(f"MailIdentity.{name}{i}" in record for record in records) for i in (1, 2, 3))


def test_zip_holds_the_app_and_its_templates(zip_names: set[str]) -> None:
    assert {"app.py", "chalicelib/__init__.py", "chalicelib/templates/pages/event.html"} <= zip_names
    assert any(name.startswith("jinja2/") for name in zip_names)
    assert any(name.startswith("icalendar/") for name in zip_names)


def test_zip_holds_no_tooling_tests_or_runtime_provided_sdk(zip_names: set[str]) -> None:
    tops = {name.split("/", 1)[0].removesuffix(".py") for name in zip_names}
    dists = {top.split("-", 1)[0].lower() for top in tops if top.endswith(".dist-info")}

    assert not (tops | dists) & TOOLING
    # The Lambda runtime's boto3 must meet a matching botocore, not one bundled by a dependency.
    assert not (tops | dists) & {"boto3", "botocore"}


def test_every_handler_is_in_the_zip(template: dict[str, Any], zip_names: set[str]) -> None:
    for name, function in resources_of(template, "AWS::Serverless::Function").items():
        module = function["Properties"]["Handler"].rsplit(".", 1)[0].replace(".", "/")
        assert f"{module}.py" in zip_names, f"{name}'s handler module {module}.py is not bundled"


def _run_as_lambda(built: Package, tmp_path: Path, probe: str) -> subprocess.CompletedProcess[str]:
    """Run `probe` on the unpacked zip with only what the Lambda runtime adds to it."""
    unpacked = tmp_path / "task"
    with zipfile.ZipFile(built.zip_path) as bundle:
        bundle.extractall(unpacked)
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    for module in ("boto3", "botocore", "s3transfer", "urllib3", "dateutil", "six", "jmespath"):
        spec = find_spec(module)
        assert spec is not None and spec.origin is not None
        source = Path(spec.origin)
        source = source.parent if source.name == "__init__.py" else source
        (runtime / source.name).symlink_to(source)
    # The runtime's own Python (the zip's wheels and bytecode are for it), with -I -S: no
    # site-packages, no PYTHONPATH; only the zip and the runtime's SDK, as in Lambda.
    interpreter = package.runtime_python(built.runtime)
    if interpreter is None:
        pytest.skip(f"no {built.runtime} on this machine to run the zip with")
    return subprocess.run(
        [interpreter, "-I", "-S", "-c", "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; " + probe,
         str(unpacked), str(runtime)],
        capture_output=True, text=True, timeout=60, check=False,
        env={"AWS_DEFAULT_REGION": "eu-west-2", "POWERTOOLS_TRACE_DISABLED": "true"},
    )


LAMBDA_ONLY = pytest.mark.skipif(
    (sys.platform, platform.machine()) != ("linux", "x86_64"),
    reason="the zip holds Linux x86_64 wheels, as Lambda runs them",
)


@LAMBDA_ONLY
def test_app_imports_from_the_zip_with_only_what_lambda_provides(
    built: Package, tmp_path: Path,
) -> None:
    # The API function loads neither tooling nor what only the workers need (cold start).
    result = _run_as_lambda(built, tmp_path, (
        "import app; from chalicelib.core import organiser_auth; "
        "print(sorted(m for m in ('moto', 'pytest', 'clubflow', 'icalendar', 'markdown_it', "
        "'aws_lambda_powertools.utilities.batch') if m in sys.modules))"
    ))

    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"


@LAMBDA_ONLY
def test_the_mail_worker_builds_an_invite_from_the_zip(built: Package, tmp_path: Path) -> None:
    result = _run_as_lambda(built, tmp_path, (
        "from datetime import UTC, datetime; from chalicelib.registration import invite as ics; "
        "at = datetime(2030, 3, 9, 10, tzinfo=UTC); "
        "sys.stdout.write(ics.build(ics.Invite('u@clubflow', ics.REQUEST, 0, 'Event 48', at, at, "
        "'Europe/London', 'Hall', 'Hosted', '', 'CofEe Club', 'club@example.com', 'Ada', "
        "'ada@example.com', at)).decode())"
    ))

    assert result.returncode == 0, result.stderr[-2000:]
    assert "DTSTART;TZID=Europe/London:20300309T100000" in result.stdout.splitlines()
    assert "TZID:Europe/London" in result.stdout.splitlines()


@LAMBDA_ONLY
def test_pages_render_from_the_zips_compiled_templates(built: Package, tmp_path: Path) -> None:
    # With the template sources removed, only the compiled modules can answer.
    result = _run_as_lambda(built, tmp_path, (
        "import os, shutil; shutil.rmtree(os.path.join(sys.argv[1], 'chalicelib', 'templates')); "
        "os.environ['TABLE_NAME'] = 'clubflow'; from chalicelib.core import render; "
        "print(type(render.environment().loader).__name__); "
        "print(render.render('pages/error.html', code=404, errors={}))"
    ))

    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines()[0] == "ModuleLoader"
    assert "<html" in result.stdout


@LAMBDA_ONLY
def test_the_report_worker_renders_markdown_from_the_zip(built: Package, tmp_path: Path) -> None:
    result = _run_as_lambda(built, tmp_path, (
        "from chalicelib.reports import markdown; "
        "sys.stdout.write(str(markdown.to_html('1. Ownership\\n   - **Sponsorship**')) + '|' + "
        "markdown.to_text('> a [quote](https://example.com)'))"
    ))

    assert result.returncode == 0, result.stderr[-2000:]
    assert "<strong>Sponsorship</strong>" in result.stdout and "<ol " in result.stdout
    assert result.stdout.endswith("|> a quote (https://example.com)")


def test_every_sqs_consumer_reads_a_queue_of_the_stack_and_reports_batch_failures(
    template: dict[str, Any],
) -> None:
    queues = resources_of(template, "AWS::SQS::Queue")
    for name, function in resources_of(template, "AWS::Serverless::Function").items():
        for event_name, event in sqs_events(function):
            queue = event["Queue"]
            assert isinstance(queue, dict) and queue.get("Fn::GetAtt", [None])[0] in queues, (
                f"{name}.{event_name} reads {queue!r}: set its Queue to `!GetAtt <Queue>.Arn` "
                "in stacks/app.yaml"
            )
            assert event.get("FunctionResponseTypes") == ["ReportBatchItemFailures"], (
                f"{name}.{event_name} lacks FunctionResponseTypes: [ReportBatchItemFailures]; "
                "without it Lambda ignores batchItemFailures and retries whole batches"
            )


def test_every_consumer_may_read_its_queue_and_outlasts_no_visibility_timeout(
    template: dict[str, Any],
) -> None:
    queues = resources_of(template, "AWS::SQS::Queue")
    for name, function in resources_of(template, "AWS::Serverless::Function").items():
        role = function["Properties"]["Role"]["Fn::GetAtt"][0]
        for event_name, event in sqs_events(function):
            queue = event["Queue"]["Fn::GetAtt"][0]
            granted = {
                action
                for holder, statement in statements(template) if holder == role
                if statement["Effect"] == "Allow"
                and {"Fn::GetAtt": [queue, "Arn"]} in as_list(statement["Resource"])
                for action in as_list(statement["Action"])
            }
            needed = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}
            assert needed <= granted, (
                f"{role} lacks {sorted(needed - granted)} on {queue}: SAM adds no SQS permissions "
                "to a role it did not create"
            )
            visibility = queues[queue]["Properties"].get("VisibilityTimeout", 30)
            assert visibility >= function["Properties"]["Timeout"], (
                f"{queue}'s VisibilityTimeout ({visibility} s) is shorter than {name}'s timeout; "
                f"Lambda refuses the {event_name} mapping"
            )


def test_every_function_role_has_its_policies_from_the_merge_template(
    template: dict[str, Any],
) -> None:
    roles = resources_of(template, "AWS::IAM::Role")
    for name, function in resources_of(template, "AWS::Serverless::Function").items():
        role = function["Properties"]["Role"]["Fn::GetAtt"][0]
        policy_names = {policy["PolicyName"] for policy in roles[role]["Properties"]["Policies"]}
        # Chalice names the baseline from functions/.chalice after the role; stacks/ replaces it.
        assert f"{role}Policy" not in policy_names, (
            f"{name}'s role {role} still holds only the baseline policy: give it "
            f"`{role}: Properties: Policies:` in stacks/app.yaml, with what it calls"
        )
        actions = {action for holder, statement in statements(template) if holder == role
                   for action in as_list(statement["Action"])}
        assert "logs:PutLogEvents" in actions, f"{role} cannot write {name}'s logs"


def test_no_iam_statement_allows_scan_or_wildcard_actions(template: dict[str, Any]) -> None:
    for holder, statement in statements(template):
        if statement["Effect"] != "Allow":
            continue
        for action in as_list(statement["Action"]):
            assert "*" not in action, f"{holder} allows {action}"
            assert action.lower() != "dynamodb:scan", f"{holder} allows a table Scan"
        assert "NotAction" not in statement, f"{holder} allows everything but a list"


def test_authorizer_results_are_cached_for_at_most_a_minute(template: dict[str, Any]) -> None:
    api = resources_of(template, "AWS::Serverless::Api")["RestAPI"]
    authorizers = api["Properties"]["DefinitionBody"]["securityDefinitions"]

    assert "organiser_auth" in authorizers
    for name, scheme in authorizers.items():
        # API Gateway caches for 300 s when no TTL is given: a revoked key would live on.
        ttl = scheme["x-amazon-apigateway-authorizer"].get("authorizerResultTtlInSeconds")
        assert ttl is not None and ttl <= MAX_AUTHORIZER_CACHE_SECONDS, f"{name}: {ttl}"


def test_every_queue_has_a_dead_letter_queue(template: dict[str, Any]) -> None:
    queues = resources_of(template, "AWS::SQS::Queue")
    consumed = {event["Queue"]["Fn::GetAtt"][0]
                for function in resources_of(template, "AWS::Serverless::Function").values()
                for _, event in sqs_events(function) if isinstance(event["Queue"], dict)}
    delivered_to = {target["Arn"]["Fn::GetAtt"][0]
                    for rule in resources_of(template, "AWS::Events::Rule").values()
                    for target in rule["Properties"].get("Targets", [])
                    if isinstance(target["Arn"], dict) and "Fn::GetAtt" in target["Arn"]}
    target_dead_letters = {target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0]
                           for rule in resources_of(template, "AWS::Events::Rule").values()
                           for target in rule["Properties"].get("Targets", [])}
    working = (consumed | delivered_to) & set(queues)
    for name in sorted(working):
        redrive = queues[name].get("Properties", {}).get("RedrivePolicy")
        assert redrive, f"{name} has no RedrivePolicy: a poison message would retry forever"
        assert redrive["deadLetterTargetArn"]["Fn::GetAtt"][0] in queues, name
    dead_letter = {queues[name]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"][
        "Fn::GetAtt"][0] for name in working}
    idle = set(queues) - working - dead_letter - target_dead_letters
    assert not idle, f"queues neither read, delivered to, nor a dead-letter queue: {sorted(idle)}"


def test_stage_reaches_every_function_and_the_api(built: Package, template: dict[str, Any]) -> None:
    for name, function in resources_of(template, "AWS::Serverless::Function").items():
        assert function["Properties"]["Environment"]["Variables"]["STAGE"] == built.stage, name
    assert template["Resources"]["RestAPI"]["Properties"]["StageName"] == built.stage


def test_api_gateway_answers_unknown_paths_404_in_the_app_error_shape(template: dict[str, Any]) -> None:
    responses = template["Resources"]["RestAPI"]["Properties"]["GatewayResponses"]

    # API Gateway's own answer to an unknown path is 403 "Missing Authentication Token".
    unknown = responses["MISSING_AUTHENTICATION_TOKEN"]
    assert unknown["StatusCode"] == "404"
    assert json.loads(unknown["ResponseTemplates"]["application/json"]) == {"errors": {"_": "No such page."}}
    for kind in ("MISSING_AUTHENTICATION_TOKEN", "DEFAULT_4XX", "DEFAULT_5XX"):
        assert set(responses[kind]["ResponseTemplates"]) == {"application/json", "text/html"}, kind
    # The 401 and 403 of the organiser routes keep their status (no StatusCode override).
    assert "StatusCode" not in responses["DEFAULT_4XX"]


def test_the_api_stage_is_regional_throttled_logged_without_tokens_and_behind_a_rate_limiting_acl(
    template: dict[str, Any],
) -> None:
    api = template["Resources"]["RestAPI"]["Properties"]
    assert api["EndpointConfiguration"] == "REGIONAL"
    (settings,) = api["MethodSettings"]
    assert (settings["ResourcePath"], settings["HttpMethod"]) == ("/*", "*")
    assert settings["ThrottlingRateLimit"] == {"Ref": "ApiRateLimit"}
    assert settings["ThrottlingBurstLimit"] == {"Ref": "ApiBurstLimit"}
    access_log = json.loads(api["AccessLogSetting"]["Format"])
    assert access_log["resource"] == "$context.resourcePath"
    # Emailed links carry their token in the path: nothing may log the path itself.
    assert not any("$context.path" in value for value in access_log.values())
    rules = template["Resources"]["ApiWebAcl"]["Properties"]["Rules"]
    (rate,) = [rule["Statement"]["RateBasedStatement"] for rule in rules if "RateBasedStatement" in rule["Statement"]]
    assert rate["AggregateKeyType"] == "IP"
    association = template["Resources"]["ApiWebAclAssociation"]["Properties"]
    assert association["WebACLArn"] == {"Fn::GetAtt": ["ApiWebAcl", "Arn"]}
    assert "/restapis/${RestAPI}/stages/${RestAPI.Stage}" in association["ResourceArn"]["Fn::Sub"]


def test_a_custom_domain_is_optional_and_maps_to_the_stage(template: dict[str, Any], tmp_path: Path) -> None:
    resources = template["Resources"]
    assert resources["ApiDomain"]["Condition"] == resources["ApiDomainMapping"]["Condition"] == "HasApiDomain"
    assert resources["ApiDomain"]["Properties"]["RegionalCertificateArn"] == {"Ref": "ApiCertificateArn"}
    assert resources["ApiDomainMapping"]["Properties"]["Stage"] == {"Ref": "RestAPI.Stage"}
    # With every optional parameter given, SAM still makes a lint-clean stack.
    given = {"ApiDomainName": "club.clubflow.test", "MailDomain": "club.clubflow.test",
             "AlarmEmail": "ops@clubflow.test",
             "ApiCertificateArn": "arn:aws:acm:eu-west-2:123456789012:certificate/00000000-0000-0000-0000-000000000000"}
    cloudformation = transform.to_cloudformation(template, given)
    assert transform.lint(cloudformation, tmp_path / "cloudformation.json") == []


def test_the_report_senders_are_capped_and_each_knows_its_share_of_the_send_rate(template: dict[str, Any]) -> None:
    function = template["Resources"]["SendReports"]["Properties"]
    ((_, event),) = sqs_events({"Properties": function})

    assert event["ScalingConfig"] == {"MaximumConcurrency": {"Ref": "ReportSenders"}}
    assert function["Environment"]["Variables"]["MAIL_SENDERS"] == {"Ref": "ReportSenders"}
    granted = {action for holder, statement in statements(template) if holder == "SendReportsRole"
               for action in as_list(statement["Action"])}
    assert "ses:GetAccount" in granted


def test_every_function_runs_the_pinned_runtime_with_wheels_for_it(
    built: Package, template: dict[str, Any], zip_names: set[str],
) -> None:
    for name, function in resources_of(template, "AWS::Serverless::Function").items():
        assert function["Properties"]["Runtime"] == package.DEFAULT_RUNTIME == built.runtime, name
        assert function["Properties"]["Architectures"] == [package.DEFAULT_ARCHITECTURE], name
    with zipfile.ZipFile(built.zip_path) as bundle:
        tags = {line.split(": ", 1)[1] for name in zip_names if name.endswith(".dist-info/WHEEL")
                for line in bundle.read(name).decode().splitlines() if line.startswith("Tag: ")}
    python = "cp" + package.DEFAULT_RUNTIME.removeprefix("python").replace(".", "")
    native = {tag for tag in tags if not tag.endswith("-none-any")}
    assert native, "expected some native wheels (markupsafe, wrapt)"
    for tag in native:
        interpreter, abi, platform_tag = tag.split("-")
        assert interpreter in (python, "cp38", "cp39") and platform_tag.endswith("x86_64"), tag
        assert abi in (python, "abi3", "none"), tag


def test_sam_deploy_config_env_deploys_what_package_writes(built: Package) -> None:
    config = tomllib.loads((package.REPO_ROOT / "samconfig.toml").read_text())
    deploy = config[built.stage]["deploy"]["parameters"]

    written = package.default_out_dir(built.stage) / built.template.name
    assert package.REPO_ROOT / deploy["template_file"] == written
    assert "CAPABILITY_IAM" in deploy["capabilities"].split()
    assert deploy["stack_name"] == f"clubflow-{built.stage}"
    assert deploy.get("resolve_s3") or deploy.get("s3_bucket")
    assert deploy["confirm_changeset"] is (built.stage == "prod")
    # A plain `sam deploy` must never reach production.
    assert config["default"]["deploy"]["parameters"] == config["dev"]["deploy"]["parameters"]
