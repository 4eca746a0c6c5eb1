[=header]
BBPATH .= ":${LAYERDIR}"

BBFILES += "${LAYERDIR}/recipes-*/*/*.bb \
            ${LAYERDIR}/recipes-*/*/*.bbappend"

[#if bsp.rauc]
# The RAUC system configuration applies only when meta-rauc is in the build.
BBFILES_DYNAMIC += "rauc:${LAYERDIR}/dynamic-layers/rauc/*/*/*.bbappend"

[/#if]
BBFILE_COLLECTIONS += "moducop"
BBFILE_PATTERN_moducop = "^${LAYERDIR}/"
BBFILE_PRIORITY_moducop = "7"

LAYERDEPENDS_moducop = "[#list bsp.layerDepends as d][=d][#sep] [/#list]"
LAYERSERIES_COMPAT_moducop = "scarthgap"
