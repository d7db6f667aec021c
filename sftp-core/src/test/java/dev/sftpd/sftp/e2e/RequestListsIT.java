// Deny (-P) and allow (-p) lists of request names: what they refuse, what they let through, what refusal leaves.
package dev.sftpd.sftp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(Sandboxes.class)
class RequestListsIT {
    /** The fewest requests OpenSSH 9.2's client needs for `get`: it resolves ".", lstats, stats, then reads. */
    private static final List<String> GET_NEEDS = List.of("realpath", "lstat", "stat", "open", "read", "close");

    @BeforeEach
    void createSampleFiles(Sandbox sandbox) throws IOException {
        sandbox.withSampleFiles();
    }

    @ParameterizedTest(name = "{0} is refused by -P remove,mkdir")
    @CsvSource({"rm a.txt, remove", "mkdir new, mkdir"})
    void deniedRequestIsRefusedWithPermissionDeniedAndChangesNothing(String command, String request, Sandbox sandbox)
            throws Exception {
        sandbox.server("-P", "remove,mkdir", "-l", "VERBOSE").batch(command).assertExit(1)
                .assertStderr(": Permission denied", ServerLog.refusedDenied(request));

        sandbox.assertRemoteIsStillTheSample();
    }

    @Test
    void requestsNotDeniedStillWork(Sandbox sandbox) throws Exception {
        sandbox.server("-P", "remove,mkdir").batch("rmdir empty", "put up.txt", "rename b.txt renamed.txt")
                .assertExit(0);

        assertEquals(List.of("/", "/a.txt", "/link", "/renamed.txt", "/sub", "/sub/c.txt", "/up.txt"),
                List.copyOf(Tree.of(sandbox.remote()).entries().keySet()));
    }

    @Test
    void allowListOfWhatGetNeedsLetsGetDownload(Sandbox sandbox) throws Exception {
        sandbox.server("-p", String.join(",", GET_NEEDS)).batch("get a.txt").assertExit(0);

        assertEquals("alpha\n", Files.readString(sandbox.local("a.txt")));
    }

    /** Without realpath the client cannot learn its working directory and quits (255) before the batch. */
    @ParameterizedTest(name = "get fails without {0}")
    @CsvSource({"realpath, 255", "lstat, 1", "stat, 1", "open, 1", "read, 1", "close, 1"})
    void getFailsWhenTheAllowListLacksAnyRequestItNeeds(String missing, int exit, Sandbox sandbox) throws Exception {
        String allowed = GET_NEEDS.stream().filter(r -> !r.equals(missing)).collect(Collectors.joining(","));

        sandbox.server("-p", allowed, "-l", "VERBOSE").batch("get a.txt").assertExit(exit)
                .assertStderr(ServerLog.refusedNotAllowed(missing));
    }

    /** Allowing open allows creating: OpenSSH refuses only the writes, so the upload leaves an empty file. */
    @Test
    void putUnderAGetAllowListCreatesTheFileButWritesNothing(Sandbox sandbox) throws Exception {
        sandbox.server("-p", String.join(",", GET_NEEDS), "-l", "VERBOSE").batch("put up.txt").assertExit(1)
                .assertStderr(ServerLog.refusedNotAllowed("write"),
                        "write remote \"" + sandbox.remote("up.txt") + "\": Permission denied");

        assertEquals("", Files.readString(sandbox.remote("up.txt")));
    }

    @Test
    void requestOutsideTheAllowListIsRefusedAndChangesNothing(Sandbox sandbox) throws Exception {
        sandbox.server("-p", String.join(",", GET_NEEDS), "-l", "VERBOSE").batch("rm a.txt").assertExit(1)
                .assertStderr(": Permission denied", ServerLog.refusedNotAllowed("remove"));

        sandbox.assertRemoteIsStillTheSample();
    }

    /**
     * OpenSSH matches these lists with match_list(), exact names only: '*stat*' names no request, so stat,
     * setstat and statvfs all stay allowed.
     */
    @Test
    void listEntriesAreLiteralNamesNotWildcardPatterns(Sandbox sandbox) throws Exception {
        sandbox.server("-P", "*stat*").batch("chmod 600 b.txt", "df").assertExit(0)
                .assertStdout("%Capacity");

        assertEquals("rw-------", Disk.permissions(sandbox.remote("b.txt")));
    }
}
