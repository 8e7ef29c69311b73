"""Every `clubflow ...` and `curl ...` example in README.md's code blocks runs against a local stack.

Placeholders, as the README writes them:
- `EVENT_ID`, `POLL_ID`, `RUN_ID`, `FILE_ID`: the id printed (first line of output) by the README
  command before it that creates one (`events create`, `polls add`, `reports run`, `slides upload`).
- `NOMINATION_ID`: a host nomination this test sends first; `KEY_ID_OR_EMAIL`: the organiser the
  README adds (`organisers add alex@example.com`); `API_URL`, `ORGANISER_KEY`: the stack's.
- `deck.pdf`, `came.csv`, `report.md`, `note.md`: small files this test writes in the stack's folder.
- `a | b ARGS` runs `clubflow GROUP a` and `clubflow GROUP b ARGS`; `[--opt value]` runs without
  and with the option.
- In the curl block, `KEY=...` is the stack's organiser key and `localhost:8000` its address.
Commands that write into the repository (`openapi`, `package`) are given `--out` in a temporary
folder; the ones that need an AWS account (`--stack`, `sam deploy`) are not run.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import LocalStack, child_environment

README = Path(__file__).resolve().parents[2] / "README.md"
CREATES = {("events", "create"): "EVENT_ID", ("polls", "add"): "POLL_ID",
           ("reports", "run"): "RUN_ID", ("slides", "upload"): "FILE_ID"}
WRITES_INTO_REPO = {"openapi", "package"}
PACKAGE_SECONDS = 300
PROD_SETTINGS = ["--set", "PUBLIC_BASE_URL=https://club.clubflow.test",
                 "--set", "MAIL_FROM=Club <club@club.clubflow.test>",
                 "--set", "MAIL_REPLY_TO=Organisers <organisers@club.clubflow.test>"]
_BLOCK = re.compile(r"^```(?:sh|bash|console)?\n(.*?)^```", re.S | re.M)
_OPTIONAL = re.compile(r"\s*\[([^\]]+)\]")


def code_blocks(text: str) -> list[str]:
    return _BLOCK.findall(text)


def clubflow_commands(block: str) -> list[list[str]]:
    """Each clubflow command of a block as arguments, alternatives and optional parts spelled out."""
    commands: list[list[str]] = []
    for line in re.sub(r"\\\n\s*", " ", block).splitlines():
        code = line.split("  #")[0].strip()
        if not code.startswith("clubflow "):
            continue
        first, *others = [part.strip() for part in code.split(" | ")]
        group = " ".join(first.split()[:2])
        for text in [first, *(f"{group} {other}" for other in others)]:
            optional = _OPTIONAL.search(text)
            if optional:
                commands.append(shlex.split(_OPTIONAL.sub("", text)))
                text = _OPTIONAL.sub(f" {optional.group(1)}", text)
            commands.append(shlex.split(text))
    return commands


def test_readme_parsing_spells_out_alternatives_and_options() -> None:
    block = ("clubflow polls list EVENT_ID | invite EVENT_ID    # invite: email each attendee\n"
             "clubflow nominations list [--status shortlisted]\n"
             "clubflow events create --title \"A B\" \\\n  --number 49\n")

    assert clubflow_commands(block) == [
        ["clubflow", "polls", "list", "EVENT_ID"], ["clubflow", "polls", "invite", "EVENT_ID"],
        ["clubflow", "nominations", "list"], ["clubflow", "nominations", "list", "--status", "shortlisted"],
        ["clubflow", "events", "create", "--title", "A B", "--number", "49"],
    ]


def _prepare_files(folder: Path) -> None:
    (folder / "deck.pdf").write_bytes(b"%PDF-1.4\n% README example deck\n%%EOF\n")
    (folder / "came.csv").write_text("email\nreadme-attendee@example.org\n")
    (folder / "report.md").write_text("## The day\nWhat we learnt.\n\n## Next time\nMore of it.\n")
    (folder / "note.md").write_text("Bring a **colleague**.\n")


def _substitute(words: list[str], ids: dict[str, str]) -> list[str]:
    return [ids.get(word, word) for word in words]


def _run(stack: LocalStack, args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "clubflow", *args], cwd=stack.workdir,
                          env=child_environment(), capture_output=True, text=True, timeout=timeout, check=False)


def test_every_clubflow_command_in_the_readme_works(local_stack: LocalStack, tmp_path: Path) -> None:
    _prepare_files(local_stack.workdir)
    nominated = local_stack.post("/nominations", headers={"Accept": "application/json"}, json={
        "organisation": "Readme Org", "contact_name": "Ada", "email": "readme-host@example.org",
        "city": "Leeds", "venue": "Hall 1", "capacity": 40})
    assert nominated.status_code == 202, nominated.text
    nominations = local_stack.admin("GET", "/admin/nominations?status=received").json()["nominations"]
    ids = {"NOMINATION_ID": nominations[-1]["nomination_id"], "KEY_ID_OR_EMAIL": "alex@example.com",
           "API_URL": local_stack.url, "ORGANISER_KEY": local_stack.key}

    commands = [command for block in code_blocks(README.read_text()) for command in clubflow_commands(block)]
    assert len(commands) > 20, "the README's clubflow examples were not found"
    ran: list[str] = []
    for words in commands:
        args = _substitute(words[1:], ids)
        if "--stack" in args:
            continue  # an AWS account's CloudFormation stack: not here
        if args[0] in WRITES_INTO_REPO:
            args += ["--out", str(tmp_path / (args[0] + (".json" if args[0] == "openapi" else "")))]
        if args[:3] == ["package", "--stage", "prod"]:
            args += PROD_SETTINGS  # what the README's deploy steps have you put in config.json first
        shown = shlex.join(["clubflow", *args])
        if shown in ran:
            continue
        done = _run(local_stack, args, PACKAGE_SECONDS if args[0] == "package" else 120)
        assert done.returncode == 0, f"`{shown}` exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        created = CREATES.get((args[0], args[1]) if len(args) > 1 else ("", ""))
        if created:
            ids[created] = done.stdout.split()[0]
        ran.append(shown)
    print("\nREADME commands run:\n  " + "\n  ".join(ran))


def test_every_curl_example_in_the_readme_works(local_stack: LocalStack) -> None:
    blocks = [block for block in code_blocks(README.read_text()) if re.search(r"^\s*curl ", block, re.M)]
    assert blocks, "the README's curl examples were not found"
    address = local_stack.url.removeprefix("http://")
    for block in blocks:
        script = block.replace("KEY=...", f"KEY={shlex.quote(local_stack.key)}").replace("localhost:8000", address)
        # Each curl prints its status on a line of its own, to check after the body.
        wrapped = "set -eu\ncurl() { command curl -w '\\nHTTP_STATUS %{http_code}\\n' \"$@\"; }\n" + script
        done = subprocess.run(["bash", "-c", wrapped], capture_output=True, text=True, timeout=60, check=False)
        statuses = [int(code) for code in re.findall(r"^HTTP_STATUS (\d{3})$", done.stdout, re.M)]
        assert done.returncode == 0, f"exit {done.returncode}:\n{done.stdout}\n{done.stderr}"
        assert statuses and all(200 <= status < 400 for status in statuses), done.stdout
