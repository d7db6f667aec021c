// Scratch directories: removed with everything in them once a run or a test class is over.
package dev.sftpd.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

public final class Scratch {
    private Scratch() {}

    /** Deletes {@code root} and everything below it; nothing to do when it is null or gone. */
    public static void delete(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + root, e);
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("removing " + root, e.getCause());
        }
    }
}
