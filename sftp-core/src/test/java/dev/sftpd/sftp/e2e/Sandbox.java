// One test's two directories, the remote tree the server serves and the local one the client runs in.
package dev.sftpd.sftp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sftpd.testkit.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

record Sandbox(Path root) {

    /** Creates {@code remote/} and {@code local/} in a new temporary directory, resolved to its real path. */
    static Sandbox in(Path tempDir) throws IOException {
        Sandbox sandbox = new Sandbox(tempDir.toRealPath());
        Files.createDirectories(sandbox.remote());
        Files.createDirectories(sandbox.local());
        return sandbox;
    }

    Path remote() {
        return root.resolve("remote");
    }

    Path local() {
        return root.resolve("local");
    }

    Path remote(String name) {
        return remote().resolve(name);
    }

    Path local(String name) {
        return local().resolve(name);
    }

    /** The client against the server under test, run with {@code -e -l INFO -d <remote>} then {@code flags}. */
    Sftp server(String... flags) {
        return new Sftp(this, List.of(flags), List.of());
    }

    Outcome batch(String... commands) throws IOException, InterruptedException {
        return server().batch(commands);
    }

    /**
     * The tree the refusal tests try to change: files with set modes, a non-empty and an empty directory, a
     * symlink, everything with an old mtime; and {@code up.txt} (0644) to upload.
     */
    Sandbox withSampleFiles() throws IOException {
        sampleTree(remote());
        Disk.file(local("up.txt"), "upload\n", "rw-r--r--");
        return this;
    }

    /** Compares the remote tree with a pristine sample built beside it: any refused request that wrote shows. */
    void assertRemoteIsStillTheSample() throws IOException {
        Path pristine = sampleTree(Files.createDirectory(root.resolve("pristine")));
        assertEquals(Tree.of(pristine), Tree.of(remote()));
    }

    private static Path sampleTree(Path dir) throws IOException {
        Disk.file(dir.resolve("a.txt"), "alpha\n", "rw-r-----");
        Disk.file(dir.resolve("b.txt"), "bravo\n", "rw-r--r--");
        Disk.file(Files.createDirectory(dir.resolve("sub")).resolve("c.txt"), "charlie\n", "rw-------");
        Files.createDirectory(dir.resolve("empty"));
        Files.createSymbolicLink(dir.resolve("link"), Path.of("a.txt"));
        for (String name : List.of("a.txt", "b.txt", "sub/c.txt", "sub", "empty", "link", "")) {
            Disk.setMtime(dir.resolve(name), Disk.PAST);
        }
        return dir;
    }
}
