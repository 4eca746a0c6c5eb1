package io.moducop.boottest;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Every scenario boot-test runs, in the order it reports them: the one list from which
 * {@code --scenario} is checked, {@code --help} names them and docs/boot-test-scenarios.md is
 * written ({@link #markdown()}). A new scenario is a constant here; the runner's exhaustive
 * {@code switch} over the constants then asks for its method.
 */
public final class ScenarioCatalog {

    private ScenarioCatalog() {
    }

    /** One scenario: its {@code --scenario} name, what it proves, and which profiles it is for (null: every one). */
    public record Info(String id, String only, String proves) {
    }

    /** A scenario constant: its {@link Info}. */
    public interface Entry {
        Info info();

        default String id() {
            return info().id();
        }

        default String proves() {
            return info().proves();
        }

        default String only() {
            return info().only();
        }
    }

    private static <E extends Entry> Optional<E> find(E[] values, String id) {
        return Arrays.stream(values).filter(s -> s.id().equals(id)).findFirst();
    }

    /** {@code boot-test}: the generated boot.scr on a real U-Boot and moducop-init on a real kernel, a small busybox userland. */
    public enum BootFlowScenario implements Entry {
        FIRST_BOOT("first-boot", true, "slot A chosen, `BOOT_A_LEFT` decremented and saved, kernel gets `root=` rootA and"
                + " `rauc.slot=A`; the blank data partition is formatted"),
        FALLBACK("fallback", false, "rootA holds no system: after `attempts` tries the script boots B with rootB"),
        EXHAUSTED("exhausted", false, "both slots fail: both counters are re-armed and the board resets"),
        MARK_GOOD("mark-good", true, "after the counter is re-armed (what `moducop-health` does on a healthy system) it does"
                + " not run down"),
        OVERLAYS("overlays", true, "the profile's persistent overlays with uppers on `/data`, its volatile ones on tmpfs;"
                + " `/run`, `/var/volatile` tmpfs; `/var/log`, `/var/run` links; root read-only; a file in each persistent"
                + " overlay survives a reboot, one in each volatile overlay does not"),
        DATA_MISSING("data-missing", false, "no data partition: the system boots on a tmpfs `/data` and says why"),
        DATA_FOREIGN("data-foreign", false, "the data partition holds a foreign file system (vfat): left untouched, tmpfs"
                + " `/data`, the console says why"),
        UPDATE("update", true, "after `rauc install` (BOOT_ORDER \"B A\", BOOT_B_LEFT armed) slot B boots, its `/etc` seeded"
                + " from A; marked good, it stays"),
        UPDATE_ROLLBACK("update-rollback", false, "the updated slot never comes up: after `attempts` tries A runs again with"
                + " its own `/etc`");

        private final Info info;
        private final boolean lifecycle;

        BootFlowScenario(String id, boolean lifecycle, String proves) {
            this.info = new Info(id, null, proves);
            this.lifecycle = lifecycle;
        }

        @Override
        public Info info() {
            return info;
        }

        /**
         * A stage of one device's life, all run on one disk in this order: first boot
         * of A, A marked good and rebooted, an update installed to B, B marked good and rebooted.
         * Sharing the boots halves their cost; each stage still reports on its own.
         */
        public boolean lifecycle() {
            return lifecycle;
        }

        public static Optional<BootFlowScenario> of(String id) {
            return find(values(), id);
        }
    }

    /** {@code boot-test --system}: the generated files on a real arm64 Debian userland (systemd, podman, RAUC). */
    public enum SystemScenario implements Entry {
        SYSTEM_BOOT("system-boot", null, "systemd reaches multi-user.target on the read-only root with the profile's overlays,"
                + " nothing failed, no job waiting for a device, `/data` mounted"),
        LOGIN("login", null, "SSH from the host (forward on 127.0.0.1) as root with a key of `login.ssh-keys` works; password"
                + " login is refused although root has a password (a development profile: the empty password works)"),
        CONTAINERS("containers", null, "`docker --version` is podman; `docker compose up -d` of two services from a local OCI"
                + " archive; one reaches the other by name; storage on `/data`; both run again after a reboot"),
        MARK_GOOD("mark-good", null, "the generated health gate (`moducop-health`) finds the system healthy and re-arms the"
                + " booted slot's counter in the environment, read back on the host; a Raspberry Pi 4 profile runs it on QEMU"
                + " `raspi4b` with the Pi's own U-Boot (`uboot.env` on the card's FAT partition)"),
        RAUC_INSTALL("rauc-install", null, "a verity bundle built as bundle.bbclass builds it, installed in the guest with"
                + " `rauc install`: B boots with `/etc` seeded from A and is marked good; a bundle from another CA is refused"
                + " and nothing changes"),
        PANIC("panic", null, "after an update made B primary, B's init exits: the kernel panics and reboots, and after"
                + " `boot.attempts` tries the board falls back to A, which the health gate marks good"),
        HANG("hang", null, "B freezes PID 1 once the hardware watchdog is armed: only the watchdog can reset the board; then"
                + " as for panic"),
        UNHEALTHY("unhealthy", null, "B boots but the unit that starts the containers fails: the health gate refuses to mark"
                + " it good; then as for panic"),
        POWER_CUT("power-cut", null, "the board loses power at seeded random moments (`--seed`, `--cuts`): during saveenv,"
                + " first-boot formatting, overlay seeding after an update and `rauc install`; after each cut a good slot"
                + " boots, `/etc` is old or new, never partial, and the data file system is clean"),
        APPS("apps", "profiles with apps", "the profile's applications start on the first boot from the images in the slot"
                + " with no network, answer on their published ports, take part in the health gate and run again after a"
                + " reboot"),
        APP_INSTALL("app-install", "profiles with apps", "an app bundle (`moducop app-bundle`, made by RAUC 1.13 on the host)"
                + " streamed with `rauc install http://...` from an HTTP server on the host's 127.0.0.1 (range requests,"
                + " the only address the guest reaches): each application is an artifact of the `apps` repository on `/data` with the"
                + " profile's compose file and exactly its pinned images; the root slots, the booted slot and the boot environment"
                + " are unchanged; one signed under another CA, one for another compatible and one with a flipped payload"
                + " byte (from a file and streamed) are refused and install nothing. RAUC's post-install handler"
                + " puts the bundle's applications on trial: they run from `/data`, healthy, and are marked good with the"
                + " slot (`moducop-app status`)"),
        OFFLINE("offline", null, "no network card: two boots complete, the failed wait for the network is reported, not"
                + " judged, the slot is marked good and never rolled back"),
        NO_DHCP("no-dhcp", null, "a link on which nobody answers DHCP: one boot, as for offline");

        private final Info info;

        SystemScenario(String id, String only, String proves) {
            this.info = new Info(id, only, proves);
        }

        @Override
        public Info info() {
            return info;
        }

        public static Optional<SystemScenario> of(String id) {
            return find(values(), id);
        }
    }

    public static List<String> bootFlowIds() {
        return Arrays.stream(BootFlowScenario.values()).map(Entry::id).toList();
    }

    public static List<String> systemIds() {
        return Arrays.stream(SystemScenario.values()).map(Entry::id).toList();
    }

    /** The boot-flow names, for {@code --help} ({@code ${COMPLETION-CANDIDATES}}). */
    public static final class BootFlowNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return bootFlowIds().iterator();
        }
    }

    /** The --system names with the profiles each is for, for {@code --help}. */
    public static final class SystemNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(SystemScenario.values()).map(s -> s.id() + (s.only() == null ? "" : " (" + s.only() + ")"))
                    .iterator();
        }
    }

    /** docs/boot-test-scenarios.md: written from this list, checked against it by a test. */
    public static String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# boot-test scenarios\n\n")
                .append("<!-- Written from generator/src/main/java/io/moducop/boottest/ScenarioCatalog.java; do not edit by hand:\n")
                .append("     mvn test -Dtest=ScenarioCatalogTest -Dscenarios.update=true writes it again. -->\n\n")
                .append("`./moducop boot-test [PROFILE] [--scenario NAME,...]` runs the generated boot flow: the generated\n")
                .append("`boot.scr` on a real U-Boot and the generated `moducop-init` on a real arm64 kernel with a small\n")
                .append("busybox userland, under QEMU's `virt` board, or `raspi4b` with the Pi's own U-Boot for a\n")
                .append("Raspberry Pi 4 profile. Each scenario starts from its own disk and a blank environment.\n\n");
        table(b, BootFlowScenario.values());
        b.append("\n`./moducop boot-test --system [PROFILE] [--scenario NAME,...]` runs the generated files on a real\n")
                .append("arm64 Debian userland (systemd, podman, RAUC) where the generated recipes install them, each\n")
                .append("scenario a real boot on its own disk; what the harness adds is printed with its reason.\n\n");
        table(b, SystemScenario.values());
        return b.toString();
    }

    private static void table(StringBuilder b, Entry[] entries) {
        b.append("| scenario | what it proves |\n| --- | --- |\n");
        for (Entry e : entries) {
            b.append("| `").append(e.id()).append('`').append(e.only() == null ? "" : " (" + e.only() + ")")
                    .append(" | ").append(e.proves()).append(" |\n");
        }
    }
}
