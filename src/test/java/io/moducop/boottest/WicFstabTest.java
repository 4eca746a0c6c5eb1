package io.moducop.boottest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fstab boot-test --system puts into the guest is what wic writes from a wks. */
class WicFstabTest {

    @Test
    void aMountedPartWithoutOndiskGetsAnSdaLineAndRootPartsNone() {
        String wks = """
                part /uboot --source bootimg-partition --fstype=vfat --label boot --active --align 4096 --fixed-size 64M
                part / --source rootfs --fstype=ext4 --label rootA --align 4096 --fixed-size 1024M
                part / --source rootfs --fstype=ext4 --label rootB --align 4096 --fixed-size 1024M
                part --fstype=none --align 4096 --fixed-size 100M
                bootloader --ptable msdos
                """;
        assertEquals(List.of("/dev/sda1\t/uboot\tvfat\tdefaults\t0\t0"), WicFstab.wicLines(wks));
    }

    @Test
    void ondiskNoFstabUpdateAndMmcblkAreHonoured() {
        String wks = """
                part / --source rootfs --fstype=ext4
                part /boot --ondisk mmcblk0 --fstype=vfat
                part /data --ondisk=vda --fstype=ext4 --fsoptions=noatime
                part /skip --fstype=ext4 --no-fstab-update
                """;
        assertEquals(List.of("/dev/mmcblk0p2\t/boot\tvfat\tdefaults\t0\t0", "/dev/vda3\t/data\text4\tnoatime\t0\t0"),
                WicFstab.wicLines(wks));
    }

    @Test
    void theBaseIsPokysStockFstabMadeReadOnly() {
        String f = WicFstab.of("part / --fstype=ext4\n");
        assertTrue(f.contains("/dev/root            /                    auto       ro              1  0\n"), f);
        assertTrue(f.contains("tmpfs                /var/volatile        tmpfs      defaults"), f);
    }
}
