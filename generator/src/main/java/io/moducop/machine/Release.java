package io.moducop.machine;

import java.util.Arrays;
import java.util.List;

/**
 * The Yocto releases moducop generates layers for, and what differs between them in a layer like
 * ours. A profile chooses one ({@code yocto.release}); base boards name their layers per release.
 */
public enum Release {

    /** Yocto 5.0, LTS until April 2028: the combined poky repository. */
    SCARTHGAP("scarthgap", "5.0", "${WORKDIR}", "wic", "sources/poky", "meta-poky/conf/templates/default",
            ".spdx.tar.zst", ".json", "PACKAGECONFIG"),

    /**
     * Yocto 6.0, LTS until April 2030: bitbake, openembedded-core and meta-yocto as separate
     * repositories; file:// sources unpack into UNPACKDIR; wks files are found in files/wic.
     */
    WRYNOSE("wrynose", "6.0", "${UNPACKDIR}", "files/wic", "sources/openembedded-core", "meta/conf/templates/default",
            ".spdx.json", ".sbom-cve-check.yocto.json", "PODMAN_FEATURES");

    public static final Release DEFAULT = WRYNOSE;

    private final String id;
    private final String version;
    private final String sources;
    private final String wksDir;
    private final String coreRepo;
    private final String templateConf;
    private final String sbomSuffix;
    private final String cveSuffix;
    private final String podmanFeatures;
    private volatile ReleaseFacts facts;

    Release(String id, String version, String sources, String wksDir, String coreRepo, String templateConf,
            String sbomSuffix, String cveSuffix, String podmanFeatures) {
        this.id = id;
        this.version = version;
        this.sources = sources;
        this.wksDir = wksDir;
        this.coreRepo = coreRepo;
        this.templateConf = templateConf;
        this.sbomSuffix = sbomSuffix;
        this.cveSuffix = cveSuffix;
        this.podmanFeatures = podmanFeatures;
    }

    /** The podman recipe's variable that holds its "docker" wrapper feature (moved out of PACKAGECONFIG in wrynose). */
    public String podmanFeatures() {
        return podmanFeatures;
    }

    /**
     * The image's SBOM beside the image in the deploy directory, after its IMAGE_LINK_NAME:
     * create-spdx (on by default in both releases) writes SPDX 2.2 as a tarball on scarthgap and one
     * SPDX 3.0 document on wrynose.
     */
    public String sbomSuffix() {
        return sbomSuffix;
    }

    /**
     * The CVE report, when the build configuration inherits cve-check (scarthgap) or sbom-cve-check
     * (wrynose); neither is on by default (both fetch a CVE database).
     */
    public String cveSuffix() {
        return cveSuffix;
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

    /** What this release's own recipes put into the image, as boot-test's guest mirrors it. */
    public ReleaseFacts facts() {
        ReleaseFacts f = facts;
        if (f == null) {
            f = ReleaseFacts.load(id);
            facts = f;
        }
        return f;
    }

    public static Release of(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown release " + id));
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Release::id).toList();
    }
}
