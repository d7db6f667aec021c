// The descriptors this process holds, for the worker's check that it inherited nothing else.
package dev.sftpd.privsep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/** File descriptors this process holds, from /proc/self/fd (used by the worker to check invariant 4). */
public final class OpenFds {
    private static final Path PROC_FD = Path.of("/proc/self/fd");

    private OpenFds() {}

    public static SortedSet<Integer> list() {
        SortedSet<Integer> fds = new TreeSet<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC_FD)) {
            dir.forEach(fd -> fds.add(Integer.valueOf(fd.getFileName().toString())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The listing includes the descriptor the directory stream itself read through; that
        // one is closed now, and lstat (which opens nothing) tells it from the others.
        fds.removeIf(fd -> !Files.exists(PROC_FD.resolve(fd.toString()), LinkOption.NOFOLLOW_LINKS));
        return Collections.unmodifiableSortedSet(fds);
    }
}
