"""Processes killed with SIGKILL at the worst moments: nothing is lost or half-written."""

from tests.search.test_concurrency_support import archive, kill, make_archive  # noqa: F401


def assert_index_agrees(state: dict) -> None:
    assert state["backlog"] == 0
    assert (state["missing"], state["stale"], state["orphans"]) == ([], [], [])
    assert state["documents"] == len(state["articles"])


def sync(archive) -> str:  # noqa: F811
    done = archive.manage("search_index", "sync")
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_killed_after_commit_before_the_index_write_sync_applies_it(archive):  # noqa: F811
    archive.run("store", "Before", "2")
    worker = archive.start("kill-after-commit", "Committed then killed")
    worker.communicate(timeout=60)
    assert worker.returncode == -9

    state = archive.state("committed killed")
    assert state["articles"]["3"][0] == "Committed then killed"
    assert state["backlog"] == 1 and state["documents"] == 2 and state["found"] == []

    assert "Applied 1 queued change(s)" in sync(archive)
    state = archive.state("committed killed")
    assert_index_agrees(state)
    assert state["found"] == [3]


def test_killed_mid_ingest_leaves_whole_articles_and_sync_indexes_them(archive):  # noqa: F811
    worker = archive.start("ingest", "5000")
    for line in worker.stdout:
        if int(line.split()[-1]) >= 30:
            break
    kill(worker)
    assert worker.returncode == -9

    state = archive.state()
    assert len(state["articles"]) >= 30
    # Each article came with its byline and both tags, or not at all...
    assert all(tags == 2 and authors == 1 for _, tags, authors in state["articles"].values())
    # ...and with its queued change.
    assert state["backlog"] == len(state["articles"]) and state["documents"] == 0

    sync(archive)
    assert_index_agrees(archive.state())


def test_killed_while_writing_the_index_loses_nothing(archive):  # noqa: F811
    archive.run("seed", "300")
    worker = archive.start("drain", "100")
    assert worker.stdout.readline().split() == ["drained", "100"]
    kill(worker)  # during the next batch

    sync(archive)
    state = archive.state()
    assert len(state["articles"]) == 300
    assert_index_agrees(state)
