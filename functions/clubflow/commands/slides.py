"""`clubflow slides upload|list|remove`: an event's slide files, through the organiser API.

`upload` asks the API for a presigned URL and sends the file straight to the bucket, streamed
in chunks with a progress bar (on a terminal); the URL accepts only that file's type and exact size.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import IO, Any

from clubflow.api import Api, add_arguments
from clubflow.cli import CommandError
from clubflow.table import format_table

CHUNK = 1024 * 1024


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser(
        "slides", help="upload, list and remove an event's slides",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    upload = actions.add_parser("upload", help="upload FILE (.pdf, .pptx, .key, .zip; up to 100 MB)")
    upload.add_argument("event_id", metavar="EVENT_ID")
    upload.add_argument("file", metavar="FILE", type=Path)
    upload.add_argument("--content-type", help="override the type guessed from the extension")
    upload.add_argument("--quiet", action="store_true", help="no progress bar (there is none off a terminal)")
    upload.set_defaults(handler=upload_slides)

    listing = actions.add_parser("list", help="the event's files with download counts")
    listing.add_argument("event_id", metavar="EVENT_ID")
    listing.add_argument("--json", action="store_true", help="print the API's JSON")
    listing.set_defaults(handler=list_slides)

    remove = actions.add_parser("remove", help="delete a file; its links stop working")
    remove.add_argument("event_id", metavar="EVENT_ID")
    remove.add_argument("file_id", metavar="FILE_ID")
    remove.set_defaults(handler=remove_slide)

    for action in (upload, listing, remove):
        add_arguments(action)


class ProgressReader:
    """A file read in chunks that draws a progress bar as requests streams it out.

    `__len__` lets requests send a Content-Length (S3 refuses chunked uploads) without reading
    the whole file into memory.
    """

    def __init__(self, handle: IO[bytes], size: int, label: str, out: IO[str] | None) -> None:
        self.handle = handle
        self.size = size
        self.label = label
        self.out = out
        self.sent = 0
        self.shown = -1

    def __len__(self) -> int:
        return self.size

    def read(self, amount: int = -1) -> bytes:
        chunk = self.handle.read(CHUNK if amount is None or amount < 0 else min(amount, CHUNK))
        self.sent += len(chunk)
        self.draw()
        return chunk

    def draw(self) -> None:
        done = self.sent / self.size if self.size else 1.0
        # Redraw only when the percentage moves: http.client reads in 8 KB blocks.
        if self.out is None or int(done * 100) == self.shown:
            return
        self.shown = int(done * 100)
        bar = "#" * int(done * 30)
        self.out.write(f"\r{self.label} [{bar:<30}] {done:4.0%} "
                       f"{self.sent / 1e6:.1f}/{self.size / 1e6:.1f} MB")
        if self.sent >= self.size:
            self.out.write("\n")
        self.out.flush()


def upload_slides(args: argparse.Namespace) -> int:
    import requests

    from chalicelib.slides.forms import guess_content_type

    path: Path = args.file
    if not path.is_file():
        raise CommandError(f"{path} is not a file")
    content_type = args.content_type or guess_content_type(path.name)
    if content_type is None:
        raise CommandError(f"{path.name}: upload a .pdf, .pptx, .key or .zip file")
    size = path.stat().st_size
    api = Api(args)
    plan = api.call("POST", f"/admin/events/{args.event_id}/slides",
                    {"filename": path.name, "content_type": content_type, "size": size})
    with path.open("rb") as handle:
        # A bar redraws itself with \r: on anything but a terminal (a log, a pipe) that is noise.
        drawn = not args.quiet and sys.stderr.isatty()
        body = ProgressReader(handle, size, path.name, sys.stderr if drawn else None)
        try:
            response = requests.put(plan["upload_url"], data=body, headers=plan["headers"],
                                    timeout=(10, 300))
        except requests.RequestException as error:
            raise CommandError(f"the upload of {path.name} failed: {error}") from error
    if response.status_code >= 300:
        raise CommandError(f"the bucket refused {path.name} ({response.status_code}): "
                           f"{response.text[:300]}")
    print(plan["file_id"])
    print(f"Uploaded {path.name} ({size} bytes) to event {args.event_id}.", file=sys.stderr)
    return 0


def list_slides(args: argparse.Namespace) -> int:
    import json

    report: dict[str, Any] = Api(args).call("GET", f"/admin/events/{args.event_id}/slides")
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    if not report["files"]:
        print("No files yet: add one with `clubflow slides upload EVENT_ID FILE`.", file=sys.stderr)
        return 0
    rows = [(item["file_id"], item["status"], item["downloads"], item["size"], item["filename"])
            for item in report["files"]]
    print(format_table(("FILE ID", "STATUS", "DOWNLOADS", "SIZE", "NAME"), rows, right=(2, 3)))
    totals = report["totals"]
    print(f"{totals['downloads']} downloads by {totals['people']} people; "
          f"policy: {report['slide_policy']}.", file=sys.stderr)
    return 0


def remove_slide(args: argparse.Namespace) -> int:
    Api(args).call("DELETE", f"/admin/events/{args.event_id}/slides/{args.file_id}")
    print(f"Removed {args.file_id} from event {args.event_id}.", file=sys.stderr)
    return 0
