[=header]
BBPATH .= ":${LAYERDIR}"

BBFILES += "${LAYERDIR}/recipes-*/*/*.bb \
            ${LAYERDIR}/recipes-*/*/*.bbappend"

# The RAUC system configuration applies only when meta-rauc is in the build.
BBFILES_DYNAMIC += "rauc:${LAYERDIR}/dynamic-layers/rauc/*/*/*.bbappend"

BBFILE_COLLECTIONS += "moducop"
BBFILE_PATTERN_moducop = "^${LAYERDIR}/"
BBFILE_PRIORITY_moducop = "7"

# A machine's vendor layer (meta-raspberrypi, meta-yocto-bsp) is needed only to build that
# machine; its conf/machine file says so when the layer is missing.
LAYERDEPENDS_moducop = "core"
LAYERSERIES_COMPAT_moducop = "scarthgap"
