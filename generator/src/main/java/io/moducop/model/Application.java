package io.moducop.model;

import io.moducop.apps.ComposeApp;
import java.util.List;

/** An application as the generated files need it: its name and its compose file's typed content. */
public record Application(String name, ComposeApp compose) {

    /**
     * One preloaded image: the pinned digest's hex, the repository podman knows it by, and its
     * name there and in the slot's OCI layout ({@link ImageRef#localName}).
     */
    public record Image(String hex, String repository, String name) {
    }

    public List<Image> images() {
        return compose.images().stream().map(r -> new Image(r.hex(), r.name(), r.localName())).toList();
    }
}
