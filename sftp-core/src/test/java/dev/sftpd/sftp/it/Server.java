package dev.sftpd.sftp.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A server to compare: a command line that speaks SFTP on stdin/stdout. Both sides log errors only, to
 * stderr, which the harness captures and prints when a comparison fails.
 */
record Server(String label, List<String> command) {
    static final String OPENSSH = "/usr/lib/openssh/sftp-server";

    /** The reference: Debian's OpenSSH 9.2p1 sftp-server (package openssh-sftp-server). */
    static Server openssh() {
        if (!Files.isExecutable(Path.of(OPENSSH))) {
            throw new IllegalStateException(OPENSSH + " is missing: apt-get install openssh-sftp-server");
        }
        return new Server("OpenSSH", List.of(OPENSSH, "-e", "-l", "ERROR"));
    }

    /**
     * Ours: {@code <repo>/bin/sftp-server}. The system property {@code sftpd.it.ours} names another program
     * instead, e.g. OpenSSH's own, to check the harness itself: it must then report no difference.
     */
    static Server ours() {
        String override = System.getProperty("sftpd.it.ours");
        Path program = override != null ? Path.of(override) : repoRoot().resolve("bin/sftp-server");
        if (!Files.isExecutable(program)) {
            throw new IllegalStateException(program + " is not an executable: run `mvn package` first");
        }
        return new Server("ours", List.of(program.toString(), "-e", "-l", "ERROR"));
    }

    Server with(String... flags) {
        List<String> c = new ArrayList<>(command);
        c.addAll(List.of(flags));
        return new Server(label, List.copyOf(c));
    }

    /** The system property {@code sftpd.repo}, else the first directory upwards that looks like the repo. */
    static Path repoRoot() {
        String configured = System.getProperty("sftpd.repo");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("bin")) && Files.isRegularFile(p.resolve("pom.xml"))
                    && Files.isDirectory(p.resolve("sftp-core"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath()
                + "; set -Dsftpd.repo");
    }
}
