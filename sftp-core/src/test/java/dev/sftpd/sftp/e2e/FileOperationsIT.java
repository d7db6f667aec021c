// The commands that change the remote tree (rename, ln, cp, chmod, chown, mkdir, rm...), each checked on disk.
package dev.sftpd.sftp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.Root;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(Sandboxes.class)
class FileOperationsIT {
    private Path file;

    @BeforeEach
    void createFile(Sandbox sandbox) throws IOException {
        file = Disk.file(sandbox.remote("file.txt"), "content\n", "rw-r--r--");
    }

    @Test
    void renameMovesAFileToANewName(Sandbox sandbox) throws Exception {
        sandbox.batch("rename file.txt moved.txt").assertExit(0);

        assertFalse(Files.exists(file));
        assertEquals("content\n", Files.readString(sandbox.remote("moved.txt")));
    }

    @Test
    void renameOntoAnExistingFileReplacesItBecauseTheClientUsesPosixRename(Sandbox sandbox) throws Exception {
        Path existing = Disk.file(sandbox.remote("existing.txt"), "old\n", "rw-r--r--");

        sandbox.batch("rename file.txt existing.txt").assertExit(0)
                .assertStderr("posix-rename old \"" + file + "\" new \"" + existing + "\"");

        assertFalse(Files.exists(file));
        assertEquals("content\n", Files.readString(existing));
    }

    @Test
    void lnMakesAHardLinkSharingTheInode(Sandbox sandbox) throws Exception {
        sandbox.batch("ln file.txt hard.txt").assertExit(0);

        assertEquals(Disk.inode(file), Disk.inode(sandbox.remote("hard.txt")));
        assertEquals(2, Files.getAttribute(file, "unix:nlink"));
    }

    @ParameterizedTest(name = "{0} makes a symlink to the target as typed")
    @ValueSource(strings = {"ln -s", "symlink"})
    void symlinkCommandMakesASymlinkToTheTargetAsTyped(String command, Sandbox sandbox) throws Exception {
        sandbox.batch(command + " file.txt soft").assertExit(0);

        assertEquals(Path.of("file.txt"), Files.readSymbolicLink(sandbox.remote("soft")));
    }

    @Test
    void cpCopiesTheContentIntoANewInode(Sandbox sandbox) throws Exception {
        sandbox.batch("cp file.txt copy.txt").assertExit(0);

        Path copy = sandbox.remote("copy.txt");
        assertEquals("content\n", Files.readString(copy));
        assertNotEquals(Disk.inode(file), Disk.inode(copy));
    }

    @Test
    void chmodSetsTheModeOnDisk(Sandbox sandbox) throws Exception {
        sandbox.batch("chmod 640 file.txt").assertExit(0)
                .assertStderr(ServerLog.set(file, "mode 0640"));

        assertEquals("rw-r-----", Disk.permissions(file));
    }

    /** chown and chgrp to another user need root; a non-root run skips rather than fails, saying why. */
    @ParameterizedTest(name = "{0} 1 sets the file's {1} to 1")
    @CsvSource({"chown, uid", "chgrp, gid"})
    void chownAndChgrpSetANumericId(String command, String id, Sandbox sandbox) throws Exception {
        Root.assume(command + " to uid/gid 1 gives the file away");

        sandbox.batch(command + " 1 file.txt").assertExit(0);

        assertEquals(1, Files.getAttribute(file, "unix:" + id));
    }

    @Test
    void mkdirCreatesADirectory(Sandbox sandbox) throws Exception {
        sandbox.batch("mkdir new").assertExit(0);

        assertTrue(Files.isDirectory(sandbox.remote("new")));
    }

    @Test
    void mkdirOfAnExistingDirectoryFails(Sandbox sandbox) throws Exception {
        Files.createDirectory(sandbox.remote("dir"));
        Files.writeString(sandbox.remote("dir/inside"), "kept");

        sandbox.batch("mkdir dir").assertExit(1)
                .assertStderr("remote mkdir \"" + sandbox.remote("dir") + "\": Failure");

        assertEquals("kept", Files.readString(sandbox.remote("dir/inside")));
    }

    @Test
    void rmdirRemovesAnEmptyDirectory(Sandbox sandbox) throws Exception {
        Files.createDirectory(sandbox.remote("dir"));

        sandbox.batch("rmdir dir").assertExit(0);

        assertFalse(Files.exists(sandbox.remote("dir")));
    }

    @Test
    void rmRemovesAFile(Sandbox sandbox) throws Exception {
        sandbox.batch("rm file.txt").assertExit(0);

        assertFalse(Files.exists(file));
    }

    @Test
    void rmOfAMissingFileFailsWithNoSuchFile(Sandbox sandbox) throws Exception {
        sandbox.batch("rm missing.txt").assertExit(1)
                .assertStderr("remote delete " + sandbox.remote("missing.txt") + ": No such file or directory");
    }
}
