"""The packaged SAM template as CloudFormation will run it, without an AWS account.

`sam deploy` uploads the zip and hands the template to CloudFormation's SAM transform. The same
transform (the AWS SAM translator, offline) turns it into plain CloudFormation here, so cfn-lint
checks what is really created: the API's stage, methods and permissions, the event source
mappings, and every resource of stacks/app.yaml after SAM has merged it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

# Where `sam deploy` would have uploaded the zip; the translator only needs an s3:// URI.
PLACEHOLDER_CODE_URI = "s3://clubflow-artifacts/deployment.zip"


class _NoManagedPolicies:
    """The translator asks IAM for AWS managed policy ARNs only when a function names one; ours don't."""

    def load(self) -> dict[str, str]:
        return {}


def to_cloudformation(sam_template: dict[str, Any], parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    """`sam_template` transformed into the CloudFormation template CloudFormation would create."""
    from samtranslator.translator.transform import transform

    template = copy.deepcopy(sam_template)
    for spec in template.get("Resources", {}).values():
        if spec.get("Type") == "AWS::Serverless::Function":
            spec["Properties"]["CodeUri"] = PLACEHOLDER_CODE_URI
    return transform(template, parameters or {}, _NoManagedPolicies())


def lint(cloudformation: dict[str, Any], out: Path) -> list[str]:
    """cfn-lint's findings (errors, warnings and informational) on `cloudformation`, written to `out`."""
    from cfnlint.api import lint_file

    out.write_text(json.dumps(cloudformation, indent=1, default=str))
    return [str(problem) for problem in lint_file(out)]
