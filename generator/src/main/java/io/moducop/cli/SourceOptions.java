package io.moducop.cli;

import io.moducop.bitbake.SourceMirrors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where layer repositories are fetched from (build and lock share these). */
final class SourceOptions {

    @Option(names = "--mirror", paramLabel = "DIR",
            description = "Local mirror: fetch repository NAME from DIR/NAME.git, else DIR/NAME (bare or not), when present.")
    Path mirror;

    @Option(names = "--url-rewrite", paramLabel = "FROM=TO",
            description = "Fetch URLs starting with FROM from TO instead (like git's insteadOf; repeatable; longest FROM wins).")
    List<String> rewrites = new ArrayList<>();

    SourceMirrors mirrors() {
        return new SourceMirrors(mirror, rewrites.stream().map(SourceMirrors.UrlRewrite::parse).toList());
    }
}
