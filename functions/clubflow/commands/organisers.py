"""`clubflow organisers add|list|revoke`: the keys that open the /admin routes.

A key is printed once, on stdout alone (so `KEY=$(clubflow organisers add ...)` works), and only
its hash is stored. The commands write to the table directly: a deployed stack's when you name it
(--stack or --table; your AWS credentials are used), otherwise the running local stack's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from clubflow.cli import CommandError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "organisers", help="add, list and revoke organiser keys",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    add = actions.add_parser("add", help="create a key for EMAIL and print it once")
    add.add_argument("email", metavar="EMAIL")
    add.set_defaults(handler=_with_table(add_key))

    listing = actions.add_parser("list", help="every key: id, owner, when created, live or revoked")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_with_table(list_keys))

    revoke = actions.add_parser("revoke", help="revoke a key by its id, or every key of an email")
    revoke.add_argument("who", metavar="KEY_ID_OR_EMAIL")
    revoke.set_defaults(handler=_with_table(revoke_keys))

    for action in (add, listing, revoke):
        target = action.add_argument_group("which deployment (default: the running `clubflow dev`)")
        target.add_argument("--stack",
                            help="a deployed stack's name; its table is read from its outputs")
        target.add_argument("--table", help="the DynamoDB table name")
        target.add_argument("--region", help="AWS region (default: your AWS configuration's)")


def add_key(args: argparse.Namespace) -> int:
    from chalicelib.core.auth import add_organiser
    from chalicelib.core.validation import is_email, normalise_email

    email = normalise_email(args.email)
    if not is_email(email):
        raise CommandError(f"{args.email!r} is not an email address")
    raw, organiser = add_organiser(email)
    print(raw, flush=True)
    print(f"Key {organiser.key_id} for {email}. It is shown only now: keep it safe; "
          "it is sent as 'Authorization: Bearer <key>'.", file=sys.stderr)
    return 0


def list_keys(args: argparse.Namespace) -> int:
    from chalicelib.core.auth import list_organisers

    organisers = list_organisers()
    if args.json:
        print(json.dumps([asdict(o) for o in organisers], indent=2))
        return 0
    if not organisers:
        print("No organiser keys yet: `clubflow organisers add EMAIL` creates one.",
              file=sys.stderr)
        return 0
    rows = [("KEY ID", "EMAIL", "CREATED", "STATUS")] + [
        (o.key_id, o.email, o.created_at, "revoked" if o.revoked else "live") for o in organisers
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())
    return 0


def revoke_keys(args: argparse.Namespace) -> int:
    from chalicelib.core.auth import revoke
    from chalicelib.core.validation import normalise_email

    who = normalise_email(args.who) if "@" in args.who else args.who.strip()
    count = revoke(who)
    if count == 0:
        raise CommandError(
            f"no live key has the id or email {who!r} (see `clubflow organisers list`)"
        )
    print(f"Revoked {count} key{'s' if count != 1 else ''} of {who}.")
    return 0


Command = Callable[[argparse.Namespace], int]


def _with_table(command: Command) -> Command:
    """Point the data layer at the chosen table, run the command, and turn AWS errors into
    messages a person can act on."""

    def run(args: argparse.Namespace) -> int:
        from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

        where = _use_table(args)
        try:
            return command(args)
        except EndpointConnectionError:
            raise CommandError(
                f"{where} is not answering: is `clubflow dev` still running?"
            ) from None
        except ClientError as error:
            message = error.response.get("Error", {}).get("Message", str(error))
            raise CommandError(f"{where}: {message}") from None
        except BotoCoreError as error:
            raise CommandError(f"{where}: {error}") from None

    return run


def _use_table(args: argparse.Namespace) -> str:
    """Set TABLE_NAME (and, for the local stack, the AWS endpoint); say which table it is."""
    from chalicelib.core import aws, settings

    if args.region:
        os.environ["AWS_DEFAULT_REGION"] = args.region
    if args.table:
        table, where = args.table, f"table {args.table}"
    elif args.stack:
        table, where = _table_of_stack(args.stack), f"stack {args.stack}"
    else:
        table, where = _use_local_stack()
    os.environ["TABLE_NAME"] = table
    settings.reset()
    aws.reset()
    return where


def _table_of_stack(stack: str) -> str:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        described = boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    except (BotoCoreError, ClientError) as error:
        raise CommandError(f"cannot read stack {stack}: {error}") from None
    outputs: dict[str, Any] = {
        output["OutputKey"]: output["OutputValue"] for output in described.get("Outputs", [])
    }
    if "TableName" not in outputs:
        raise CommandError(f"stack {stack} has no TableName output: is it a clubflow stack?")
    return str(outputs["TableName"])


def _use_local_stack() -> tuple[str, str]:
    from clubflow.api import local_state
    from clubflow.dev.stack import use_local_aws

    state = local_state()
    if not state.get("moto_url") or not state.get("table_name"):
        raise CommandError(
            "no deployment chosen: pass --stack or --table for AWS, "
            "or start `clubflow dev` for the local stack"
        )
    use_local_aws(state["moto_url"], state.get("region") or "eu-west-2")
    return str(state["table_name"]), f"the local stack ({state['api_url']})"
