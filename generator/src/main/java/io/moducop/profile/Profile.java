package io.moducop.profile;

import io.moducop.apps.App;
import io.moducop.machine.MachineConfig;
import io.moducop.machine.Release;
import java.util.List;

/**
 * A validated board profile: everything the generator needs, defaults filled in.
 * {@code source} is the path as the user gave it, for messages only: nothing generated names it.
 */
public record Profile(
        String source,
        Release release,
        Board board,
        MachineConfig base,
        Storage storage,
        PartitionSizes partitions,
        int bootAttempts,
        Overlays overlays,
        Containers containers,
        List<App> apps,
        Login login,
        Ota ota) {

    public record Board(String name, String description) {
    }

    public record Storage(long size, String table) {
    }

    /** {@code data} is null when the data partition takes the rest of the storage. */
    public record PartitionSizes(long boot, long rootfs, Long data) {
    }

    public record Overlays(List<String> persistent, List<String> volatileDirs) {
    }

    public record Containers(List<String> registries, boolean dockerAlias, boolean compose) {
    }

    /** {@code sshKeys}: authorized_keys lines for root; {@code development}: empty root password, password login. */
    public record Login(List<String> sshKeys, boolean development) {
    }

    /**
     * Update client settings. {@code keyringPem} is the CA certificate text to ship (null: the
     * build configuration names the keyring); key and cert are locations the build reads
     * ({@code env:NAME} or a path), never content.
     */
    public record Ota(String client, String compatible, String keyringPem, String signingKey, String signingCert) {
        public boolean rauc() {
            return "rauc".equals(client);
        }
    }

    /** The partition layout; the loader checked that it fits. */
    public PartitionLayout layout() {
        return PartitionLayout.compute(base.rawArea().size(), storage.size(), storage.table(), partitions.boot(), partitions.rootfs(),
                partitions.data()).layout().orElseThrow();
    }

    /** The source repositories a build of this profile needs: the base board's on its release, then the update client's. */
    public List<MachineConfig.SourceLayer> sourceLayers() {
        if (!ota.rauc()) {
            return base.layers(release);
        }
        List<MachineConfig.SourceLayer> all = new java.util.ArrayList<>(base.layers(release));
        all.add(release.metaRauc());
        return List.copyOf(all);
    }

    /** The same profile with other login settings (boot-test's login scenario adds its own key). */
    public Profile withLogin(Login other) {
        return new Profile(source, release, board, base, storage, partitions, bootAttempts, overlays, containers, apps, other, ota);
    }

    /** The same profile with other update settings (boot-test's app-install makes a bundle for another compatible). */
    public Profile withOta(Ota other) {
        return new Profile(source, release, board, base, storage, partitions, bootAttempts, overlays, containers, apps, login, other);
    }

    /** The same profile on another base board (boot-test runs real-board logic on QEMU's devices). */
    public Profile withBase(MachineConfig other) {
        return new Profile(source, release, board, other, storage, partitions, bootAttempts, overlays, containers, apps, login, ota);
    }
}
