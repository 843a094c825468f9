"""`qmetl renormalize`: re-run normalization and loading from each document's stored parse.

For when alias tables or category rules change: no file is re-read (the parse stored at load
time is validated back into a Notice), and only documents normalized by another normalizer
version are redone unless ``everything`` is set. Each document is reloaded in its own
transaction, keeping its extractor version (nothing was re-extracted).
"""

from __future__ import annotations

import time

from loaders.db import get_engine, writer
from loaders.notices import regroup_notices
from loaders.runs import finish_run, new_load_id, start_run
from loaders.store import StoredParse, Versions, stored_parses
from normalizers import NORMALIZER_VERSION
from pipeline.config import Settings
from pipeline.process import FileOutcome, load_parsed
from pipeline.report import RunSummary, summarize
from pipeline.run import prepare_store
from schemas import Notice


def renormalize_one(settings: Settings, stored: StoredParse, load_id: str) -> FileOutcome:
    parsed = Notice.model_validate(stored.parsed)
    vers = Versions(extractor=stored.versions.extractor, normalizer=NORMALIZER_VERSION)
    return load_parsed(settings.with_overrides(force=True), stored.info, parsed, load_id, vers, [], {},
                       time.perf_counter())


def renormalize(settings: Settings, everything: bool = False) -> RunSummary:
    """Re-normalize stored parses into the store; returns the run summary."""
    prepare_store(settings)
    engine = get_engine(settings.db)
    todo = stored_parses(engine, None if everything else NORMALIZER_VERSION)
    load_id = new_load_id()
    start_run(engine, load_id, {"command": "renormalize", "all": everything, **settings.as_dict()})
    started = time.perf_counter()
    outcomes = [renormalize_one(settings, s, load_id) for s in todo]
    regroup_notices(writer(engine))
    summary = summarize(load_id, outcomes, 0, time.perf_counter() - started)
    finish_run(engine, load_id, summary.status, summary.model_dump())
    return summary
