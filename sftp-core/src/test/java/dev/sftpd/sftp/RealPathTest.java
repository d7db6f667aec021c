// sftp_realpath(): symlinks resolved, "." and ".." folded, a missing last component allowed.
package dev.sftpd.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.SysCallException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealPathTest {
    @TempDir
    Path tmp;
    private String root;

    @BeforeEach
    void tree() throws Exception {
        root = tmp.toRealPath().toString();
        Files.createDirectories(tmp.resolve("a/b"));
        Files.writeString(tmp.resolve("a/b/f"), "x");
        Files.createSymbolicLink(tmp.resolve("rel"), Path.of("a/b"));
        Files.createSymbolicLink(tmp.resolve("abs"), tmp.resolve("a"));
        Files.createSymbolicLink(tmp.resolve("loop"), Path.of("loop"));
    }

    private String resolve(String path) throws SysCallException {
        return new String(RealPath.resolve(Posix.get(), path.getBytes(StandardCharsets.ISO_8859_1)),
                StandardCharsets.ISO_8859_1);
    }

    @Test
    void dotsAndDoubleSlashesFold() throws Exception {
        assertEquals(root + "/a", resolve(root + "//a/./b/.."));
        assertEquals("/", resolve("/.."));
        assertEquals("/", resolve("/"));
    }

    @Test
    void symlinksResolveRelativeAndAbsolute() throws Exception {
        assertEquals(root + "/a/b/f", resolve(root + "/rel/f"));
        assertEquals(root + "/a/b", resolve(root + "/abs/b/"));
        assertEquals(root + "/a", resolve(root + "/rel/.."));
    }

    @Test
    void missingLastComponentIsAllowed() throws Exception {
        assertEquals(root + "/a/new", resolve(root + "/a/new"));
    }

    @Test
    void missingMiddleComponentIsNoSuchFile() {
        assertEquals(2, assertThrows(SysCallException.class, () -> resolve(root + "/nope/x")).errno());
    }

    @Test
    void fileInTheMiddleIsNotADirectory() {
        assertEquals(20, assertThrows(SysCallException.class, () -> resolve(root + "/a/b/f/x")).errno());
    }

    @Test
    void symlinkLoopIsEloop() {
        assertEquals(40, assertThrows(SysCallException.class, () -> resolve(root + "/loop/x")).errno());
    }
}
