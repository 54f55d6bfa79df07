"""Two writers at once, as real processes: no lock error, no lost update."""

from tests.search.test_concurrency_support import archive, kill, make_archive  # noqa: F401


def test_two_processes_saving_at_once_lose_no_update_and_raise_no_lock_error(archive):  # noqa: F811
    archive.run("store", "First", "1")
    shared = "1"
    writers = [archive.start("store", name, "10", shared) for name in ("Alpha", "Beta")]
    outputs = [w.communicate(timeout=60) for w in writers]

    for writer, (_, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err
        assert "Traceback" not in err and "Lock" not in err and "queued" not in err, err
    state = archive.state("Shared")
    assert len(state["articles"]) == 21
    # Applied promptly by each writer after its commits, nothing left over...
    assert state["backlog"] == 0
    # ...and the index holds every article at its latest version, the shared one too.
    assert (state["missing"], state["stale"], state["orphans"]) == ([], [], [])
    assert state["documents"] == 21
    assert state["articles"][shared][0] in ("Shared by Alpha 9", "Shared by Beta 9")
    assert state["found"] == [1]


def test_two_drains_at_once_wait_for_each_other_and_apply_each_change_once(archive):  # noqa: F811
    archive.run("seed", "300")
    drains = [archive.start("drain", "50") for _ in range(2)]
    outputs = [d.communicate(timeout=60) for d in drains]

    for drain, (_, err) in zip(drains, outputs, strict=True):
        assert drain.returncode == 0, err
        assert "Traceback" not in err, err
    applied = [int(out.split()[-1]) if out else 0 for out, _ in outputs]
    assert sum(applied) == 300
    state = archive.state()
    assert state["backlog"] == 0 and state["documents"] == 300
    assert (state["missing"], state["stale"], state["orphans"]) == ([], [], [])


def test_a_running_web_process_applies_changes_queued_elsewhere(archive):  # noqa: F811
    web = archive.start("serve", SEARCH_OUTBOX_INTERVAL="1")
    try:
        assert web.stdout.readline().strip() == "serving"
        archive.run("seed", "5")  # queued by another process, never applied by it
        for _ in range(20):
            state = archive.state()
            if state["backlog"] == 0:
                break
        assert state["backlog"] == 0 and state["documents"] == 5
    finally:
        kill(web)
