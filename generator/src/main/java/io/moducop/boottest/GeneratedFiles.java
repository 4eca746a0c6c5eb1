package io.moducop.boottest;

import io.moducop.layer.GeneratedLayers;
import io.moducop.profile.Profile;
import java.util.List;
import java.util.SortedMap;

/** What is under test: the generated layers, and the profile they were generated from. */
public record GeneratedFiles(Profile profile, GeneratedLayers layers, String fstab, String bootCmd) {

    /**
     * {@code profile} is the one boot-test runs (on QEMU's board); {@code asked} the one the user
     * named: the fstab comes from the wks generated for it, as wic would write it into its image.
     */
    public static GeneratedFiles of(Profile profile, Profile asked) {
        GeneratedLayers layers = GeneratedLayers.of(List.of(profile));
        GeneratedLayers askedLayers = asked == profile ? layers : GeneratedLayers.of(List.of(asked));
        return new GeneratedFiles(profile, layers, WicFstab.of(askedLayers.wks(asked.board().name())),
                layers.bootScript(profile.board().name()));
    }

    public SortedMap<String, byte[]> files() {
        return layers.files();
    }

    /** The content of a file the machine's recipes install (e.g. system.conf). */
    public String installed(String name) {
        return layers.installed(profile.board().name(), name);
    }

    public GeneratedFiles withFile(String path, byte[] content) {
        SortedMap<String, byte[]> f = new java.util.TreeMap<>(layers.files());
        if (content == null) {
            f.remove(path);
        } else {
            f.put(path, content);
        }
        return new GeneratedFiles(profile, new GeneratedLayers(layers.model(), f), fstab, bootCmd);
    }

    public GeneratedFiles withFstab(String fstab) {
        return new GeneratedFiles(profile, layers, fstab, bootCmd);
    }

    public GeneratedFiles withBootCmd(String bootCmd) {
        return new GeneratedFiles(profile, layers, fstab, bootCmd);
    }
}
