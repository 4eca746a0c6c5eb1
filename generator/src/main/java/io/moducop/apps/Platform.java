package io.moducop.apps;

/** An OCI platform, {@code linux/arm64} or {@code linux/arm/v7}; {@code variant} may be null. */
public record Platform(String os, String architecture, String variant) {

    public static Platform parse(String s) {
        String[] f = s.split("/");
        return new Platform(f[0], f[1], f.length > 2 ? f[2] : null);
    }

    /** An image config or index entry for this platform; a missing variant matches (many arm images omit it). */
    public boolean matches(String os, String architecture, String variant) {
        return this.os.equals(os) && this.architecture.equals(architecture)
                && (variant == null || variant.isEmpty() || variant.equals(this.variant));
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
