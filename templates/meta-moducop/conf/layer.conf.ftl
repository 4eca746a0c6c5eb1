[=header]
BBPATH .= ":${LAYERDIR}"

BBFILES += "${LAYERDIR}/recipes-*/*/*.bb \
            ${LAYERDIR}/recipes-*/*/*.bbappend"

# Parts for other layers apply only when those layers are in the build: the RAUC system
# configuration with meta-rauc, a vendor kernel's RAUC options with the layer that has the kernel.
BBFILES_DYNAMIC += " \
    rauc:${LAYERDIR}/dynamic-layers/rauc/*/*/*.bbappend \
[#list layers.kernelLayers() as k]
    [=k]:${LAYERDIR}/dynamic-layers/[=k]/*/*/*.bbappend \
[/#list]
"

BBFILE_COLLECTIONS += "moducop"
BBFILE_PATTERN_moducop = "^${LAYERDIR}/"
BBFILE_PRIORITY_moducop = "7"

# A machine's vendor layer (meta-raspberrypi, meta-yocto-bsp) is needed only to build that
# machine; its conf/machine file says so when the layer is missing.
LAYERDEPENDS_moducop = "core"
LAYERSERIES_COMPAT_moducop = "[=distro.release.id()]"
