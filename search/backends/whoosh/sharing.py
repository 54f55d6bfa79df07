"""One Whoosh index directory belongs to one machine: a directory on a network
filesystem is refused.

Two machines can only share a directory over a network filesystem, and there the index
is not safe: Whoosh's writer lock is a lock file, which NFS and SMB do not make atomic
between machines, and each process trusts its own view of which segment files are
current, which a network filesystem's attribute caching makes stale. Two writers would
commit over each other, and readers would open segments that are half written or gone.
Processes of one machine (web workers, the task worker, containers sharing a volume) see
one kernel's locks and files, so they are fine. Several machines: SEARCH_BACKEND=postgres.
"""

import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Filesystems that another machine can mount too (types as /proc/self/mountinfo names them).
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "ceph", "glusterfs",
        "fuse.glusterfs", "fuse.sshfs", "fuse.s3fs", "fuse.gcsfuse", "fuse.rclone",
        "fuse.cephfs", "lustre", "gpfs", "beegfs", "ocfs2", "gfs2",
    }
)  # fmt: skip
MOUNTINFO = Path("/proc/self/mountinfo")


def _unescape(field: str) -> str:
    # mountinfo writes a space in a mount point as \040 (octal), a backslash as \134.
    return re.sub(r"\\([0-7]{3})", lambda match: chr(int(match[1], 8)), field)


def filesystem_type(path: Path, mountinfo: str) -> str:
    """The type of the filesystem ``path`` is on: that of the deepest mount point above it."""
    target = os.path.realpath(path)
    deepest, kind = "", ""
    for line in mountinfo.splitlines():
        mount_fields, _, fs_fields = line.partition(" - ")
        mount_point = _unescape(mount_fields.split()[4])
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(deepest):
            deepest, kind = mount_point, fs_fields.split()[0]
    return kind


def refuse_shared_directory(path: Path, mountinfo: str | None = None) -> None:
    """Raise ImproperlyConfigured when ``path`` is on a network filesystem."""
    if mountinfo is None:
        try:
            mountinfo = MOUNTINFO.read_text()
        except OSError:  # not Linux: nothing to tell by
            return
    kind = filesystem_type(path, mountinfo)
    if kind in NETWORK_FILESYSTEMS:
        raise ImproperlyConfigured(
            f"SEARCH_INDEX_DIR={path} is on a network filesystem ({kind}). A Whoosh index "
            "must be on a disk of the machine that uses it: machines sharing one index "
            "directory would overwrite each other's changes. For several machines use "
            "SEARCH_BACKEND=postgres (README: When to switch)."
        )
