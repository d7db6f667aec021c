// glob(3) for Include: '*', '?' and '[...]' in any component of a path, matches sorted as glob sorts them.
package dev.sftpd.server.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

final class Glob {
    private Glob() {}

    /**
     * The existing paths {@code pattern} (absolute) names, sorted; none when nothing matches, as
     * glob(3)'s GLOB_NOMATCH, which sshd's Include passes over. As glob(3), a wildcard does not
     * match a leading '.' unless the pattern has one there.
     */
    static List<Path> expand(Path pattern) throws IOException {
        List<Path> found = new ArrayList<>(List.of(pattern.getRoot()));
        for (Path part : pattern) {
            String name = part.toString();
            List<Path> next = new ArrayList<>();
            for (Path dir : found) {
                if (!hasWildcard(name)) {
                    Path candidate = dir.resolve(name);
                    if (Files.exists(candidate)) {
                        next.add(candidate);
                    }
                    continue;
                }
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + name);
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                    for (Path entry : entries) {
                        Path entryName = entry.getFileName();
                        boolean hidden = entryName.toString().startsWith(".") && !name.startsWith(".");
                        if (!hidden && matcher.matches(entryName)) {
                            next.add(entry);
                        }
                    }
                }
            }
            next.sort(null);
            found = next;
        }
        return found;
    }

    private static boolean hasWildcard(String name) {
        return name.indexOf('*') >= 0 || name.indexOf('?') >= 0 || name.indexOf('[') >= 0;
    }
}
