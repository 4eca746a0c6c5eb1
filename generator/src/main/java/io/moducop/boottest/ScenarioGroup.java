package io.moducop.boottest;

import java.nio.file.Path;

/** A group of --system scenarios: what each group's scenarios share from the run (profile's files, work directory, assets, disks). */
abstract class ScenarioGroup {

    final SystemScenarios sys;
    final GeneratedFiles gen;
    final Path work;
    final HostAssets assets;
    final DiskBuilder disks;

    ScenarioGroup(SystemScenarios sys) {
        this.sys = sys;
        this.gen = sys.gen;
        this.work = sys.work;
        this.assets = sys.assets;
        this.disks = sys.disks;
    }
}
