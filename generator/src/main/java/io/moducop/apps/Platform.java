package io.moducop.apps;

import java.util.regex.Pattern;

/** An OCI platform, {@code linux/arm64} or {@code linux/arm/v7}; {@code variant} may be null. */
public record Platform(String os, String architecture, String variant) {

    private static final Pattern TEXT = Pattern.compile("[a-z0-9]{1,32}/[a-z0-9]{1,32}(/[a-z0-9]{1,32})?");

    public static Platform parse(String s) {
        if (s == null || !TEXT.matcher(s).matches()) {
            throw new IllegalArgumentException("not an OCI platform (os/architecture[/variant]): " + s);
        }
        String[] f = s.split("/");
        return new Platform(f[0], f[1], f.length > 2 ? f[2] : null);
    }

    /**
     * An image config or index entry for this platform: the same os, architecture and variant, as
     * the OCI image spec defines them (image-index.md, "Platform Variants"), an absent variant
     * being the default containerd's normalizeArch gives it (containerd/platforms database.go):
     * v8 for arm64 ({@code linux/arm64/v8} is {@code linux/arm64}), v7 for arm, v1 for amd64.
     */
    public boolean matches(String os, String architecture, String variant) {
        return this.os.equals(os) && this.architecture.equals(architecture)
                && normalVariant(this.architecture, this.variant).equals(normalVariant(architecture, variant));
    }

    /** containerd's spellings for these three: "8" for arm64, "7" (or "5", "6", "8") for arm. */
    private static String normalVariant(String architecture, String variant) {
        String v = variant == null ? "" : variant;
        return switch (architecture) {
            case "arm64" -> v.isEmpty() || v.equals("8") ? "v8" : v;
            case "arm" -> v.isEmpty() ? "v7" : v.matches("[5-8]") ? "v" + v : v;
            case "amd64" -> v.isEmpty() ? "v1" : v;
            default -> v;
        };
    }

    /** os/architecture[/variant] as an image labels itself, for messages. */
    static String describe(String os, String architecture, String variant) {
        return os + "/" + architecture + (variant == null || variant.isEmpty() ? "" : "/" + variant);
    }

    @Override
    public String toString() {
        return describe(os, architecture, variant);
    }
}
