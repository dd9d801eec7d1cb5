"""The searches on a real PostgreSQL server: two worker processes share one study.

pytest-postgresql starts a throwaway server from Debian's binaries through `run_pg_ctl`
(which runs them as the `postgres` user under root); the test skips where they are absent.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from pytest_postgresql import factories

from audiodemo.paths import RESULTS_ENV, ROOT
from audiodemo.search import __main__ as cli
from audiodemo.search.study import shown_storage, storage_url

TRIALS = 8  # completed trials asked of the shared study

postgresql_server = factories.postgresql_proc(
    executable=str(Path(__file__).with_name("run_pg_ctl")), port=None)
search_db = factories.postgresql("postgresql_server", dbname="search")


def _cannot_start_postgresql() -> str | None:
    """Why this machine cannot start a PostgreSQL server, or None."""
    if not glob.glob("/usr/lib/postgresql/*/bin/pg_ctl") and not shutil.which("pg_ctl"):
        return "PostgreSQL is not installed (apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and there is no postgres user to run PostgreSQL as"
        if not shutil.which("setpriv"):
            return "running as root, and setpriv (util-linux) is missing"
    return None


@pytest.fixture
def postgresql_url(request) -> str:
    """A plain `postgresql://` URL of an empty database on a throwaway server."""
    reason = _cannot_start_postgresql()
    if reason:
        pytest.skip(reason)
    info = request.getfixturevalue("search_db").info
    return f"postgresql://{info.user}@{info.host}:{info.port}/{info.dbname}"


def test_a_plain_postgresql_url_gets_psycopg_3():
    assert storage_url("postgresql://ann@db.example/search") == \
        "postgresql+psycopg://ann@db.example/search"
    for url in ["postgresql+psycopg2://ann@db/s", "mysql://ann@db/s", "sqlite:///x.db"]:
        assert storage_url(url) == url


def _search(url: str, data: Path, out: Path) -> list[str]:
    return ["vae-training", "--trials", str(TRIALS), "--storage", url, "--study", "shared",
            "--preset", "tiny", "--data", str(data), "--epochs-scale", "0.01",
            "--out", str(out)]


@pytest.mark.slow
def test_two_workers_share_one_study_on_postgresql(postgresql_url, fake_fsdd, tmp_path,
                                                   capsys):
    # a new database: both workers make Optuna's tables at once (optuna#1092, retried)
    env = {**os.environ, RESULTS_ENV: str(tmp_path)}
    workers = [subprocess.Popen([sys.executable, "-m", "audiodemo.search",
                                 *_search(postgresql_url, fake_fsdd, tmp_path / f"w{i}.json"),
                                 "--threads", "1"],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True) for i in range(2)]
    logs = [w.communicate(timeout=600)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], logs
    # Optuna logs each trial a worker ran: together they ran every trial, none twice
    ran = [{int(n) for n in re.findall(r"Trial (\d+) (?:finished|pruned|failed)", log)}
           for log in logs]
    assert all(ran) and not ran[0] & ran[1], ran
    with psycopg.connect(postgresql_url) as db:
        rows = db.execute("SELECT trial_id, number, state FROM trials").fetchall()
    ids, numbers, states = zip(*rows)
    assert len(set(ids)) == len(rows) and sorted(numbers) == list(range(len(rows)))
    assert set(numbers) == ran[0] | ran[1]
    # each worker stops once the study has enough: at most one more finishes meanwhile
    assert TRIALS <= states.count("COMPLETE") <= TRIALS + 1, states
    # the same command once more runs nothing, writes the whole study, and report reads it
    capsys.readouterr()
    results = tmp_path / "results"
    assert cli.main(_search(postgresql_url, fake_fsdd, results / "shared.json")) == 0
    assert cli.main(["report", "--results", str(results)]) == 0
    shown = capsys.readouterr().out
    table = [line for line in shown.splitlines() if re.match(r"\| \d+ \|", line)]
    assert len(table) == len(rows) and "Table 2" in shown


def test_recorded_storage_urls_hide_their_password():
    assert shown_storage("postgresql://ann:secret@db/s") == "postgresql://ann:***@db/s"
    assert shown_storage("sqlite:///results/search.db") == "sqlite:///results/search.db"
