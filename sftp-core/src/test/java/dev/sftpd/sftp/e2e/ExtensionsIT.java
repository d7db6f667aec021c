// The server's VERSION advertisement as the client sees it, and what the client does when an extension is missing.
package dev.sftpd.sftp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sftpd.testkit.Outcome;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(Sandboxes.class)
class ExtensionsIT {
    /** OpenSSH 9.2's sftp-server advertisement, in its order; the 9.2 client does not know home-directory. */
    private static final List<String> OPENSSH = List.of("posix-rename@openssh.com 1", "statvfs@openssh.com 2",
            "fstatvfs@openssh.com 2", "hardlink@openssh.com 1", "fsync@openssh.com 1", "lsetstat@openssh.com 1",
            "limits@openssh.com 1", "expand-path@openssh.com 1", "copy-data 1", "home-directory",
            "users-groups-by-id@openssh.com 1");

    @BeforeEach
    void createSampleFiles(Sandbox sandbox) throws IOException {
        sandbox.withSampleFiles();
    }

    @Test
    void everyOpenSshExtensionIsAdvertisedInOpenSshsOrder(Sandbox sandbox) throws Exception {
        assertAdvertised(OPENSSH, sandbox.server());
    }

    @Test
    void deniedRequestsAreLeftOutOfTheAdvertisement(Sandbox sandbox) throws Exception {
        assertAdvertised(OPENSSH.stream().filter(e -> !e.startsWith("copy-data") && !e.startsWith("hardlink"))
                .toList(), sandbox.server("-P", "copy-data,hardlink"));
    }

    @Test
    void readOnlyServerAdvertisesNoWritingExtension(Sandbox sandbox) throws Exception {
        assertAdvertised(List.of("statvfs@openssh.com 2", "fstatvfs@openssh.com 2", "limits@openssh.com 1",
                "expand-path@openssh.com 1", "home-directory", "users-groups-by-id@openssh.com 1"),
                sandbox.server("-R"));
    }

    /** The 9.2 client has no fallback for cp or ln: without the extension it gives up before sending anything. */
    @ParameterizedTest(name = "with {0}, {1} says the server lacks {2}")
    @CsvSource(delimiter = '|', value = {
            "-R           | cp a.txt copy.txt | copy-data",
            "-P copy-data | cp a.txt copy.txt | copy-data",
            "-R           | ln a.txt hard.txt | hardlink@openssh.com",
            "-P hardlink  | ln a.txt hard.txt | hardlink@openssh.com",
    })
    void commandWhoseExtensionIsNotAdvertisedSaysTheServerLacksIt(String flags, String command, String extension,
            Sandbox sandbox) throws Exception {
        sandbox.server(flags.split(" ")).batch(command).assertExit(1)
                .assertStderr("Server does not support " + extension + " extension");

        sandbox.assertRemoteIsStillTheSample();
    }

    @Test
    void withoutPosixRenameRenameOntoAnExistingFileFailsAsSftpV3Requires(Sandbox sandbox) throws Exception {
        Path from = sandbox.remote("a.txt"), onto = sandbox.remote("b.txt");

        sandbox.server("-P", "posix-rename").batch("rename a.txt b.txt").assertExit(1)
                .assertStderr("rename old \"" + from + "\" new \"" + onto + "\"",
                        "remote rename \"" + from + "\" to \"" + onto + "\": Failure")
                .assertStderrLacks("posix-rename old");

        sandbox.assertRemoteIsStillTheSample();
    }

    private static void assertAdvertised(List<String> expected, Sftp client) throws Exception {
        Outcome session = client.verbose().batch("pwd").assertExit(0);
        assertEquals(expected, session.advertisedExtensions(), session::toString);
    }
}
