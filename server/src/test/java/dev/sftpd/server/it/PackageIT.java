// The Debian package, as bin/package builds it and dpkg installs it on this machine: its contents, its daemon serving a real user, its removal and purge.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.OpenSftp;
import dev.sftpd.testkit.OpenSsh;
import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemAccounts;
import dev.sftpd.testkit.SystemUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Builds the package once (bin/package reuses the jars this build just made), then reads it and,
 * as root, installs it with dpkg. The machine is left as it was found: the package test skips if
 * sftpd is installed already, and puts back the sftpd account and the files a purge removes
 * (MachineState), which the repository's own test daemons use too.
 */
class PackageIT {
    /** A build on a loaded machine: dpkg-buildpackage compresses 12 MiB of jars. */
    private static final Duration BUILD = Duration.ofMinutes(5);
    private static final List<String> SHIPPED = List.of("./usr/sbin/sftpd", "./usr/share/sftpd/server.jar",
            "./usr/share/sftpd/server-transport.jar", "./usr/share/sftpd/server-engine.jar",
            "./etc/sftpd/sftpd_config", "./etc/sftpd/sftpd_config.d/", "./etc/pam.d/sftpd",
            "./lib/systemd/system/sftpd.service", "./usr/share/man/man8/sftpd.8.gz",
            "./usr/share/man/man5/sftpd_config.5.gz");
    private static final Path UNIT = Path.of("/lib/systemd/system/sftpd.service");
    /** Where enabling the unit (WantedBy=multi-user.target) puts its link. */
    private static final Path ENABLED = Path.of("/etc/systemd/system/multi-user.target.wants/sftpd.service");

    private static Path dir;
    private static Path deb;
    private static Path tarball;
    private static Path contents;

    @BeforeAll
    static void buildThePackage() throws IOException {
        Sftpd.assumeRoot();
        Assumptions.assumeTrue(onPath("dpkg-buildpackage") && onPath("dh"),
                "needs dpkg-buildpackage and debhelper (bin/setup installs them)");
        dir = Files.createTempDirectory("sftpd-package-");
        Outcome build = Run.run(List.of(Sftpd.repository().resolve("bin/package").toString(), "-o",
                dir.resolve("dist").toString()), new byte[0], BUILD).assertExit(0);
        List<Path> built = build.stdout().lines().map(Path::of).toList();
        deb = built.stream().filter(p -> p.toString().endsWith(".deb")).findFirst().orElseThrow();
        tarball = built.stream().filter(p -> p.toString().endsWith(".tar.gz")).findFirst().orElseThrow();
        contents = dir.resolve("contents");
        Run.checked("dpkg-deb", "-x", deb.toString(), contents.toString());
    }

    @AfterAll
    static void removeScratch() {
        if (dir != null) {
            Run.checked("rm", "-rf", dir.toString());
        }
    }

    @Test
    void theDebIsNamedForTheMavenVersionAndDependsOnAJava17RuntimeAndUtilLinux() {
        String version = debianVersion();

        assertEquals("sftpd_" + version + "_all.deb", deb.getFileName().toString());
        assertEquals("sftpd-" + version + ".tar.gz", tarball.getFileName().toString());
        assertEquals(version, field("Version"));
        assertEquals("all", field("Architecture"));
        String depends = field("Depends");
        for (String dependency : List.of("openjdk-17-jre-headless | java17-runtime-headless", "util-linux", "adduser")) {
            assertTrue(depends.contains(dependency), "Depends: " + depends + " lacks " + dependency);
        }
    }

    @Test
    void theDebShipsLauncherJarsConfigurationPamUnitAndManPagesWithTheConfigurationAsConffiles() throws IOException {
        Set<String> listed = listing();

        assertTrue(listed.containsAll(SHIPPED), "missing from the package: "
                + SHIPPED.stream().filter(p -> !listed.contains(p)).toList());
        assertTrue(listed.stream().anyMatch(p -> p.matches("\\./usr/share/sftpd/lib/monitor-.*\\.jar")), listed::toString);
        assertTrue(Files.isExecutable(contents.resolve("usr/sbin/sftpd")), "/usr/sbin/sftpd is executable");
        assertEquals(List.of("/etc/pam.d/sftpd", "/etc/sftpd/sftpd_config"),
                Run.checked("dpkg-deb", "-I", deb.toString(), "conffiles").stdout().lines().sorted().toList());
        assertEquals(Files.readString(Sftpd.repository().resolve("packaging/pam.d/sftpd")),
                Files.readString(contents.resolve("etc/pam.d/sftpd")));
        assertEquals(Files.readString(Sftpd.repository().resolve("systemd/sftpd.service")),
                Files.readString(contents.resolve("lib/systemd/system/sftpd.service")));
    }

    @Test
    void theTarballHoldsThePackagesFilesUnderOneDirectory() {
        String top = "sftpd-" + debianVersion() + "/";
        Set<String> files = Run.checked("tar", "-tzf", tarball.toString()).stdout().lines()
                .filter(p -> !p.endsWith("/")).collect(Collectors.toCollection(TreeSet::new));

        Set<String> expected = listing().stream().filter(p -> !p.endsWith("/"))
                .map(p -> top + p.substring(2)).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, files);
    }

    @Test
    void theManPagesRenderWithoutWarnings() {
        for (String page : List.of("usr/share/man/man8/sftpd.8.gz", "usr/share/man/man5/sftpd_config.5.gz")) {
            Outcome man = Run.run(List.of("man", "--warnings", "-l", contents.resolve(page).toString()), new byte[0])
                    .assertExit(0);
            assertEquals("", man.stderr(), man.toString());
            assertTrue(man.stdout().contains("SEE ALSO"), man.toString());
        }
    }

    /** Every keyword `sftpd -T` prints has an entry (a .TP tag) in sftpd_config(5). */
    @Test
    void sftpdConfigFiveDocumentsEveryKeyword() throws IOException {
        Set<String> keywords = Run.checked(Sftpd.repository().resolve("bin/sftpd").toString(), "-T", "-f", "/dev/null")
                .stdout().lines().map(l -> l.split(" ")[0]).collect(Collectors.toCollection(TreeSet::new));
        List<String> page = Files.readAllLines(Sftpd.repository().resolve("packaging/man/sftpd_config.5"));
        Set<String> documented = new TreeSet<>();
        for (int i = 1; i < page.size(); i++) {
            if (page.get(i - 1).equals(".TP") && page.get(i).matches("\\.BR? .*")) {
                Arrays.stream(page.get(i).replace("\"", " ").split("[ ,]+")).skip(1)
                        .map(String::toLowerCase).forEach(documented::add);
            }
        }

        keywords.removeAll(documented);
        assertEquals(Set.of(), keywords, "keywords sftpd_config(5) does not describe");
    }

    /** lintian's warnings are printed for the reader; its errors fail, except the placeholder maintainer address. */
    @Test
    void lintianFindsNoErrorButThePlaceholderMaintainerAddress() {
        Assumptions.assumeTrue(onPath("lintian"), "lintian is not installed");
        Outcome lintian = Run.run(List.of("lintian", "--tag-display-limit", "0", deb.toString()), new byte[0],
                BUILD);
        System.out.println("lintian " + deb.getFileName() + ":\n" + lintian.stdout());
        List<String> errors = lintian.stdout().lines().filter(l -> l.startsWith("E: "))
                .filter(l -> !l.matches("E: sftpd: bogus-mail-host.*")).toList();
        assertEquals(List.of(), errors, lintian.toString());
    }

    /**
     * dpkg -i on this machine; the installed sftpd checks its configuration, its unit verifies, and
     * the installed daemon serves a real user; dpkg -r removes the programs and keeps the
     * conffiles; dpkg --purge removes configuration, host keys, archives and the sftpd account.
     */
    @Test
    void theInstalledPackageServesAUserThenRemovesAndPurgesAsOpensshServerDoes() throws IOException {
        Assumptions.assumeTrue(packageStatus().isEmpty(),
                "the sftpd package is on this machine already: the test would replace and purge it");
        MachineState found = MachineState.record(Files.createDirectory(dir.resolve("machine")));
        try (SystemAccounts accounts = new SystemAccounts(Files.createDirectory(dir.resolve("clientkeys")))) {
            Run.run(List.of("dpkg", "-i", deb.toString()), new byte[0], BUILD).assertExit(0);
            assertEquals("install ok installed", packageStatus());
            assertTrue(MachineState.getent("passwd").isPresent(), "the sftpd account exists");
            for (String key : List.of("/etc/sftpd/ssh_host_ed25519_key", "/etc/sftpd/ssh_host_rsa_key")) {
                assertEquals(0, Files.getAttribute(Path.of(key), "unix:uid"), key + " owner");
                assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(Path.of(key))), key + " mode");
            }
            assertEquals(UNIT, Files.readSymbolicLink(ENABLED), "the unit is enabled");
            Run.checked("/usr/sbin/sftpd", "-t");
            Outcome verify = Run.run(List.of("systemd-analyze", "verify", UNIT.toString()), new byte[0]).assertExit(0);
            assertEquals("", verify.stderr(), verify.toString());

            servesAUser(accounts.user("alice"));
            upgradingKeepsALiveSession(accounts.user("bob"));

            Run.checked("dpkg", "-r", "sftpd");
            assertEquals("deinstall ok config-files", packageStatus());
            for (String gone : List.of("/usr/sbin/sftpd", "/usr/share/sftpd", UNIT.toString())) {
                assertFalse(Files.exists(Path.of(gone)), gone + " after dpkg -r");
            }
            for (String kept : List.of("/etc/sftpd/sftpd_config", "/etc/pam.d/sftpd", "/etc/sftpd/ssh_host_ed25519_key")) {
                assertTrue(Files.exists(Path.of(kept)), kept + " after dpkg -r");
            }

            Run.checked("dpkg", "--purge", "sftpd");
            assertEquals("", packageStatus());
            for (String gone : List.of("/etc/sftpd", "/etc/pam.d/sftpd", "/var/cache/sftpd")) {
                assertFalse(Files.exists(Path.of(gone), LinkOption.NOFOLLOW_LINKS), gone + " after dpkg --purge");
            }
            assertFalse(MachineState.getent("passwd").isPresent(), "the sftpd account after dpkg --purge");
            assertFalse(Files.exists(ENABLED, LinkOption.NOFOLLOW_LINKS), ENABLED + " after dpkg --purge");
        } finally {
            if (!packageStatus().isEmpty()) {
                Run.run(List.of("dpkg", "--purge", "sftpd"), new byte[0]);
            }
            found.restore();
        }
    }

    /**
     * The installed /usr/sbin/sftpd, on the installed configuration and host keys (VERBOSE, so that
     * DaemonProcess sees each connection open and end), serves a login
     * with the stock sftp client; its transport runs the installed jars. Stopped by pid; then
     * whatever it started that outlives it (a class-data archive's training or dump, which the
     * daemon does not wait for) is ended by pid too: the only processes running the installed
     * jars are this test's.
     */
    private void servesAUser(SystemUser user) throws IOException {
        try (DaemonProcess daemon = startInstalled("installed-sftpd.log")) {
            int port = daemon.port();
            user.createFile("hello.txt", "hello from the package\n", "rw-r--r--");

            new OpenSsh(port).sftp(user, "pwd", "get hello.txt " + dir.resolve("fetched.txt")).assertExit(0)
                    .assertStdout("Remote working directory: " + user.home());

            assertEquals("hello from the package\n", Files.readString(dir.resolve("fetched.txt")));
            // The pooled transports waiting for the next connection run from the installed jars
            // (sftp-core's first: Launcher.classPathOf).
            List<String> children = daemon.children().stream().map(PackageIT::commandLine).toList();
            Pattern installed = Pattern.compile(
                    " -cp /usr/share/sftpd/lib/sftp-core-[^:/]+\\.jar:/usr/share/sftpd/server-transport\\.jar:");
            assertTrue(children.stream().anyMatch(c -> installed.matcher(c).find()), children::toString);
        } finally {
            endInstalledProcesses();
        }
    }

    /**
     * dpkg -i of the package over itself (an upgrade: the postinst is called with the previous
     * version) while the installed daemon serves a live session: the postinst has the daemon start
     * a successor on the new files (sftpd -O restart), which takes the listening sockets over; the
     * live session goes on, a new connection is served by the successor, and the old daemon exits
     * once its session ends.
     */
    private void upgradingKeepsALiveSession(SystemUser user) throws IOException {
        try (DaemonProcess old = startInstalled("upgraded-sftpd.log")) {
            int port = old.port();
            Process process = old.process();
            try (OpenSftp live = new OpenSsh(port).openSftp(user)) {
                Run.run(List.of("dpkg", "-i", deb.toString()), new byte[0], BUILD).assertExit(0);

                old.awaitLog(Pattern.compile("Handed \\d+ listening sockets to the daemon with pid \\d+"));
                new OpenSsh(port).sftp(user, "pwd").assertExit(0).assertStdout("Remote working directory: " + user.home());
                live.send("mkdir made-during-the-upgrade");
                live.send("bye");
                live.finish().assertExit(0);
                assertTrue(Files.isDirectory(user.home().resolve("made-during-the-upgrade")), "the live session went on");
                assertTrue(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS),
                        "the old daemon exits once its last session has ended");
                assertEquals(0, process.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            endInstalledProcesses();
        }
    }

    /** The installed /usr/sbin/sftpd in the foreground on a free 127.0.0.1 port, once it listens. */
    private static DaemonProcess startInstalled(String logName) throws IOException {
        int port = DaemonProcess.freePort();
        Path log = dir.resolve(logName);
        Process process = new ProcessBuilder("/usr/sbin/sftpd", "-D", "-e", "-p", Integer.toString(port),
                "-o", "ListenAddress=127.0.0.1", "-o", "PidFile=none", "-o", "LogLevel=VERBOSE").redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        DaemonProcess daemon = new DaemonProcess(process, port, log);
        daemon.awaitLog("Server listening on 127.0.0.1 port " + port + ".");
        return daemon;
    }

    /** Ends, by pid, whatever still runs the installed jars: only this test's processes do. */
    private static void endInstalledProcesses() {
        List<ProcessHandle> left = ProcessHandle.allProcesses()
                .filter(p -> commandLine(p.pid()).contains("/usr/share/sftpd/")).toList();
        left.forEach(ProcessHandle::destroyForcibly);
        left.forEach(p -> p.onExit().join());
    }

    private static String commandLine(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return pid + " (gone)";
        }
    }

    private static Set<String> listing() {
        // dpkg-deb -c prints "mode owner size date time path"; the path is the last field.
        return Run.checked("dpkg-deb", "-c", deb.toString()).stdout().lines()
                .map(l -> l.substring(l.indexOf(" ./") + 1)).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String field(String name) {
        return Run.checked("dpkg-deb", "-f", deb.toString(), name).stdout().strip();
    }

    /** Maven's version as Debian's: 0.1.0-SNAPSHOT is 0.1.0~snapshot ("~" sorts before the release). */
    private static String debianVersion() {
        try {
            Matcher m = Pattern.compile("(?m)^  <version>(.*)</version>$")
                    .matcher(Files.readString(Sftpd.repository().resolve("pom.xml")));
            assertTrue(m.find(), "the project version in pom.xml");
            return m.group(1).toLowerCase(java.util.Locale.ROOT).replace('-', '~');
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** dpkg's status of the package ("install ok installed", ...), or "" when it is not on the machine. */
    private static String packageStatus() {
        Outcome o = Run.run(List.of("dpkg-query", "-W", "-f=${Status}", "sftpd"), new byte[0]);
        return o.exitCode() != 0 || o.stdout().strip().endsWith(" not-installed") ? "" : o.stdout().strip();
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }
}
