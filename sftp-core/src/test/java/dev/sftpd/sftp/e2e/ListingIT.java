// Remote listings and wildcard transfers as a user types them: ls -l, -la, -1, globs, mget and mput.
package dev.sftpd.sftp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertLinesMatch;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Sandboxes.class)
class ListingIT {
    /** Two .txt files, one .dat, a hidden file and a directory, each with a distinct size. */
    @BeforeEach
    void createFiles(Sandbox sandbox) throws IOException {
        Disk.file(sandbox.remote("one.txt"), "1", "rw-r-----");
        Disk.file(sandbox.remote("two.txt"), "22", "rw-r--r--");
        Disk.file(sandbox.remote("three.dat"), "333", "rw-r--r--");
        Disk.file(sandbox.remote(".hidden"), "4444", "rw-------");
        Files.createDirectory(sandbox.remote("dir"));
        Disk.setMtime(sandbox.remote("one.txt"), Disk.PAST);
    }

    @Test
    void lsDashLShowsModeOwnerGroupSizeDateAndName(Sandbox sandbox) throws Exception {
        PosixFileAttributes attributes = Files.readAttributes(sandbox.remote("one.txt"), PosixFileAttributes.class);
        String line = "-rw-r-----    ? " + String.format("%-8s %-8s %8d", attributes.owner().getName(),
                attributes.group().getName(), 1) + " Feb  3  2001 one.txt";

        Outcome ls = sandbox.batch("ls -l").assertExit(0);

        assertTrue(ls.outputOf("ls -l").contains(line), () -> "no line \"" + line + "\" in " + ls);
    }

    @Test
    void lsDashLaAlsoListsDotEntriesAndHiddenFiles(Sandbox sandbox) throws Exception {
        Outcome ls = sandbox.batch("ls -la").assertExit(0);

        assertLinesMatch(List.of("d.* \\.", "d.* \\.\\.", "-rw------- .* 4 .* \\.hidden", "d.* dir",
                "-rw-r----- .* 1 .* one\\.txt", "-rw-r--r-- .* 3 .* three\\.dat", "-rw-r--r-- .* 2 .* two\\.txt"),
                ls.outputOf("ls -la"), ls::toString);
    }

    @Test
    void lsDash1ListsOneVisibleNamePerLineSorted(Sandbox sandbox) throws Exception {
        Outcome ls = sandbox.batch("ls -1").assertExit(0);

        assertEquals(List.of("dir", "one.txt", "three.dat", "two.txt"), ls.outputOf("ls -1"), ls::toString);
    }

    @Test
    void lsWithAGlobListsOnlyMatchingNames(Sandbox sandbox) throws Exception {
        Outcome ls = sandbox.batch("ls *.txt").assertExit(0);

        assertEquals(List.of("one.txt", "two.txt"), words(ls.outputOf("ls *.txt")), ls::toString);
    }

    @Test
    void getWithAGlobFetchesOnlyMatchingFiles(Sandbox sandbox) throws Exception {
        sandbox.batch("get *.txt").assertExit(0);

        assertEquals(List.of("one.txt", "two.txt"), names(sandbox.local()));
        assertEquals("22", Files.readString(sandbox.local("two.txt")));
    }

    @Test
    void mputExpandsALocalGlobAndUploadsOnlyMatchingFiles(Sandbox sandbox) throws Exception {
        Disk.file(sandbox.local("x.log"), "x", "rw-r--r--");
        Disk.file(sandbox.local("y.log"), "yy", "rw-r--r--");
        Disk.file(sandbox.local("z.txt"), "zzz", "rw-r--r--");

        sandbox.batch("mput *.log").assertExit(0);

        assertEquals(List.of(".hidden", "dir", "one.txt", "three.dat", "two.txt", "x.log", "y.log"),
                names(sandbox.remote()));
        assertEquals("yy", Files.readString(sandbox.remote("y.log")));
    }

    private static List<String> words(List<String> lines) {
        return lines.stream().flatMap(Pattern.compile("\\s+")::splitAsStream).filter(w -> !w.isEmpty()).toList();
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
