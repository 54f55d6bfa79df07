"""A Whoosh index directory on a network filesystem (one that machines can share) is
refused with a message that says why and what to use instead."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from search.backends.whoosh.backend import WhooshBackend
from search.backends.whoosh.sharing import filesystem_type, refuse_shared_directory
from search.checks import index_directory_check

MOUNTINFO = """\
27 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 27 0:45 / /srv/shared rw,relatime shared:20 - nfs4 files:/export rw,vers=4.2
41 40 8:2 / /srv/shared/local rw,relatime shared:21 - xfs /dev/sdb1 rw
42 27 0:46 / /mnt/my\\040share rw,relatime shared:22 - cifs //nas/share rw
"""


def test_an_index_on_nfs_is_refused_naming_the_filesystem_and_the_way_out():
    with pytest.raises(ImproperlyConfigured) as refused:
        refuse_shared_directory("/srv/shared/archive/index", MOUNTINFO)

    message = str(refused.value)
    assert "/srv/shared/archive/index" in message
    assert "network filesystem (nfs4)" in message
    assert "SEARCH_BACKEND=postgres" in message


def test_the_deepest_mount_point_decides():
    assert filesystem_type("/srv/shared/local/index", MOUNTINFO) == "xfs"
    assert filesystem_type("/srv/sharedother/index", MOUNTINFO) == "ext4"
    assert filesystem_type("/mnt/my share/index", MOUNTINFO) == "cifs"
    refuse_shared_directory("/srv/shared/local/index", MOUNTINFO)  # a local disk: fine


def test_an_index_on_this_machines_disk_opens(tmp_path, settings):
    settings.SEARCH_BACKEND = "whoosh"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"

    WhooshBackend(tmp_path / "index").ensure_index()
    assert index_directory_check() == []
