"""The evaluation sets of `evals/sets.yaml`: which Q&A file over which corpus, and running them all.

Why: numbers measured only on the questions the answerer was calibrated on say little
about documents nobody has seen. The sets over real documents from the shared corpora
(next to the project, `../shared/corpora`) are referenced by path and linked, never
copied, into an ignored folder under the index (`index/eval-corpora/<set>/`; a file inside an
archive there is unpacked once into `index/eval-corpora/_unpacked/` and linked from it), so each
set has a corpus folder of its own and, through `eval_index_dir`, a cached index of its
own that a re-run only syncs (nothing is embedded again).
"""

from __future__ import annotations

import os
import tarfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.evaluation.run import EvalResult, run_eval
from assistant.settings import PROJECT_ROOT, Settings

DEFAULT_SETS = PROJECT_ROOT / "evals" / "sets.yaml"
SHARED_ENV = "ASSISTANT_SHARED_CORPORA"  # override of where the shared corpora live
ARCHIVE_MEMBER = "!"  # "bwb-regelingen-2015.tar.xz!bwb/wet/X.md": one file inside an archive


@dataclass(frozen=True)
class EvalSet:
    """One evaluation set: a Q&A file and the documents its questions are asked over."""

    name: str
    description: str
    qa: Path
    bundled: bool  # include the project's corpus/ folder
    shared: tuple[str, ...]  # files, folders or globs relative to the shared corpora


def shared_corpora_dir() -> Path:
    """Where the shared real documents live: `$ASSISTANT_SHARED_CORPORA` or `<project>/../shared/corpora`."""
    return Path(os.environ.get(SHARED_ENV) or PROJECT_ROOT.parent / "shared" / "corpora")


def unpacked_dir(settings: Settings) -> Path:
    """Where files named inside archives of the shared corpora are unpacked (ignored, under the index)."""
    return Path(settings.index) / "eval-corpora" / "_unpacked"


def load_sets(path: Path = DEFAULT_SETS) -> list[EvalSet]:
    """The sets of a sets file, in file order (Q&A paths resolved against the file's folder)."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    sets = []
    for entry in raw.get("sets", []):
        sets.append(
            EvalSet(
                name=str(entry["name"]),
                description=" ".join(str(entry.get("description", "")).split()),
                qa=(Path(path).parent / entry["qa"]).resolve(),
                bundled=bool(entry.get("bundled", False)),
                shared=tuple(str(s) for s in entry.get("shared", [])),
            )
        )
    names = [s.name for s in sets]
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: duplicate set names in {names}")
    return sets


def shared_files(
    eval_set: EvalSet, root: Path, unpack_dir: Path | None = None
) -> tuple[list[Path], str | None]:
    """The shared documents of a set (sorted), or a reason why the set cannot run here.

    An entry "ARCHIVE!MEMBER" names one file inside a tar archive of the shared corpora (the BWB
    regulations ship as one .tar.xz). With `unpack_dir` the members are unpacked there (once; their
    `SOURCE:` line, which is not part of the document, left out) and returned; without it only the
    archive's presence is checked and the archive itself stands for its members.
    """
    if not eval_set.shared:
        return [], None
    if not root.is_dir():
        return [], f"shared corpora not found at {root} (set {SHARED_ENV} to point elsewhere)"
    files: list[Path] = []
    members: dict[str, list[str]] = {}
    for pattern in eval_set.shared:
        if ARCHIVE_MEMBER in pattern:
            archive, member = pattern.split(ARCHIVE_MEMBER, 1)
            if not (root / archive).is_file():
                return [], f"no archive at {root / archive}"
            members.setdefault(archive, []).append(member)
            continue
        matched = sorted(root.glob(pattern))
        found = [f for m in matched for f in (sorted(m.iterdir()) if m.is_dir() else [m]) if f.is_file()]
        if not found:
            return [], f"no documents at {root / pattern}"
        files += [f for f in found if f.name.lower() not in ("readme.md", "sources.tsv")]
    for archive, names in members.items():
        if unpack_dir is None:
            files.append(root / archive)
            continue
        try:
            files += unpack_members(root / archive, names, unpack_dir / Path(archive).name.split(".")[0])
        except KeyError as missing:
            return [], f"{root / archive} holds no {missing}"
    return sorted(dict.fromkeys(files)), None


def unpack_members(archive: Path, names: Sequence[str], folder: Path) -> list[Path]:
    """`names` from the tar `archive` as files in `folder` (flat, by base name), unpacked once.

    A member's first line "SOURCE: ..." (the corpus's provenance note) is dropped. Written via a
    temporary name and renamed, so an interrupted run never leaves half a document. Raises KeyError
    naming a member the archive does not hold.
    """
    wanted = {name: folder / Path(name).name for name in names}
    missing = {name for name, path in wanted.items() if not path.is_file()}
    if missing:
        folder.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            for name in sorted(missing):
                handle = tar.extractfile(tar.getmember(name))  # KeyError when absent
                text = handle.read().decode("utf-8") if handle else ""
                if text.startswith("SOURCE:"):
                    text = text.split("\n", 1)[1] if "\n" in text else ""
                partial = wanted[name].with_suffix(wanted[name].suffix + ".part")
                partial.write_text(text, encoding="utf-8")
                partial.replace(wanted[name])
    return [wanted[name] for name in names]


def corpus_for(eval_set: EvalSet, settings: Settings, root: Path) -> Path:
    """The corpus folder of a set: the bundled corpus itself, or a folder of links under the index.

    The link folder is synced (stale links removed), so the incremental ingest sees
    exactly the set's documents; the documents themselves are never copied.
    """
    bundled = Path(settings.corpus)
    files, reason = shared_files(eval_set, root, unpacked_dir(settings))
    if reason:
        raise FileNotFoundError(reason)
    if not files:
        return bundled
    wanted: dict[str, Path] = {}
    sources = sorted(p for p in bundled.iterdir() if p.is_file()) if eval_set.bundled else []
    for f in [*sources, *files]:
        if f.name in wanted:
            raise ValueError(f"set {eval_set.name}: two documents named {f.name}")
        wanted[f.name] = f.resolve()
    folder = Path(settings.index) / "eval-corpora" / eval_set.name
    folder.mkdir(parents=True, exist_ok=True)
    for link in folder.iterdir():
        if link.name not in wanted or not link.is_symlink() or link.resolve() != wanted[link.name]:
            link.unlink()
    for name, target in wanted.items():
        if not (folder / name).is_symlink():
            (folder / name).symlink_to(target)
    return folder


def run_sets(
    settings: Settings,
    names: Sequence[str] | None = None,
    modes: Sequence[str] | None = None,
    sets_file: Path = DEFAULT_SETS,
    log: Callable[[str], None] | None = None,
) -> tuple[dict[str, EvalResult | str], dict[str, float]]:
    """Run every set (or the named ones); a set that cannot run here maps to the reason instead.

    Returns the results and the wall-clock seconds per set (index sync plus questions).
    """
    say = log or (lambda _msg: None)
    sets = load_sets(sets_file)
    unknown = set(names or ()) - {s.name for s in sets}
    if unknown:
        raise ValueError(f"unknown set(s) {sorted(unknown)}; known: {[s.name for s in sets]}")
    root = shared_corpora_dir()
    results: dict[str, EvalResult | str] = {}
    timings: dict[str, float] = {}
    for eval_set in sets:
        if names and eval_set.name not in names:
            continue
        _, reason = shared_files(eval_set, root)
        if reason:
            say(f"set {eval_set.name}: skipped, {reason}")
            results[eval_set.name] = reason
            continue
        start = time.perf_counter()
        corpus = corpus_for(eval_set, settings, root)
        say(f"set {eval_set.name}: {eval_set.qa.name} over {corpus}")
        results[eval_set.name] = run_eval(settings, eval_set.qa, corpus=corpus, modes=modes, log=say)
        timings[eval_set.name] = time.perf_counter() - start
        say(f"set {eval_set.name}: done in {timings[eval_set.name]:.0f} s")
    return results, timings
