// A test class's machine: scratch directory, host key, PAM service, accounts, and the daemons its tests start.
package dev.sftpd.server.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered as a static {@code @RegisterExtension} field. Before the class it skips the class unless
 * run as root, and installs the PAM service sftpd uses (packaging/pam.d/sftpd as /etc/pam.d/sftpd, left
 * in place: it is only read by sftpd); after the class it stops every daemon and rsyslogd it started,
 * removes the accounts and deletes the scratch directory.
 */
final class Sftpd implements BeforeAllCallback, AfterAllCallback {
    private final Optional<List<String>> classConfig;
    private final List<AutoCloseable> started = new ArrayList<>();
    private Path dir;
    private Path hostKey;
    private Accounts accounts;
    private Daemon daemon;

    private Sftpd(Optional<List<String>> classConfig) {
        this.classConfig = classConfig;
    }

    /** For a class whose tests start the daemons they need. */
    Sftpd() {
        this(Optional.empty());
    }

    /** For a class whose tests share one daemon, started before them with these configuration lines. */
    static Sftpd withDaemon(String... config) {
        return new Sftpd(Optional.of(List.of(config)));
    }

    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Assumptions.assumeTrue(isRoot(), "needs root: creates users and runs the privileged daemon");
        Files.copy(repository().resolve("packaging/pam.d/sftpd"), Path.of("/etc/pam.d/sftpd"),
                StandardCopyOption.REPLACE_EXISTING);
        dir = Files.createTempDirectory("sftpd-auth-");
        hostKey = Keys.generate(dir.resolve("ssh_host_ed25519_key"), "host");
        accounts = new Accounts(Files.createDirectory(dir.resolve("clientkeys")));
        classConfig.ifPresent(config -> daemon = start(config.toArray(String[]::new)));
    }

    /** The class's daemon (see {@link #withDaemon}). */
    Daemon daemon() {
        return daemon;
    }

    /** A client of the class's daemon. */
    Client client() {
        return client(daemon);
    }

    /** bin/sftpd logging to stderr, with these configuration lines before the test defaults. */
    Daemon start(String... config) {
        return started(Daemon.start(repository().resolve("bin/sftpd"), dir, hostKey, Arrays.asList(config),
                Optional.empty()));
    }

    /** bin/sftpd logging to {@code syslog} as it does in production (no -e). */
    Daemon startLoggingTo(Rsyslog syslog, String... config) {
        return started(Daemon.start(repository().resolve("bin/sftpd"), dir, hostKey, Arrays.asList(config),
                Optional.of(syslog)));
    }

    Rsyslog startRsyslog() {
        try {
            return started(Rsyslog.start(Files.createDirectory(dir.resolve("syslog"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Client client(Daemon daemon) {
        return Client.of(daemon, dir);
    }

    Accounts accounts() {
        return accounts;
    }

    /** The scratch directory: root's only (mode 0700), below the world-writable /tmp. */
    Path dir() {
        return dir;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).close();
            }
        } finally {
            try {
                if (accounts != null) {
                    accounts.close();
                }
            } finally {
                Scratch.delete(dir);
            }
        }
    }

    private <T extends AutoCloseable> T started(T process) {
        started.add(process);
        return process;
    }

    /** The checkout: the property sftpd.repo (the build sets it), else the working directory or above. */
    private static Path repository() {
        Path start = Path.of(System.getProperty("sftpd.repo", "")).toAbsolutePath();
        return Stream.iterate(start, d -> d != null, Path::getParent)
                .filter(d -> Files.isExecutable(d.resolve("bin/sftpd")))
                .findFirst().orElseThrow(() -> new AssertionError("no bin/sftpd in or above " + start));
    }
}
