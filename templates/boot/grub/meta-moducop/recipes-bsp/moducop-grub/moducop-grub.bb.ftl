[=header]
SUMMARY = "ModuCop A/B boot configuration for GRUB: grub.cfg and grubenv on the EFI system partition, the partition's mount"
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://${COMMON_LICENSE_DIR}/MIT;md5=0835ade698e0bcf8506ecda2f7b4f302"

COMPATIBLE_MACHINE = "^moducop-grub-board$"
PACKAGE_ARCH = "${MACHINE_ARCH}"

SRC_URI = " \
    file://grub.cfg \
[#list installs("moducop-grub") as i]
    file://[=i.name] \
[/#list]
"
S = "[=distro.release.sources()]"

DEPENDS = "grub-native"
# RAUC's GRUB backend runs grub-editenv; meta-rauc adds it only for a grub virtual/bootloader.
RDEPENDS:${PN} = "grub-editenv"
RPROVIDES:${PN} += "virtual-grub-bootconf"

inherit deploy systemd

SYSTEMD_SERVICE:${PN} = "[=units("moducop-grub")]"

do_compile() {
    grub-script-check ${S}/grub.cfg
    # Every variable exists from the first boot on: RAUC's GRUB backend fails on a missing one.
    grub-editenv ${B}/grubenv create
    grub-editenv ${B}/grubenv set ORDER="A B" A_OK=1 A_TRY=0 B_OK=1 B_TRY=0
}

do_install() {
[#list installs("moducop-grub") as i]
    install -D -m [=i.mode] ${S}/[=i.name] ${D}[=i.target]
[/#list]
[#list dirs("moducop-grub") as d]
    install -d -m [=d.mode] ${D}[=d.target]
[/#list]
}
FILES:${PN} += "/efi"

do_deploy() {
    install -D -m 0644 ${S}/grub.cfg ${DEPLOYDIR}/moducop-grub.cfg
    install -D -m 0644 ${B}/grubenv ${DEPLOYDIR}/moducop-grubenv
    # The start of the data partition in the image: moducop-init formats a partition that starts
    # with this marker (or with zeros). 4 KiB covers where an old ext4 superblock would be.
    { printf 'MODUCOP-DATA-BLANK\n'; head -c 4077 /dev/zero; } > ${DEPLOYDIR}/moducop-data-blank.img
}
addtask deploy after do_compile before do_build
