#!/usr/bin/env python3
"""Entrypoint of localhost/moducop-builder:debian-12.

Mirrors the command-line contract of the crops/poky image, whose entrypoint
chain is  dumb-init -- poky-entry.py  ->  usersetup.py  ->  sudo -u pokyuser
poky-launch.sh  (github.com/crops/poky-container, crops/extsdk-container).
This is an independent re-implementation of that *behaviour*, done in one
process running as root instead of via an unprivileged user plus sudo.
See NOTES.md next to this file for the interface and its quirks.
"""
import argparse
import grp
import os
import pwd
import subprocess
import sys

USERNAME = "pokyuser"
DEFAULT_WORKDIR = "/home/pokyuser"
# The image's WORKDIR. If the container starts elsewhere, `run --workdir` was
# given to the engine and wins over the entrypoint's own --workdir (as in crops).
IMAGE_WORKDIR = "/home/yoctouser"


def fail(message, code=1):
    print(f"builder-entry: {message}", file=sys.stderr)
    sys.exit(code)


parser = argparse.ArgumentParser(prog="builder-entry")
parser.add_argument("--workdir", default=DEFAULT_WORKDIR,
                    help="directory to run in; unless --id is given, the "
                         "build user takes the uid and gid of its owner")
parser.add_argument("--id",
                    help="uid:gid for the build user instead of the "
                         "owner of the workdir")
parser.add_argument("cmd", nargs=argparse.REMAINDER,
                    help="command (and arguments) to run as the build user "
                         "in the workdir; an interactive bash if omitted")
args = parser.parse_args()

if os.getcwd() != IMAGE_WORKDIR:
    args.workdir = os.getcwd()

uid = gid = None
if args.id:
    try:
        uid_text, gid_text = args.id.split(":")
        uid, gid = int(uid_text), int(gid_text)
    except ValueError:
        fail(f'--id must look like uid:gid, got "{args.id}"', 2)
elif args.workdir == DEFAULT_WORKDIR:
    # The default workdir does not exist yet, so there is no owner to copy.
    uid, gid = 1000, 1000


def workdir_owner():
    try:
        st = os.stat(args.workdir)
    except OSError as err:
        fail(f'cannot stat workdir "{args.workdir}": {err.strerror}')
    if st.st_uid == 0 or st.st_gid == 0:
        fail(f'The uid:gid for "{args.workdir}" is "{st.st_uid}:{st.st_gid}". '
             "The uid and gid must be non-zero. Check that the volume or bind "
             "mount exists and has a non-zero owner, or pass --id uid:gid.")
    return st


# As in crops' usersetup.py, a zero (or missing) id means "take it from the
# workdir", so --id 0:0 does not give root: it falls back to the owner check.
if not uid:
    uid = workdir_owner().st_uid
if not gid:
    gid = workdir_owner().st_gid

try:
    grp.getgrgid(gid)
except KeyError:
    subprocess.run(["groupadd", "-o", "-g", str(gid), USERNAME], check=True)

try:
    existing = pwd.getpwuid(uid).pw_name
except KeyError:
    existing = None
    subprocess.run(["useradd", "-N", "-m", "-o", "-u", str(uid),
                    "-g", str(gid), USERNAME], check=True)
if existing is not None and existing != USERNAME:
    # crops would skip useradd here and then die in `sudo -u pokyuser`.
    fail(f'uid {uid} already belongs to account "{existing}" in the image; '
         f'the build user "{USERNAME}" cannot be created (crops/poky fails '
         'the same way). Use a workdir owned by another uid or pass --id.')

user = pwd.getpwnam(USERNAME)
os.initgroups(USERNAME, gid)
os.setgid(gid)
os.setuid(uid)
os.environ.update(HOME=user.pw_dir, USER=USERNAME, LOGNAME=USERNAME)

try:
    os.chdir(args.workdir)
except OSError as err:
    fail(f'cannot enter workdir "{args.workdir}": {err.strerror}')

cmd = list(args.cmd)
# argparse keeps a "--" that precedes the command; crops hands it to bash's
# `exec "$@"`, which drops it. Do the same.
if cmd and cmd[0] == "--":
    cmd = cmd[1:]
    if not cmd:
        sys.exit(0)
if not cmd:
    cmd = ["bash", "-i"]

try:
    os.execvp(cmd[0], cmd)
except FileNotFoundError:
    fail(f"{cmd[0]}: command not found", 127)
except OSError as err:
    fail(f"{cmd[0]}: {err.strerror}", 126)
