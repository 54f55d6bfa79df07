"""``manage.py send_alerts``: one scan, or a loop; bad numbers are refused."""

import pytest
from django.core.management import CommandError, call_command

from archive.alerts.delivery import owe
from archive.alerts.models import Dispatch
from tests.archive.alerts.conftest import matched

pytestmark = pytest.mark.django_db


def test_one_scan_sends_what_is_due(follow, receiver, capsys):
    saved = follow(webhook=receiver)
    owe(matched(saved, "Kim meets Moon"))  # not committed: nothing sent yet
    assert receiver.seen == []
    call_command("send_alerts")
    assert "1 alerts tried." in capsys.readouterr().out
    assert [r.signed for r in receiver.seen] == [True]
    assert Dispatch.objects.get().status == "sent"


@pytest.mark.parametrize("args", [["--interval", "0"], ["--limit", "-1"]])
def test_bad_numbers_are_refused(args):
    with pytest.raises(CommandError, match="must be above 0"):
        call_command("send_alerts", "--loop", *args)
