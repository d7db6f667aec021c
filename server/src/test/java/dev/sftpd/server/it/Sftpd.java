// A test class's host: root-only host key, accounts, a running daemon and the OpenSSH clients that reach it.
package dev.sftpd.server.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered as a static {@code @RegisterExtension} field: before the class's tests it starts the
 * daemon with the class's configuration lines; after them it stops every daemon it started, removes
 * the accounts and deletes the scratch directory. Tests that need root skip when not run as root.
 */
final class Sftpd implements BeforeAllCallback, AfterAllCallback {
    private final List<String> config;
    private final Class<?> transportMain;
    private final List<DaemonProcess> daemons = new ArrayList<>();
    private Path dir;
    private Path hostKey;
    private SystemAccounts accounts;
    private DaemonProcess daemon;

    private Sftpd(List<String> config, Class<?> transportMain) {
        this.config = config;
        this.transportMain = transportMain;
    }

    /** bin/sftpd with these configuration lines (they win over the defaults: first value wins). */
    static Sftpd withConfig(String... lines) {
        return new Sftpd(List.of(lines), null);
    }

    /** The daemon run with {@code main} (from the test classes) as its transports' main class. */
    static Sftpd withTransportMain(Class<?> main, String... lines) {
        return new Sftpd(List.of(lines), main);
    }

    static void assumeRoot() {
        Assumptions.assumeTrue(ProcFs.effectiveUid() == 0, "needs root: creates users and runs the privileged daemon");
    }

    /** The repository: the property sftpd.repo (set by the build), else the working directory or above. */
    static Path repository() {
        Path start = Path.of(System.getProperty("sftpd.repo", "")).toAbsolutePath();
        return Stream.iterate(start, d -> d != null, Path::getParent)
                .filter(d -> Files.isExecutable(d.resolve("bin/sftpd")))
                .findFirst().orElseThrow(() -> new AssertionError("no bin/sftpd in or above " + start));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        assumeRoot();
        dir = Files.createTempDirectory("sftpd-it-");
        // Users may pass through the scratch directory: the host key is kept from them by its own directory.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path keys = Files.createDirectory(dir.resolve("hostkeys"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        hostKey = keys.resolve("ssh_host_ed25519_key");
        Run.checked("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString());
        accounts = new SystemAccounts(Files.createDirectory(dir.resolve("clientkeys"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
        daemon = startDaemon(config.toArray(String[]::new));
    }

    /** Another daemon with the same host key and accounts, stopped with the class (or earlier by close()). */
    DaemonProcess startDaemon(String... lines) {
        return startDaemon(java.util.Map.of(), lines);
    }

    /** A daemon started with {@code running}'s configuration while it runs: a restart. */
    DaemonProcess startSuccessor(DaemonProcess running) {
        DaemonProcess started = running.successor(launcher());
        daemons.add(started);
        return started;
    }

    /** Another daemon, with these variables added to its environment, returned before it listens. */
    DaemonProcess spawnDaemon(java.util.Map<String, String> environment, String... lines) {
        DaemonProcess started = DaemonProcess.spawn(launcher(), dir, hostKey, List.of(lines), environment);
        daemons.add(started);
        return started;
    }

    /** Another daemon, with these variables added to its environment. */
    DaemonProcess startDaemon(java.util.Map<String, String> environment, String... lines) {
        DaemonProcess started = DaemonProcess.start(launcher(), dir, hostKey, List.of(lines), environment);
        daemons.add(started);
        return started;
    }

    private List<String> launcher() {
        Path repo = repository();
        if (transportMain == null) {
            return List.of(repo.resolve("bin/sftpd").toString());
        }
        return launcher(transportMain.getName());
    }

    /**
     * What bin/sftpd runs, with the test classes on the class path the transports inherit and
     * {@code transportMain} as their main class.
     */
    static List<String> launcher(String transportMain) {
        Path target = repository().resolve("server/target");
        String testClasses;
        try {
            testClasses = Path.of(Sftpd.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-Xmx256m", "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED",
                "-Dsftpd.transport.main=" + transportMain,
                "-cp", testClasses + ":" + target.resolve("server.jar") + ":" + target.resolve("lib") + "/*",
                "dev.sftpd.server.SftpdMain");
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        daemons.forEach(DaemonProcess::close);
        try {
            if (accounts != null) {
                accounts.close();
            }
        } finally {
            deleteTree(dir);
        }
    }

    DaemonProcess daemon() {
        return daemon;
    }

    OpenSsh clients() {
        return new OpenSsh(daemon.port());
    }

    SystemUser user(String role) {
        return accounts.user(role);
    }

    SystemAccounts accounts() {
        return accounts;
    }

    /** The scratch directory (mode 0755), for files the tests make and fetch. */
    Path dir() {
        return dir;
    }

    /** A file of {@code size} random bytes in the scratch directory, to transfer. */
    Path randomFile(String name, int size) {
        byte[] content = new byte[size];
        new java.util.Random(name.hashCode()).nextBytes(content);
        try {
            return Files.write(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path hostKey() {
        return hostKey;
    }

    private static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
