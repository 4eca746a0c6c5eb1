[=header]
SUMMARY = "ModuCop A/B boot script for U-Boot, the fw_env.config that reaches its environment, the boot partition's mount"
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://${COMMON_LICENSE_DIR}/MIT;md5=0835ade698e0bcf8506ecda2f7b4f302"

COMPATIBLE_MACHINE = "^moducop-board$"
PACKAGE_ARCH = "${MACHINE_ARCH}"

SRC_URI = " \
    file://boot.cmd \
[#list installs("moducop-boot") as i]
    file://[=i.name] \
[/#list]
"
S = "[=distro.release.sources()]"

DEPENDS = "u-boot-mkimage-native"
RDEPENDS:${PN} = "libubootenv-bin"

inherit deploy kernel-arch systemd

SYSTEMD_SERVICE:${PN} = "[=units("moducop-boot")]"

do_compile() {
    uboot-mkimage -A ${UBOOT_ARCH} -T script -C none -n "ModuCop A/B boot" \
        -d ${S}/boot.cmd ${B}/boot.scr
}

do_install() {
[#list installs("moducop-boot") as i]
    install -D -m [=i.mode] ${S}/[=i.name] ${D}[=i.target]
[/#list]
[#list dirs("moducop-boot") as d]
    install -d -m [=d.mode] ${D}[=d.target]
[/#list]
}
FILES:${PN} += "/uboot"

do_deploy() {
    install -D -m 0644 ${B}/boot.scr ${DEPLOYDIR}/moducop-boot.scr
    # The start of the data partition in the image: moducop-init formats a partition that starts
    # with this marker (or with zeros). 4 KiB covers where an old ext4 superblock would be.
    { printf 'MODUCOP-DATA-BLANK\n'; head -c 4077 /dev/zero; } > ${DEPLOYDIR}/moducop-data-blank.img
}
addtask deploy after do_compile before do_build

# A machine runqemu boots (QB_OPT_APPEND in its machine configuration): the second flash bank,
# where U-Boot keeps its environment. Blank flash, the whole 64 MiB bank QEMU requires; runqemu
# writes to it as a board writes its flash, and deploying again blanks it.
do_deploy:append:moducop-runqemu() {
    head -c 67108864 /dev/zero | tr '\000' '\377' > ${DEPLOYDIR}/moducop-uboot-env-pflash.img
}
