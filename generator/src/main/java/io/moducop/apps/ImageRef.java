package io.moducop.apps;

/**
 * An image reference pinned by digest, as the compose schema's pattern accepted it:
 * {@code [REGISTRY/]REPOSITORY[:TAG]@sha256:HEX}. {@code registry} is null when the reference names
 * none (podman then searches the profile's containers.registries).
 */
public record ImageRef(String registry, String repository, String tag, String digest) {

    public static ImageRef parse(String ref) {
        int at = ref.indexOf("@sha256:");
        String digest = ref.substring(at + 1);
        String name = ref.substring(0, at);
        String tag = null;
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            tag = name.substring(colon + 1);
            name = name.substring(0, colon);
        }
        String registry = null;
        int slash = name.indexOf('/');
        if (slash > 0) {
            String first = name.substring(0, slash);
            // the distribution spec's rule: a first component with a dot or port, or localhost, is a registry
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                name = name.substring(slash + 1);
            }
        }
        return new ImageRef(registry, name, tag, digest);
    }

    /** The reference as written: {@code [REGISTRY/]REPOSITORY[:TAG]@sha256:HEX}. */
    public String reference() {
        return name() + (tag == null ? "" : ":" + tag) + "@" + digest;
    }

    /** {@code [REGISTRY/]REPOSITORY}: what a digest or a tag is appended to. */
    public String name() {
        return (registry == null ? "" : registry + "/") + repository;
    }

    /**
     * The name the device's podman gives the image: {@code REGISTRY/REPOSITORY:TAG}, with
     * {@code sha256-HEX} for a reference without a tag (podman would say "latest"). Also its
     * name in the slot's OCI layout.
     */
    public String localName() {
        return name() + ":" + (tag != null ? tag : "sha256-" + hex());
    }

    /** The 64 hex digits of the manifest digest. */
    public String hex() {
        return digest.substring("sha256:".length());
    }
}
