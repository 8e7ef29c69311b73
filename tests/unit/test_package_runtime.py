"""`clubflow package` pins every function to the chosen runtime and architecture."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from clubflow import package
from clubflow.cli import CommandError


def test_every_function_gets_the_runtime_and_architecture(tmp_path: Path) -> None:
    template = tmp_path / "sam.yaml"
    template.write_text(yaml.safe_dump({"Resources": {
        "A": {"Type": "AWS::Serverless::Function",
              "Properties": {"Runtime": "python3.11", "Architectures": ["x86_64"]}},
        "B": {"Type": "AWS::Serverless::Function", "Properties": {"Runtime": "python3.11"}},
        "Q": {"Type": "AWS::SQS::Queue", "Properties": {}},
    }}))

    package.pin_runtime(template, "python3.13", "arm64")

    resources = package.load_template(template)["Resources"]
    for name in ("A", "B"):
        assert resources[name]["Properties"]["Runtime"] == "python3.13"
        assert resources[name]["Properties"]["Architectures"] == ["arm64"]
    assert resources["Q"]["Properties"] == {}


def test_an_unknown_runtime_or_architecture_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"python3\.12, python3\.13"):
        package.build(tmp_path, runtime="python3.11")
    with pytest.raises(CommandError, match="x86_64, arm64"):
        package.build(tmp_path, architecture="sparc")
