[=header]
SUMMARY = "ModuCop A/B boot script for U-Boot and the fw_env.config that reaches its environment"
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://${COMMON_LICENSE_DIR}/MIT;md5=0835ade698e0bcf8506ecda2f7b4f302"

COMPATIBLE_MACHINE = "^moducop-board$"
PACKAGE_ARCH = "${MACHINE_ARCH}"

SRC_URI = "file://boot.cmd file://fw_env.config"
S = "${WORKDIR}"

DEPENDS = "u-boot-mkimage-native"
RDEPENDS:${PN} = "libubootenv-bin"

inherit deploy kernel-arch

do_compile() {
    uboot-mkimage -A ${UBOOT_ARCH} -T script -C none -n "ModuCop A/B boot" \
        -d ${S}/boot.cmd ${B}/boot.scr
}

# Mount point of the boot partition when U-Boot's environment is a file on it (machine conf).
MODUCOP_BOOT_MOUNT ??= ""

do_install() {
[#list installs("moducop-boot") as i]
    install -D -m [=i.mode] ${S}/[=i.name] ${D}[=i.target]
[/#list]
    if [ -n "${MODUCOP_BOOT_MOUNT}" ]; then
        install -d ${D}${MODUCOP_BOOT_MOUNT}
    fi
}
FILES:${PN} += "${MODUCOP_BOOT_MOUNT}"

do_deploy() {
    install -D -m 0644 ${B}/boot.scr ${DEPLOYDIR}/moducop-boot.scr
}
addtask deploy after do_compile before do_build
