package io.moducop.bitbake;

import io.moducop.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a layer repository is actually fetched from. The lock file always records the upstream
 * URL; this only changes the fetch location:
 * <ol>
 *   <li>{@code --mirror DIR}: {@code DIR/<name>.git}, else {@code DIR/<name>} when it exists
 *       (a bare or non-bare git repository); a layer missing there falls through to 2.</li>
 *   <li>{@code --url-rewrite FROM=TO}: like git's {@code url.TO.insteadOf FROM}, the longest
 *       matching prefix wins.</li>
 *   <li>otherwise the upstream URL.</li>
 * </ol>
 */
public record SourceMirrors(Path mirrorDir, List<UrlRewrite> rewrites) {

    private static final Pattern URL_PART = Pattern.compile("^[A-Za-z0-9._~:/@%+=-]+$");

    public record UrlRewrite(String from, String to) {
        public static UrlRewrite parse(String spec) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw UserError.of("--url-rewrite " + spec, "expected FROM=TO", "e.g. --url-rewrite https://git.yoctoproject.org/=file:///srv/mirror/");
            }
            String from = spec.substring(0, eq);
            String to = spec.substring(eq + 1);
            if (!URL_PART.matcher(from).matches() || !URL_PART.matcher(to).matches()) {
                throw UserError.of("--url-rewrite " + spec, "FROM and TO may contain only letters, digits and ._~:/@%+=-", null);
            }
            return new UrlRewrite(from, to);
        }
    }

    public static SourceMirrors none() {
        return new SourceMirrors(null, List.of());
    }

    public SourceMirrors {
        rewrites = List.copyOf(rewrites);
        if (mirrorDir != null && !Files.isDirectory(mirrorDir)) {
            throw UserError.of(mirrorDir.toString(), "--mirror is not a directory", "it holds one git repository per layer: DIR/<name>.git or DIR/<name>");
        }
    }

    /** The URL (or local path) to fetch repository {@code name} from. */
    public String fetchUrl(String name, String upstreamUrl) {
        if (mirrorDir != null) {
            for (Path candidate : List.of(mirrorDir.resolve(name + ".git"), mirrorDir.resolve(name))) {
                if (Files.isDirectory(candidate)) {
                    return candidate.toAbsolutePath().normalize().toUri().toString();
                }
            }
        }
        return rewrites.stream()
                .filter(r -> upstreamUrl.startsWith(r.from()))
                .max(Comparator.comparingInt(r -> r.from().length()))
                .map(r -> r.to() + upstreamUrl.substring(r.from().length()))
                .orElse(upstreamUrl);
    }
}
