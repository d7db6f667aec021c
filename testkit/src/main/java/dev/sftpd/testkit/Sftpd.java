// A test class's host: root-only host key, accounts, the daemons its tests start and the OpenSSH clients that reach them.
package dev.sftpd.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered as a static {@code @RegisterExtension} field. Before the class's tests it skips the
 * class unless run as root, installs the PAM service sftpd uses (packaging/pam.d/sftpd as
 * /etc/pam.d/sftpd, left in place: only sftpd reads it) and, made {@link #withConfig}, starts the
 * class's daemon. After them it stops every daemon and rsyslogd it started, removes the accounts
 * and deletes the scratch directory.
 */
public final class Sftpd implements BeforeAllCallback, AfterAllCallback {
    private final Optional<List<String>> classConfig;
    private final Path transportClasses;
    private final String transportMain;
    private final List<String> wrapper;
    private final List<AutoCloseable> started = new ArrayList<>();
    private Path dir;
    private Path hostKey;
    private SystemAccounts accounts;
    private DaemonProcess daemon;

    private Sftpd(Optional<List<String>> classConfig, Path transportClasses, String transportMain,
            List<String> wrapper) {
        this.classConfig = classConfig;
        this.transportClasses = transportClasses;
        this.transportMain = transportMain;
        this.wrapper = wrapper;
    }

    /** bin/sftpd with these configuration lines (they win over the defaults: first value wins). */
    public static Sftpd withConfig(String... lines) {
        return new Sftpd(Optional.of(List.of(lines)), null, null, List.of());
    }

    /** For a class whose tests start the daemons they need ({@link #startDaemon}). */
    public static Sftpd withoutDaemon() {
        return new Sftpd(Optional.empty(), null, null, List.of());
    }

    /** The daemon run with {@code main} (from the test classes) as its transports' main class. */
    public static Sftpd withTransportMain(Class<?> main, String... lines) {
        return new Sftpd(Optional.of(List.of(lines)), codeSource(main), main.getName(), List.of());
    }

    /** bin/sftpd started by {@code wrapper}, a command that sets something up, then execs its arguments. */
    public static Sftpd wrappedIn(List<String> wrapper, String... lines) {
        return new Sftpd(Optional.of(List.of(lines)), null, null, List.copyOf(wrapper));
    }

    public static void assumeRoot() {
        Root.assume("creates users and runs the privileged daemon");
    }

    /** The repository: the property sftpd.repo (set by the build), else the working directory or above. */
    public static Path repository() {
        Path start = Path.of(System.getProperty("sftpd.repo", "")).toAbsolutePath();
        return Stream.iterate(start, d -> d != null, Path::getParent)
                .filter(d -> Files.isExecutable(d.resolve("bin/sftpd")))
                .findFirst().orElseThrow(() -> new AssertionError("no bin/sftpd in or above " + start));
    }

    /** bin/sftpd run once with these flags (-t, -T, -C, -O ...), not as a daemon: what it printed and returned. */
    public static Outcome command(String... args) {
        List<String> command = new ArrayList<>(List.of(repository().resolve("bin/sftpd").toString()));
        command.addAll(List.of(args));
        return Run.run(command, new byte[0]);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        assumeRoot();
        Files.copy(repository().resolve("packaging/pam.d/sftpd"), Path.of("/etc/pam.d/sftpd"),
                StandardCopyOption.REPLACE_EXISTING);
        dir = Files.createTempDirectory("sftpd-it-");
        // Users may pass through the scratch directory: the host key is kept from them by its own directory.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path keys = Files.createDirectory(dir.resolve("hostkeys"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        hostKey = Keys.generate(keys.resolve("ssh_host_ed25519_key"), "host");
        accounts = new SystemAccounts(Files.createDirectory(dir.resolve("clientkeys"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
        classConfig.ifPresent(lines -> daemon = startDaemon(lines.toArray(String[]::new)));
    }

    /** Another daemon with the same host key and accounts, stopped with the class (or earlier by close()). */
    public DaemonProcess startDaemon(String... lines) {
        return startDaemon(Map.of(), lines);
    }

    /** Another daemon, with these variables added to its environment. */
    public DaemonProcess startDaemon(Map<String, String> environment, String... lines) {
        return started(DaemonProcess.start(launcher(), dir, hostKey, List.of(lines), Optional.empty(), environment));
    }

    /** Another daemon, with these variables added to its environment, returned before it listens. */
    public DaemonProcess spawnDaemon(Map<String, String> environment, String... lines) {
        return started(DaemonProcess.spawn(launcher(), dir, hostKey, List.of(lines), Optional.empty(), environment));
    }

    /** A daemon started with {@code running}'s configuration while it runs: a restart. */
    public DaemonProcess startSuccessor(DaemonProcess running) {
        return started(running.successor(launcher()));
    }

    /** A file of {@code size} random bytes in the scratch directory, to transfer. */
    public Path randomFile(String name, int size) {
        byte[] content = new byte[size];
        new Random(name.hashCode()).nextBytes(content);
        try {
            return Files.write(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** bin/sftpd logging to {@code syslog} as it does in production (no -e); the syslog file is its log. */
    public DaemonProcess startLoggingTo(Rsyslog syslog, String... lines) {
        return started(DaemonProcess.start(List.of(repository().resolve("bin/sftpd").toString()), dir, hostKey,
                List.of(lines), Optional.of(syslog)));
    }

    /** A private rsyslogd writing a file as Debian's /var/log/auth.log, stopped after the class's daemons. */
    public Rsyslog startRsyslog() {
        try {
            return started(Rsyslog.start(Files.createDirectory(dir.resolve("syslog"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> launcher() {
        if (transportMain == null) {
            List<String> command = new ArrayList<>(wrapper);
            command.add(repository().resolve("bin/sftpd").toString());
            return command;
        }
        return launcher(transportClasses, transportMain);
    }

    /**
     * What bin/sftpd runs, with server's test classes on the class path the transports inherit and
     * {@code transportMain} as their main class.
     */
    public static List<String> launcher(String transportMain) {
        return launcher(repository().resolve("server/target/test-classes"), transportMain);
    }

    private static List<String> launcher(Path testClasses, String transportMain) {
        Path target = repository().resolve("server/target");
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-Xmx256m", "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED",
                "-Dsftpd.transport.main=" + transportMain,
                "-cp", testClasses + ":" + target.resolve("server.jar") + ":" + target.resolve("lib") + "/*",
                "dev.sftpd.server.SftpdMain");
    }

    private static Path codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Throwable failure = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception | AssertionError e) {
                failure = failure == null ? e : failure;
            }
        }
        try {
            if (accounts != null) {
                accounts.close();
            }
        } finally {
            Scratch.delete(dir);
        }
        if (failure instanceof Exception e) {
            throw e;
        }
        if (failure != null) {
            throw (AssertionError) failure;
        }
    }

    private <T extends AutoCloseable> T started(T process) {
        started.add(process);
        return process;
    }

    /** The class's daemon (see {@link #withConfig}). */
    public DaemonProcess daemon() {
        if (daemon == null) {
            throw new IllegalStateException("no class daemon: made withoutDaemon(), the tests start their own");
        }
        return daemon;
    }

    /** Clients of the class's daemon. */
    public OpenSsh clients() {
        return daemon().clients();
    }

    public SystemUser user(String role) {
        return accounts.user(role);
    }

    public SystemAccounts accounts() {
        return accounts;
    }

    /** The scratch directory (mode 0755), for files the tests make and fetch. */
    public Path dir() {
        return dir;
    }

    public Path hostKey() {
        return hostKey;
    }
}
