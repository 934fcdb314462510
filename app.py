"""Start the web chat: `python app.py [--host H] [--port P] [--index DIR] [--corpus DIR]`.

Thin on purpose: settings come from the environment (`ASSISTANT_*`) with these
flags on top, the index is brought in step with the corpus (built on first start,
updated when files changed, a quick no-op otherwise), and the UI is the one from
`assistant.web`, so the app answers exactly like the CLI.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from starlette.middleware import Middleware

from assistant.settings import Settings  # first: sets the privacy env defaults before gradio loads

# isort: split
from assistant.corpus import printable
from assistant.pipeline import Assistant
from assistant.web import LAUNCH_STYLE, auth_credentials, build_app
from assistant.web_guard import LoginRequired


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Web chat over the Veerkrachtige & Weerbare Samenleving documents."
    )
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default 7860)")
    parser.add_argument("--index", type=Path, help="index folder")
    parser.add_argument("--corpus", type=Path, help="folder with the source documents")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    # One line per event: the app's own notes (e.g. an input it did not accept) at INFO, others' warnings.
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.WARNING)
    logging.getLogger("assistant").setLevel(logging.INFO)
    settings = Settings().with_overrides(host=args.host, port=args.port, index=args.index, corpus=args.corpus)
    assistant = Assistant(settings)
    report = assistant.ingest(progress=True)
    if report.index_rebuilt:  # built by another version, model or chunk setting (assistant/index_format.py)
        print(f"Index opnieuw opgebouwd: {report.index_rebuilt}")
    for skipped in report.skipped:
        print(f"skipped {printable(skipped.path)}: {skipped.reason}")
    print(f"index ready: {report.total_passages} passages from {report.documents} documents")
    auth = auth_credentials(settings)
    if settings.host in ("127.0.0.1", "localhost", "::1"):
        print(f"luistert op {settings.host}: alleen op deze computer bereikbaar (--host voor het netwerk)")
    else:
        print(f"luistert op {settings.host}: bereikbaar vanaf het netwerk")
        if auth is None:
            print(f"warning: listening on {settings.host} without a login (set ASSISTANT_AUTH)")
    demo = build_app(assistant)
    print(f"web chat on http://{settings.host}:{settings.port}/ (stop with Ctrl+C)", flush=True)
    demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=False,
        auth=auth,
        auth_message="Log in met het account dat u van de beheerder hebt gekregen.",
        footer_links=[],  # no English "Use via API" / "Settings" links; the API is documented in the README
        quiet=True,  # Gradio's start-up lines are English and suggest share=True, which is off by design
        # A hard ceiling so a huge upload never fills the disk; files between the upload
        # limit and this ceiling still get the app's own per-file message in Dutch.
        max_file_size=int(settings.upload_max_mb * 2 * 1024 * 1024),
        app_kwargs={"middleware": [Middleware(LoginRequired)]},  # login on every route (web_guard.py)
        **LAUNCH_STYLE,
    )


if __name__ == "__main__":
    main()
