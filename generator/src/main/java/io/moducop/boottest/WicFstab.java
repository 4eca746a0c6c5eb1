package io.moducop.boottest;

import java.util.ArrayList;
import java.util.List;

/**
 * The /etc/fstab a root slot gets in the image: poky base-files' stock fstab as Yocto's
 * read-only-rootfs leaves it (the /dev/root line "ro", pass 0), plus the lines wic's direct
 * imager appends for every wks partition with a mount point other than "/" that does not say
 * --no-fstab-update: {@code /dev/<disk><N> <mountpoint> <fstype> defaults 0 0}, where --ondisk
 * defaults to sda (poky scripts/lib/wic/ksparser.py) and mmcblk disks get a "p" before N.
 */
final class WicFstab {

    static final String BASE_FILES_READ_ONLY = """
            # stock fstab - you probably want to override this with a machine specific one

            /dev/root            /                    auto       ro              1  0
            proc                 /proc                proc       defaults              0  0
            devpts               /dev/pts             devpts     mode=0620,ptmxmode=0666,gid=5      0  0
            tmpfs                /run                 tmpfs      mode=0755,nodev,nosuid,strictatime 0  0
            tmpfs                /var/volatile        tmpfs      defaults              0  0

            # uncomment this if your device has a SD/MMC/Transflash slot
            #/dev/mmcblk0p1       /media/card          auto       defaults,sync,noauto  0  0

            """;

    private WicFstab() {
    }

    /** The whole fstab for a root slot of an image made from {@code wks}. */
    static String of(String wks) {
        StringBuilder sb = new StringBuilder(BASE_FILES_READ_ONLY);
        wicLines(wks).forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    /** The lines wic appends, in partition order. */
    static List<String> wicLines(String wks) {
        List<String> out = new ArrayList<>();
        int num = 0;
        for (String line : wks.lines().map(String::strip).toList()) {
            if (!line.startsWith("part ") && !line.startsWith("partition ")) {
                continue;
            }
            num++;
            String[] t = line.split("\\s+");
            String mount = t.length > 1 && !t[1].startsWith("--") ? t[1] : null;
            String disk = "sda";
            String fstype = null;
            String opts = "defaults";
            boolean noUpdate = false;
            for (int i = 1; i < t.length; i++) {
                String a = t[i];
                String next = i + 1 < t.length ? t[i + 1] : null;
                if (a.equals("--no-fstab-update")) {
                    noUpdate = true;
                } else if (a.startsWith("--ondisk=") || a.startsWith("--ondrive=")) {
                    disk = a.substring(a.indexOf('=') + 1);
                } else if ((a.equals("--ondisk") || a.equals("--ondrive")) && next != null) {
                    disk = next;
                } else if (a.startsWith("--fstype=")) {
                    fstype = a.substring(9);
                } else if (a.equals("--fstype") && next != null) {
                    fstype = next;
                } else if (a.startsWith("--fsoptions=")) {
                    opts = a.substring(12);
                }
            }
            if (mount == null || mount.equals("/") || noUpdate || !(mount.startsWith("/") || mount.equals("swap"))) {
                continue;
            }
            String dev = "/dev/" + disk + (disk.startsWith("mmcblk") ? "p" : "") + num;
            out.add(String.join("\t", dev, mount, fstype == null ? "auto" : fstype, opts, "0", "0"));
        }
        return out;
    }
}
