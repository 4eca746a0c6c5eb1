[=header]
BBPATH .= ":${LAYERDIR}"

BBFILES += "${LAYERDIR}/recipes-*/*/*.bb \
            ${LAYERDIR}/recipes-*/*/*.bbappend"

BBFILE_COLLECTIONS += "moducop-distro"
BBFILE_PATTERN_moducop-distro = "^${LAYERDIR}/"
BBFILE_PRIORITY_moducop-distro = "7"

LAYERDEPENDS_moducop-distro = "core openembedded-layer meta-python virtualization-layer[#if distro.rauc] rauc[/#if]"
LAYERSERIES_COMPAT_moducop-distro = "[=distro.release.id()]"
