// df, df -h and df -i: the remote file system's statvfs@openssh.com figures as the client prints them.
package dev.sftpd.sftp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertLinesMatch;

import dev.sftpd.testkit.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Sandboxes.class)
class DfIT {
    @Test
    void dfShowsTheSizeOfTheRemoteFileSystemInKiB(Sandbox sandbox) throws Exception {
        long[] row = figures(sandbox, "df", "\\s+Size\\s+Used\\s+Avail\\s+\\(root\\)\\s+%Capacity");

        assertEquals(Files.getFileStore(sandbox.remote()).getTotalSpace() / 1024, row[0]);
    }

    @Test
    void dfDashHShowsHumanReadableSizes(Sandbox sandbox) throws Exception {
        Outcome df = sandbox.batch("df -h").assertExit(0);

        String size = "\\s+[0-9.]+[KMGTPE]?B";
        assertLinesMatch(List.of("\\s+Size\\s+Used\\s+Avail\\s+\\(root\\)\\s+%Capacity",
                size.repeat(4) + "\\s+\\d+%"), df.outputOf("df -h"), df::toString);
    }

    @Test
    void dfDashIShowsInodeCountsThatAddUp(Sandbox sandbox) throws Exception {
        long[] row = figures(sandbox, "df -i", "\\s+Inodes\\s+Used\\s+Avail\\s+\\(root\\)\\s+%Capacity");

        long inodes = row[0], used = row[1], free = row[3];
        assertEquals(inodes, used + free, () -> Arrays.toString(row));
    }

    /** Runs a df command and returns the figures of its one row, after checking its header. */
    private static long[] figures(Sandbox sandbox, String command, String header)
            throws IOException, InterruptedException {
        Outcome df = sandbox.batch(command).assertExit(0);
        List<String> lines = df.outputOf(command);
        assertLinesMatch(List.of(header, "(\\s+\\d+){4}\\s+\\d+%"), lines, df::toString);
        return Arrays.stream(lines.get(1).trim().replace("%", "").split("\\s+")).mapToLong(Long::parseLong).toArray();
    }
}
