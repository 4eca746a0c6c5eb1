package io.moducop.boottest;

import io.moducop.profile.PartitionLayout;
import io.moducop.util.Processes;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds disk images with the profile's partition layout from the generated files, without root
 * or loop devices: sfdisk on a sparse file, mkfs.vfat -C + mcopy, mkfs.ext4 -d, then the
 * partition images copied in at their offsets (zero blocks skipped, so the disk stays sparse).
 * The real userland's slots are made by mkfs.ext4 straight at their partition's offset.
 */
final class DiskBuilder {

    /** What the data partition holds before the first boot. */
    enum Data { BLANK, MISSING, FOREIGN }

    private static final String GPT_BASIC_DATA = "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7";
    private static final String GPT_LINUX = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";

    private final HostAssets assets;
    private final PartitionLayout layout;
    private final Path work;
    private final Map<String, Path> images = new ConcurrentHashMap<>();

    DiskBuilder(HostAssets assets, PartitionLayout layout, Path work) {
        this.assets = assets;
        this.layout = layout;
        this.work = work;
    }

    PartitionLayout layout() {
        return layout;
    }

    /** The vfat boot partition holding boot.scr compiled from {@code bootCmd} by mkimage. */
    synchronized Path bootPartition(String bootCmd) throws IOException {
        return images.computeIfAbsent("boot-" + sha256(bootCmd), key -> build(() -> {
            Path cmd = work.resolve(key + ".cmd");
            Path scr = work.resolve(key + ".scr");
            Path img = work.resolve(key + ".img");
            Files.writeString(cmd, bootCmd);
            run(assets.tool("mkimage").toString(), "-A", "arm64", "-T", "script", "-C", "none",
                    "-n", "ModuCop A/B boot", "-d", cmd.toString(), scr.toString());
            Files.deleteIfExists(img);
            run(assets.tool("mkfs.vfat").toString(), "-C", "-n", "BOOT", img.toString(),
                    String.valueOf(layout.part("boot").size() / 1024));
            run(assets.tool("mcopy").toString(), "-i", img.toString(), scr.toString(), "::/boot.scr");
            return img;
        }));
    }

    /**
     * A root slot: the small Debian arm64 root file system with the generated overlay init as
     * /sbin/moducop-init and boot-test's reporter as /sbin/init. {@code bootable} false leaves out
     * the kernel, so U-Boot's load fails as on a slot holding no system.
     */
    synchronized Path rootSlot(String label, boolean bootable, BootFlow flow) throws IOException {
        String overlayInit = flow.overlayInit();
        StringBuilder overlays = new StringBuilder();
        flow.overlays().persistent().forEach(d -> overlays.append("persistent ").append(d).append('\n'));
        flow.overlays().volatileDirs().forEach(d -> overlays.append("volatile ").append(d).append('\n'));
        String key = label + (bootable ? "-ok-" : "-broken-") + sha256(overlayInit + overlays);
        return images.computeIfAbsent(key, k -> build(() -> {
            Path dir = work.resolve(k + ".d");
            delete(dir);
            run("cp", "-a", assets.rootfs().toString(), dir.toString());
            Files.createDirectories(dir.resolve("boot"));
            Files.createDirectories(dir.resolve("etc/moducop"));
            if (bootable) {
                Files.copy(assets.kernel(), dir.resolve("boot/Image"));
                Files.copy(assets.initramfs(), dir.resolve("boot/initramfs"));
            }
            writeExecutable(dir.resolve("sbin/moducop-init"), overlayInit);
            Files.deleteIfExists(dir.resolve("sbin/init"));
            try (var in = DiskBuilder.class.getClassLoader().getResourceAsStream("boottest/test-init.sh")) {
                writeExecutable(dir.resolve("sbin/init"), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            Files.writeString(dir.resolve("etc/moducop/rootfs-id"), "boottest-" + label + "\n");
            Files.writeString(dir.resolve("boottest-overlays"), overlays); // the profile's overlays, for the reporter
            Path img = work.resolve(k + ".img");
            Files.deleteIfExists(img);
            run(assets.tool("mkfs.ext4").toString(), "-q", "-F", "-L", label, "-E", "root_owner=0:0", "-d", dir.toString(),
                    img.toString(), layout.part(label).size() / 1024 + "k");
            delete(dir);
            return img;
        }));
    }

    /**
     * What a --system root slot holds beyond the cached Debian userland: the files the recipes
     * install where they install them (the generated ones, the release's own, the RAUC keyring the
     * build supplies), the fstab wic would write, the system-preset files the image's packages get
     * (applied as the image's rootfs step applies them), {@code variant} (a marker file,
     * /etc/moducop-boottest-variant, so that two images differ, as an update's does), and the
     * applications' images as moducop-apps installs them from the build's export ({@code appImages}:
     * that OCI layout, or null).
     */
    record SystemSpec(List<GuestFiles.Entry> files, String fstab, List<GuestFiles.PresetFile> presets, String variant,
                      List<HarnessFile> harness, Path appImages) {
        String key() {
            StringBuilder sb = new StringBuilder(fstab).append(presets).append(variant);
            if (appImages != null) {
                try {
                    sb.append(Files.readString(appImages.resolve("index.json")));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            for (HarnessFile h : harness) {
                sb.append(h.target()).append(h.content()).append(h.enable());
            }
            for (GuestFiles.Entry e : files) {
                sb.append(e.target()).append(e.mode()).append(e.linkTarget() != null ? "->" + e.linkTarget()
                        : e.content() == null ? "dir" : sha256(e.content()));
            }
            return sha256(sb.toString());
        }
    }

    /**
     * A root slot of the real userland: the cached Debian arm64 root, the kernel and initramfs in
     * /boot, {@code spec} applied, boot-test's reporter unit (harness, enabled for
     * multi-user.target) and /etc/moducop/rootfs-id as the image recipe writes it (a hash of the
     * content). Needs root: the tree keeps its owners.
     */
    /**
     * A file the harness adds or replaces, kept apart from the generated ones and reported: a
     * stand-in for what a Yocto layer other than ours installs (and Debian does not), or a
     * substitution the emulated board forces, with the reason.
     */
    record HarnessFile(String target, int mode, String content, boolean enable, String reason) {
        /** Enables a unit the userland has already ({@code content} null: nothing written). */
        static HarnessFile enable(String unit, String reason) {
            return new HarnessFile(unit, 0644, null, true, reason);
        }

        /** {@code content} is the resource boottest/system/harness/{@code name}. */
        static HarnessFile resource(String target, int mode, String name, boolean enable, String reason) throws IOException {
            return new HarnessFile(target, mode, SystemScenarios.resource("boottest/system/harness/" + name), enable, reason);
        }
    }

    /** A --system root slot: {@code name} is its file system label, {@code spec} what it holds. */
    record SystemSlot(String name, SystemSpec spec) {
    }

    /**
     * Writes {@code slot} as an ext4 file system straight into partition {@code part} of an
     * assembled disk (mkfs.ext4 -E offset=), so no slot image sits on the host's disk beside it.
     */
    void writeSystemSlot(Path disk, String part, SystemSlot slot) throws IOException {
        PartitionLayout.Part p = layout.part(part);
        mkfsSystem(slot, disk, List.of("-E", "offset=" + p.start()), p.size());
    }

    /** {@code slot} as an image file of its own (an update's rootfs.ext4, put into a bundle). */
    Path systemImage(SystemSlot slot, Path img) throws IOException {
        Files.deleteIfExists(img);
        mkfsSystem(slot, img, List.of(), layout.part(slot.name()).size());
        return img;
    }

    /**
     * The slot's tree is staged with hard links to the cached userland where both are on one file
     * system (a copy costs the host as much disk as the slot): every file the spec changes is
     * unlinked and written anew by {@link #put}, never written through a link into the cache.
     */
    private void mkfsSystem(SystemSlot slot, Path target, List<String> options, long size) throws IOException {
        SystemSpec spec = slot.spec();
        String key = slot.name() + "-system-" + spec.key();
        Path stage = Files.createTempDirectory(work, key + ".");
        Path dir = stage.resolve("root");
        try {
            boolean linkable = Files.getFileStore(assets.systemRoot()).equals(Files.getFileStore(stage));
            run("cp", linkable ? "-al" : "-a", assets.systemRoot().toString(), dir.toString());
            Files.createDirectories(dir.resolve("boot"));
            putCopy(dir.resolve("boot/Image"), assets.kernel());
            putCopy(dir.resolve("boot/initramfs"), assets.initramfs());
            for (GuestFiles.Entry e : spec.files()) {
                Path t = dir.resolve(e.target().substring(1));
                if (e.linkTarget() != null) {
                    if (Files.isDirectory(t, LinkOption.NOFOLLOW_LINKS)) {
                        delete(t); // Debian's /var/log: the image has base-files' link there
                    }
                    Files.createDirectories(t.getParent());
                    link(t, e.linkTarget());
                    continue;
                }
                if (e.directory()) {
                    Files.createDirectories(t);
                } else {
                    put(t, e.content());
                }
                Files.setPosixFilePermissions(t, perms(e.mode()));
            }
            put(dir.resolve("etc/fstab"), spec.fstab().getBytes(StandardCharsets.UTF_8));
            if (spec.appImages() != null) {
                Path images = dir.resolve("usr/share/moducop/apps/images");
                Files.createDirectories(images.getParent());
                run("cp", "-r", spec.appImages().toString(), images.toString());
            }
            // the harness's own files, kept apart from the generated ones
            String unit = "moducop-boottest-report.service";
            putResource("boottest/system/" + unit, dir.resolve("usr/lib/systemd/system/" + unit), 0644);
            putResource("boottest/system/report", dir.resolve("usr/libexec/moducop-boottest/report"), 0755);
            for (HarnessFile h : spec.harness()) {
                Path t = dir.resolve(h.target().substring(1));
                if (h.content() != null) {
                    put(t, h.content().getBytes(StandardCharsets.UTF_8));
                    Files.setPosixFilePermissions(t, perms(h.mode()));
                }
            }
            // as oe-core's rootfs-postcommands (systemd_handle_machine_id): [Install] applied as systemctl
            // enable applies it, Also= and all; the harness's own units are enabled below it, by name
            for (GuestFiles.PresetFile p : spec.presets()) {
                put(dir.resolve("usr/lib/systemd/system-preset/" + p.name()), p.content().getBytes(StandardCharsets.UTF_8));
            }
            run("systemctl", "--root=" + dir, "--preset-mode=enable-only", "preset-all");
            Path wants = dir.resolve("etc/systemd/system/multi-user.target.wants");
            Files.createDirectories(wants);
            link(wants.resolve(unit), "/usr/lib/systemd/system/" + unit);
            for (HarnessFile h : spec.harness()) {
                if (h.enable()) {
                    link(wants.resolve(Path.of(h.target()).getFileName().toString()), h.target());
                }
            }
            put(dir.resolve("etc/moducop-boottest-variant"), (spec.variant() + "\n").getBytes(StandardCharsets.UTF_8));
            put(dir.resolve("etc/moducop/rootfs-id"),
                    (sha256(Files.readString(assets.systemPackages()) + key) + "\n").getBytes(StandardCharsets.UTF_8));
            List<String> cmd = new ArrayList<>(List.of(assets.tool("mkfs.ext4").toString(), "-q", "-F", "-L", slot.name()));
            cmd.addAll(options);
            cmd.addAll(List.of("-d", dir.toString(), target.toString(), size / 1024 + "k"));
            run(cmd);
        } finally {
            delete(stage);
        }
    }

    /** Replaces {@code t} by a new file: it may be a hard link into the cached userland. */
    private static void put(Path t, byte[] content) throws IOException {
        Files.createDirectories(t.getParent());
        Files.deleteIfExists(t);
        Files.write(t, content);
    }

    /** As {@link #put}, streaming {@code from} (the 33 MB kernel need not pass through the heap). */
    private static void putCopy(Path t, Path from) throws IOException {
        Files.createDirectories(t.getParent());
        Files.deleteIfExists(t);
        Files.copy(from, t);
    }

    private static void putResource(String resource, Path target, int mode) throws IOException {
        try (var in = DiskBuilder.class.getClassLoader().getResourceAsStream(resource)) {
            put(target, in.readAllBytes());
        }
        Files.setPosixFilePermissions(target, perms(mode));
    }

    private static void link(Path link, String target) throws IOException {
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of(target));
    }

    private static java.util.Set<java.nio.file.attribute.PosixFilePermission> perms(int mode) {
        StringBuilder sb = new StringBuilder();
        String rwx = "rwx";
        for (int bit = 8; bit >= 0; bit--) {
            sb.append((mode & (1 << bit)) != 0 ? rwx.charAt(2 - bit % 3) : '-');
        }
        return PosixFilePermissions.fromString(sb.toString());
    }

    /** A whole disk: partition table, boot, both slots and the data partition as asked. */
    Path assemble(Path disk, Path boot, Path rootA, Path rootB, Data data) throws IOException {
        partition(disk, data);
        copyInto(boot, disk, layout.part("boot").start());
        copyInto(rootA, disk, layout.part("rootA").start());
        copyInto(rootB, disk, layout.part("rootB").start());
        if (data == Data.FOREIGN) {
            copyInto(foreignData(), disk, layout.part("data").start());
        }
        return disk;
    }

    /** A whole disk of the real userland: partition table, boot, both slots, a blank data partition. */
    Path assembleSystem(Path disk, Path boot, SystemSlot rootA, SystemSlot rootB) throws IOException {
        partition(disk, Data.BLANK);
        copyInto(boot, disk, layout.part("boot").start());
        writeSystemSlot(disk, "rootA", rootA);
        writeSystemSlot(disk, "rootB", rootB);
        return disk;
    }

    private void partition(Path disk, Data data) throws IOException {
        Files.deleteIfExists(disk);
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(layout.storage());
        }
        List<PartitionLayout.Part> parts = layout.parts().stream()
                .filter(p -> data != Data.MISSING || !p.name().equals("data")).toList();
        StringBuilder table = new StringBuilder();
        boolean gpt = "gpt".equals(layout.table());
        table.append("label: ").append(gpt ? "gpt" : "dos").append("\nunit: sectors\n");
        for (PartitionLayout.Part p : parts) {
            table.append("start=").append(p.start() / 512).append(", size=").append(p.size() / 512).append(", type=");
            if (gpt) {
                table.append(p.name().equals("boot") ? GPT_BASIC_DATA : GPT_LINUX).append(", name=").append(p.name());
            } else {
                table.append(p.name().equals("boot") ? "c, bootable" : "83");
            }
            table.append('\n');
        }
        Path script = disk.resolveSibling(disk.getFileName() + ".sfdisk");
        Files.writeString(script, table);
        run(List.of("sh", "-c", "\"$0\" -q --no-reread --no-tell-kernel \"$1\" < \"$2\"",
                assets.tool("sfdisk").toString(), disk.toString(), script.toString()));
    }

    /** Writes {@code slot} over partition {@code part} of an assembled disk, as an update writes a slot. */
    void replace(Path disk, String part, SystemSlot slot) throws IOException {
        PartitionLayout.Part p = layout.part(part);
        run("fallocate", "--punch-hole", "--offset", Long.toString(p.start()), "--length", Long.toString(p.size()), disk.toString());
        writeSystemSlot(disk, part, slot);
    }

    /** SHA-256 of the data partition's first MiB: proves a foreign file system was left alone. */
    String dataFingerprint(Path disk) throws IOException {
        byte[] head = new byte[1 << 20];
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "r")) {
            f.seek(layout.part("data").start());
            f.readFully(head);
        }
        return sha256(head);
    }

    private synchronized Path foreignData() throws IOException {
        return images.computeIfAbsent("foreign-vfat", k -> build(() -> {
            Path img = work.resolve("foreign-vfat.img");
            Files.deleteIfExists(img);
            run(assets.tool("mkfs.vfat").toString(), "-C", "-n", "FOREIGN", img.toString(), "32768");
            return img;
        }));
    }

    static void copyInto(Path part, Path disk, long offset) throws IOException {
        byte[] buf = new byte[1 << 16];
        try (var in = Files.newInputStream(part); RandomAccessFile out = new RandomAccessFile(disk.toFile(), "rw")) {
            long pos = offset;
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                if (!allZero(buf, n)) {
                    out.seek(pos);
                    out.write(buf, 0, n);
                }
                pos += n;
            }
        }
    }

    private static boolean allZero(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static void writeExecutable(Path p, String content) throws IOException {
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static void run(String... cmd) throws IOException {
        run(List.of(cmd));
    }

    static void run(List<String> cmd) throws IOException {
        try {
            Processes.Result r = Processes.run(List.copyOf(cmd));
            if (!r.ok()) {
                throw new IOException(String.join(" ", cmd) + " failed:\n" + r.output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private interface IoSupplier {
        Path get() throws IOException;
    }

    private static Path build(IoSupplier s) {
        try {
            return s.get();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Deletes a file or a tree (links removed, not followed) if it is there: commons-io, as the rest of the tool. */
    static void delete(Path... paths) throws IOException {
        for (Path p : paths) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                org.apache.commons.io.file.PathUtils.delete(p);
            }
        }
    }

    static String sha256(String s) {
        return sha256(s.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
    }

    static String sha256(byte[] b) {
        return io.moducop.util.Digests.sha256(b);
    }
}
