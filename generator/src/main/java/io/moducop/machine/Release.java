package io.moducop.machine;

import java.util.Arrays;
import java.util.List;

/**
 * The Yocto releases moducop generates layers for, and what differs between them in a layer like
 * ours. A profile chooses one ({@code yocto.release}); base boards name their layers per release.
 */
public enum Release {

    /** Yocto 5.0, LTS until April 2028: the combined poky repository. */
    SCARTHGAP("scarthgap", "5.0", "${WORKDIR}", "wic", "sources/poky", "meta-poky/conf/templates/default"),

    /**
     * Yocto 6.0, LTS until April 2030: bitbake, openembedded-core and meta-yocto as separate
     * repositories; file:// sources unpack into UNPACKDIR; wks files are found in files/wic.
     */
    WRYNOSE("wrynose", "6.0", "${UNPACKDIR}", "files/wic", "sources/openembedded-core", "meta/conf/templates/default");

    public static final Release DEFAULT = WRYNOSE;

    private final String id;
    private final String version;
    private final String sources;
    private final String wksDir;
    private final String coreRepo;
    private final String templateConf;

    Release(String id, String version, String sources, String wksDir, String coreRepo, String templateConf) {
        this.id = id;
        this.version = version;
        this.sources = sources;
        this.wksDir = wksDir;
        this.coreRepo = coreRepo;
        this.templateConf = templateConf;
    }

    /** The codename: LAYERSERIES_COMPAT, branch names. */
    public String id() {
        return id;
    }

    public String version() {
        return version;
    }

    /** Where a recipe's file:// sources are: what {@code S} is set to. */
    public String sources() {
        return sources;
    }

    /** The directory of a layer that wic searches for .wks files. */
    public String wksDir() {
        return wksDir;
    }

    /** The checkout holding oe-init-build-env, relative to the build's work directory. */
    public String coreRepo() {
        return coreRepo;
    }

    /** What a build directory's conf/templateconf.cfg names. */
    public String templateConf() {
        return templateConf;
    }

    /** meta-rauc's branch for this release. */
    public MachineConfig.SourceLayer metaRauc() {
        return new MachineConfig.SourceLayer("meta-rauc", "https://github.com/rauc/meta-rauc.git", id, List.of("."));
    }

    public static Release of(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown release " + id));
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Release::id).toList();
    }
}
