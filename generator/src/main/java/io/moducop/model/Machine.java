package io.moducop.model;

import io.moducop.machine.MachineConfig;
import io.moducop.profile.PartitionLayout;
import io.moducop.profile.Profile;
import io.moducop.profile.Size;
import java.util.List;

/** One machine of the BSP layer: what its machine conf, wks, boot script and RAUC files are made from. */
public record Machine(String name, String description, MachineConfig base, PartitionLayout layout, Profile.Ota ota) {

    public static Machine of(Profile p) {
        String description = p.board().description() != null ? p.board().description()
                : "ModuCop A/B board based on " + p.base().name();
        return new Machine(p.board().name(), description, p.base(), p.layout(), p.ota());
    }

    public PartitionLayout.Part boot() {
        return layout.part("boot");
    }

    public PartitionLayout.Part slotA() {
        return layout.part("rootA");
    }

    public PartitionLayout.Part slotB() {
        return layout.part("rootB");
    }

    public PartitionLayout.Part data() {
        return layout.part("data");
    }

    /** The Linux device of a partition, as the kernel names it on this board. */
    public String device(PartitionLayout.Part part) {
        return base.linuxPartition(part.number());
    }

    /** wic's --offset for the boot partition when the board's raw area is not the default 4 MiB (null then). */
    public String bootOffset() {
        long start = boot().start();
        return start == PartitionLayout.ALIGN ? null : start / Size.MIB + "M";
    }

    /** A fragment of this machine's boot flow that a shared template includes (templates/boot/ID/include/). */
    public String bootInclude(String name) {
        return "/" + base.bootLoader().templates() + "include/" + name;
    }

    public MachineConfig.UBootEnv env() {
        return base.ubootEnv();
    }

    /** The profile ships its own keyring; otherwise the build configuration supplies ca.cert.pem. */
    public boolean keyringInLayer() {
        return ota.keyringPem() != null;
    }

    /** One line of the partition table the BSP README shows. */
    public record PartitionRow(int number, String name, String start, String size, String content) {
    }

    public String storageText() {
        return Size.format(layout.storage());
    }

    public List<PartitionRow> partitionTable() {
        return layout.parts().stream().map(p -> new PartitionRow(p.number(), p.name(), p.start() / Size.MIB + " MiB",
                Size.format(p.size()), switch (p.name()) {
                    case "boot" -> base.bootLoader().bootPartition();
                    case "data" -> "ext4, formatted on first boot";
                    default -> "ext4, read-only root slot " + p.name().substring(4);
                })).toList();
    }
}
