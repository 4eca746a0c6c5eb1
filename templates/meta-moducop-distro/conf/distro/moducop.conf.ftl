[=header]
require conf/distro/poky.conf

DISTRO = "moducop"
DISTRO_NAME = "ModuCop"
DISTRO_VERSION = "1.0"
DISTRO_CODENAME = "[=distro.release.id()]"

# podman needs seccomp and ipv6; meta-virtualization wants virtualization[#if distro.rauc];
# rauc turns on meta-rauc's bbappends[/#if].
DISTRO_FEATURES:append = " systemd usrmerge virtualization seccomp ipv6[#if distro.rauc] rauc[/#if]"
[#if distro.release.id() == "scarthgap"]
DISTRO_FEATURES_BACKFILL_CONSIDERED:append = " sysvinit"
[/#if]
INIT_MANAGER = "systemd"
[#if distro.rauc]

# rauc install http://... streams the bundle through a network block device. meta-rauc builds
# NBD into linux-yocto (rauc.cfg); where a kernel has it as a module, nothing loads it on demand.
KERNEL_MODULE_AUTOLOAD:append = " nbd"
[/#if]

# /root is a persistent overlay; poky's default home for root is /home/root.
ROOT_HOME = "/root"

# Containers of one compose project find each other by name: netavark with aardvark-dns
# (meta-virtualization's default is CNI, which has no name resolution here).
VIRTUAL-RUNTIME_container_networking = "netavark"
VIRTUAL-RUNTIME_container_dns = "aardvark-dns"
[#if !distro.containers.dockerAlias]

# No docker command: podman only.
[=distro.release.podmanFeatures()]:remove:pn-podman = "docker"
[/#if]
