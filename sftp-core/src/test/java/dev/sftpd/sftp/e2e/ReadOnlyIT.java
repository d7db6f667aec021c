// A read-only server (-R): every command that would write is refused and leaves the tree as it was; get works.
package dev.sftpd.sftp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(Sandboxes.class)
class ReadOnlyIT {
    @BeforeEach
    void createSampleFiles(Sandbox sandbox) throws IOException {
        sandbox.withSampleFiles();
    }

    /** The second column is the request the server refuses, as its VERBOSE log names it. */
    @ParameterizedTest(name = "{0} is refused by refusing {1}")
    @CsvSource({
            "put up.txt, open",
            "reput up.txt b.txt, open",
            "rm a.txt, remove",
            "mkdir new, mkdir",
            "rmdir empty, rmdir",
            "rename a.txt renamed.txt, rename",
            "chmod 600 a.txt, setstat",
            "chgrp 1 a.txt, setstat",
            "ln -s a.txt soft, symlink",
    })
    void writingCommandIsRefusedWithPermissionDeniedAndChangesNothing(String command, String request, Sandbox sandbox)
            throws Exception {
        sandbox.server("-R", "-l", "VERBOSE").batch(command).assertExit(1)
                .assertStderr(": Permission denied", ServerLog.refusedReadOnly(request));

        sandbox.assertRemoteIsStillTheSample();
    }

    @Test
    void getStillDownloadsAndChangesNothing(Sandbox sandbox) throws Exception {
        sandbox.server("-R").batch("get a.txt", "get -r sub").assertExit(0);

        assertEquals("alpha\n", Files.readString(sandbox.local("a.txt")));
        assertEquals("charlie\n", Files.readString(sandbox.local("sub/c.txt")));
        sandbox.assertRemoteIsStillTheSample();
    }
}
