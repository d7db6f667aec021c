// Finds the programs the end-to-end tests drive and runs one to completion in a directory of its own.
package dev.sftpd.sftp.e2e;

import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Run;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

final class Programs {
    /** Debian's OpenSSH 9.2 sftp-server (package openssh-sftp-server): the behaviour ours must match. */
    static final Path OPENSSH_SERVER = Path.of("/usr/lib/openssh/sftp-server");

    private Programs() {
    }

    /**
     * The server under test: {@code bin/sftp-server} under the property {@code sftpd.repo}, else under the
     * working directory or above. The property {@code sftpd.e2e.server} names another program instead, e.g.
     * OpenSSH's own, to check the tests themselves against the behaviour they specify.
     */
    static Path serverUnderTest() {
        String override = System.getProperty("sftpd.e2e.server");
        if (override != null) {
            return Path.of(override);
        }
        String configured = System.getProperty("sftpd.repo");
        Path start = Path.of(configured == null ? "" : configured).toAbsolutePath();
        return Stream.iterate(start, dir -> dir != null, Path::getParent)
                .map(dir -> dir.resolve("bin/sftp-server"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no bin/sftp-server in " + start
                        + " or above it: run the tests from the repository or set -Dsftpd.repo"));
    }

    /** OpenSSH's client. CI always installs it, so its absence fails the test rather than skipping it. */
    static Path sftpClient() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator))
                .map(dir -> Path.of(dir, "sftp"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new AssertionError("OpenSSH's sftp client is not on PATH (" + path
                        + "): install openssh-client"));
    }

    static Optional<Path> opensshServer() {
        return Optional.of(OPENSSH_SERVER).filter(Files::isExecutable);
    }

    /**
     * Runs {@code command} in {@code directory} with TZ=UTC (so listings show predictable dates), within
     * the kit's time limit.
     */
    static Outcome run(Path directory, List<String> command) {
        return Run.run(command, directory, Map.of("TZ", "UTC"), new byte[0]);
    }
}
