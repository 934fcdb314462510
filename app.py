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
from assistant.logs import configure as configure_logging
from assistant.pipeline import Assistant
from assistant.web import LAUNCH_STYLE, auth_credentials, build_app
from assistant.web_guard import LoginRequired

log = logging.getLogger("assistant.app")


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
    # One English line per event: the app's own notes (e.g. an input it did not accept) at INFO,
    # other libraries' from WARNING (assistant/logs.py). The page itself stays Dutch.
    configure_logging()
    settings = Settings().with_overrides(host=args.host, port=args.port, index=args.index, corpus=args.corpus)
    assistant = Assistant(settings)
    report = assistant.ingest(progress=True)
    if report.index_rebuilt:  # built by another version, model or chunk setting (assistant/index_format.py)
        log.info("index rebuilt first; reason as users are told: %s", report.index_rebuilt)
    for skipped in report.skipped:
        log.warning("skipped %s; reason as users are told: %s", printable(skipped.path), skipped.reason)
    log.info("index ready: %d passages from %d documents", report.total_passages, report.documents)
    auth = auth_credentials(settings)
    if settings.host in ("127.0.0.1", "localhost", "::1"):
        log.info("listening on %s: reachable from this computer only (--host for the network)", settings.host)
    else:
        log.info("listening on %s: reachable from the network", settings.host)
        if auth is None:
            log.warning("listening on %s without a login (set ASSISTANT_AUTH)", settings.host)
    demo = build_app(assistant)
    log.info("web chat on http://%s:%s/ (stop with Ctrl+C)", settings.host, settings.port)
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
