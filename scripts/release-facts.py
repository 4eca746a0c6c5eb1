#!/usr/bin/env python3
"""What a Yocto release's own recipes put into a ModuCop image, as boot-test's guest must mirror it.

    release-facts.py BUILD_DIR > generator/src/main/resources/releases/RELEASE.yaml

Runs `bitbake -e` (read-only: nothing is fetched or built) in BUILD_DIR, a build directory whose
bblayers.conf holds the release's layers and the generated ModuCop layers with DISTRO = "moducop"
(the one ../shared/yocto/check-layer.sh makes), as the user bitbake runs as, in the build
environment (oe-init-build-env). From the expanded metadata it takes:
- rauc-conf: the directory its do_install puts system.conf (and the keyring) into;
- files the guest must hold as the image does, each found through the recipe's do_install and its
  FILESPATH: systemd-conf's wired.network, systemd's 99-default.preset;
- each unit-carrying package's SYSTEMD_SERVICE and SYSTEMD_AUTO_ENABLE, from which
  systemd.bbclass writes its 98-PKG.preset (the image's rootfs step then runs preset-all);
- systemd's PACKAGECONFIG;
- base-files' symbolic links (the volatile directories, /var/run, /var/lock, /etc/mtab), from the
  `ln -s` lines of its expanded do_install (its `for d in ...` loop over `volatiles` unrolled).
Which packages are in the image is not computed (that needs the runtime dependency graph): the
unit-carrying ones are named in UNIT_PACKAGES; rauc-mark-good is left out as moducop-image's
BAD_RECOMMENDATIONS leaves it out.
"""
import os
import re
import subprocess
import sys

import yaml

UNIT_PACKAGES = {
    "systemd": ["systemd", "systemd-networkd"],
    "podman": ["podman"],
    "rauc": ["rauc-service"],
    "openssh": ["openssh-sshd"],
}
# recipe -> file names in its sources whose installed copy the guest needs
FILES = {
    "systemd-conf": ["wired.network"],
    "systemd": ["99-default.preset"],
}
VAR = re.compile(r'^(?:export )?([A-Za-z0-9_:${}.@/+-]+)="(.*)"$')
FUNC = re.compile(r"^([A-Za-z0-9_:-]+)\(\) \{$")


def bitbake_env(recipe):
    out = subprocess.run(["bitbake", "-e", recipe], check=True, capture_output=True, text=True).stdout
    variables, functions, current = {}, {}, None
    for line in out.splitlines():
        if current is not None:
            if line == "}":
                current = None
            else:
                functions[current].append(line.strip())
            continue
        m = FUNC.match(line)
        if m:
            current = m.group(1)
            functions[current] = []
            continue
        m = VAR.match(line)
        if m:
            variables[m.group(1)] = m.group(2).replace('\\"', '"').replace("\\\\", "\\")
    return variables, functions


def installs(v, f, name):
    """Installed paths (below ${D}) of the do_install lines that install the source file NAME."""
    d = v["D"]
    out = []
    for line in f.get("do_install", []):
        words = line.split()
        if words[:1] == ["install"] and any(w.endswith("/" + name) for w in words[1:-1]) and words[-1].startswith(d):
            target = words[-1][len(d):]
            out.append(target + name if target.endswith("/") else target)
    return out


LN = re.compile(r"^ln -s[nf]* (\S+) (\S+)$")
FOR = re.compile(r"^for (\w+) in (.*); do$")


def links(v, f, recipe):
    """Symbolic links (below ${D}) that do_install makes with `ln -s`, `for VAR in WORDS; do` loops unrolled."""
    d = v["D"]
    out, loop = [], None
    for line in f.get("do_install", []):
        m = FOR.match(line)
        if m:
            loop = (m.group(1), m.group(2).split())
            continue
        if line == "done":
            loop = None
            continue
        m = LN.match(line)
        if not m:
            continue
        values = loop[1] if loop and "$" + loop[0] in line else [None]
        for value in values:
            target, path = m.group(1), m.group(2)
            if value is not None:
                target, path = target.replace("$" + loop[0], value), path.replace("$" + loop[0], value)
            if not path.startswith(d + "/") or "$" in target + path:
                sys.exit("%s: cannot read the link in %r" % (recipe, line))
            out.append({"path": path[len(d):], "target": target, "recipe": recipe})
    return out


def source(v, name):
    for path in v["FILESPATH"].split(":"):
        p = os.path.join(path, name)
        if os.path.isfile(p):
            with open(p) as fh:
                return fh.read()
    sys.exit("%s: not found in FILESPATH" % name)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: release-facts.py BUILD_DIR")
    os.chdir(sys.argv[1])
    env = {r: bitbake_env(r) for r in ["rauc-conf", "base-files", *FILES, *UNIT_PACKAGES]}

    v, f = env["rauc-conf"]
    facts = {"release": v["LAYERSERIES_CORENAMES"].split()[-1]}
    revs = {}
    for path in v["BBLAYERS"].split():
        top = subprocess.run(["git", "-C", path, "rev-parse", "--show-toplevel"], capture_output=True, text=True).stdout.strip()
        rev = subprocess.run(["git", "-C", path, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
        if top and rev:
            revs[os.path.basename(top)] = rev
    facts["sources"] = dict(sorted(revs.items()))
    confs = installs(v, f, "system.conf")
    if len(confs) != 1:
        sys.exit("rauc-conf: expected one install of system.conf in do_install, saw %r" % confs)
    facts["rauc-conf"] = {"dir": os.path.dirname(confs[0])}

    files = []
    for recipe, names in FILES.items():
        v, f = env[recipe]
        for name in names:
            for target in installs(v, f, name):
                files.append({"path": target, "recipe": recipe, "content": source(v, name)})
    facts["files"] = files
    facts["links"] = links(*env["base-files"], "base-files")

    presets = []
    for recipe, packages in UNIT_PACKAGES.items():
        v, _ = env[recipe]
        if recipe == "systemd":
            facts["systemd-packageconfig"] = sorted(v["PACKAGECONFIG"].split())
        for pkg in packages:
            services = v.get("SYSTEMD_SERVICE:" + pkg, "").split()
            if pkg in v.get("SYSTEMD_PACKAGES", "").split() and services:
                action = v.get("SYSTEMD_AUTO_ENABLE:" + pkg, v.get("SYSTEMD_AUTO_ENABLE", "enable"))
                presets.append({"package": pkg, "action": action, "services": services})
    facts["presets"] = presets

    yaml.SafeDumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
        "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None))
    sys.stdout.write("# What the %s release's own recipes put into a ModuCop image, for boot-test's guest.\n"
                     "# Made by scripts/release-facts.py from bitbake -e; checked by ReleaseFactsTest. Do not edit.\n"
                     % facts["release"])
    yaml.safe_dump(facts, sys.stdout, sort_keys=False, default_flow_style=False, width=120)


if __name__ == "__main__":
    main()
