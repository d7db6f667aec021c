// MetricsListenAddress: the monitor's Prometheus metrics over HTTP, moved by what real clients did.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.OpenSftp;
import dev.sftpd.testkit.OpenSsh;
import dev.sftpd.testkit.Poll;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MetricsIT {
    private static final int METRICS_PORT = DaemonProcess.freePort();
    private static final String URL = "http://127.0.0.1:" + METRICS_PORT + "/metrics";
    private static final int SIZE = 300_000;

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig("MetricsListenAddress 127.0.0.1:" + METRICS_PORT,
            "TransportPoolSize 1", "EnginePoolSize 2");

    @Test
    void anSftpSessionMovesConnectionAuthenticationByteAndLatencyMetrics() throws IOException {
        SystemUser alice = sftpd.user("alice");
        Path upload = sftpd.randomFile("upload", SIZE);
        Path download = sftpd.dir().resolve("download");
        Scrape before = Scrape.of(URL);

        sftpd.clients().sftp(alice, "put " + upload + " up", "get up " + download).assertExit(0);

        Scrape after = awaitConnectionsClosed();
        assertEquals(1, increase(before, after, "sftpd_connections_total{outcome=authenticated}"));
        assertEquals(1, increase(before, after, "sftpd_authentications_total{method=publickey,result=accepted}"));
        assertTrue(increase(before, after, "sftpd_received_bytes_total{}") > SIZE, "the upload came in");
        assertTrue(increase(before, after, "sftpd_sent_bytes_total{}") > SIZE, "the download went out");
        assertEquals(1, increase(before, after, "sftpd_handover_seconds_count{kind=transport}"));
        assertEquals(1, increase(before, after, "sftpd_handover_seconds_count{kind=engine}"));
        // Pools refill in the background, at idle priority: a replacement may still be starting.
        Poll.until(() -> Scrape.of(URL).value("sftpd_spawn_seconds_count{kind=transport}") >= 2,
                () -> "the first transport and its replacement");
        Poll.until(() -> Scrape.of(URL).value("sftpd_spawn_seconds_count{kind=engine}") >= 3,
                () -> "two pooled engines and a replacement");
        assertEquals(Files.mismatch(upload, download), -1L);
    }

    /** With AuditLog the engines report their operations, and each report is counted by its request's name. */
    @Test
    void auditedOperationsAreCountedByType() throws IOException {
        int port = DaemonProcess.freePort();
        String url = "http://127.0.0.1:" + port + "/metrics";
        DaemonProcess audited = sftpd.startDaemon("MetricsListenAddress 127.0.0.1:" + port,
                "AuditLog " + sftpd.dir().resolve("audit.json"));
        SystemUser bob = sftpd.user("bob");
        Path upload = sftpd.randomFile("counted", 1000);

        new OpenSsh(audited).sftp(bob, "put " + upload + " one", "rename one two", "mkdir dir", "rm two")
                .assertExit(0);

        Poll.until(() -> Scrape.of(url).value("sftpd_connections_open{}") == 0, () -> "connections still open");
        Scrape after = Scrape.of(url);
        assertEquals(1, after.value("sftpd_operations_total{type=open}"));
        assertEquals(1, after.value("sftpd_operations_total{type=close}"));
        assertEquals(1, after.value("sftpd_operations_total{type=mkdir}"));
        assertEquals(1, after.value("sftpd_operations_total{type=remove}"));
        assertTrue(after.value("sftpd_operations_total{type=rename}")
                + after.value("sftpd_operations_total{type=posix-rename}") == 1, "one rename");
    }

    @Test
    void aFailedLoginCountsAsAFailedAuthenticationAndItsConnectionSo() {
        SystemUser stranger = sftpd.accounts().newUser("stranger", "staff");
        Scrape before = Scrape.of(URL);

        sftpd.clients().sftp(stranger, "pwd").assertExit(255);

        Scrape after = awaitConnectionsClosed();
        assertEquals(1, increase(before, after, "sftpd_connections_total{outcome=failed_authentication}"));
        assertEquals(1, increase(before, after, "sftpd_authentications_total{method=publickey,result=failed}"));
        assertEquals(0, increase(before, after, "sftpd_authentications_total{method=publickey,result=accepted}"));
    }

    @Test
    void anOpenSessionIsALiveConnectionAndSession() {
        SystemUser alice = sftpd.user("alice");
        try (OpenSftp open = sftpd.clients().openSftp(alice)) {
            open.send("pwd");
            open.awaitStdout("Remote working directory");

            Scrape during = Scrape.of(URL);

            assertEquals(1, during.value("sftpd_connections_open{}"));
            assertEquals(1, during.value("sftpd_sessions_open{}"));
        }
        Scrape after = awaitConnectionsClosed();
        assertEquals(0, after.value("sftpd_sessions_open{}"));
    }

    @Test
    void poolsAreReportedWithTheirConfiguredSizesAndTheMonitorsJvmToo() {
        Poll.until(() -> Scrape.of(URL).value("sftpd_pool_ready{pool=engine}") == 2, () -> "the engine pool refills");
        Scrape scrape = Scrape.of(URL);

        assertEquals(1, scrape.value("sftpd_pool_size{pool=transport_ipv4}"));
        assertEquals(2, scrape.value("sftpd_pool_size{pool=engine}"));
        assertTrue(scrape.has("jvm_threads_current{}"), "the JVM's collectors");
        assertTrue(scrape.value("jvm_memory_used_bytes{area=heap}") > 0);
    }

    @Test
    void theEndpointListensOnTheConfiguredAddressOnly() {
        assertThrows(ConnectException.class,
                () -> new Socket(InetAddress.getByName("127.0.0.2"), METRICS_PORT).close());
        sftpd.daemon().awaitLog("Serving metrics on 127.0.0.1 port " + METRICS_PORT + ".");
    }

    @Test
    void eachChildsClassPathHoldsTheLibrariesOfItsKindAndNoOther() throws IOException {
        sftpd.clients().sftp(sftpd.user("alice"), "pwd").assertExit(0);
        List<String> commandLines = new ArrayList<>();
        for (long child : sftpd.daemon().children()) {
            commandLines.add(commandLine(child));
            Path children = Path.of("/proc", Long.toString(child), "task", Long.toString(child), "children");
            if (Files.exists(children)) {
                for (String grandchild : Files.readString(children).trim().split("\\s+")) {
                    if (!grandchild.isEmpty()) {
                        commandLines.add(commandLine(Long.parseLong(grandchild)));
                    }
                }
            }
        }

        assertTrue(commandLines.stream().anyMatch(c -> c.contains("dev.sftpd.transport.TransportMain")), commandLines
                .toString());
        assertTrue(commandLines.stream().anyMatch(c -> c.contains("dev.sftpd.engine.EngineMain")), commandLines
                .toString());
        // Transports and engines; the class-data training JVMs run as root with the daemon's class path.
        for (String c : commandLines) {
            if (!c.contains("TransportMain") && !c.contains("EngineMain")) {
                continue;
            }
            List<String> jars = classPathJars(c);
            for (String library : List.of("sftp-core", "sshd-common", "jffi", "jnr-constants", "slf4j-api",
                    "logback-classic", "logback-core")) {
                assertTrue(holds(jars, library), library + " missing: " + c);
            }
            // Root's code, the metrics library, jnr-ffi (children call C through jffi) and its code
            // generators, what no child calls.
            for (String library : List.of("monitor", "prometheus-metrics-core", "jnr-ffi", "asm", "asm-util",
                    "asm-tree", "asm-commons", "asm-analysis", "jnr-x86asm", "jnr-a64asm", "jnr-posix",
                    "jcl-over-slf4j")) {
                assertFalse(holds(jars, library), library + " on a child's class path: " + c);
            }
            assertFalse(jars.contains("server.jar"), c);
            assertTrue(jars.stream().noneMatch(jar -> jar.endsWith("-native.jar")), c);
            // MINA's server and Bouncy Castle (ML-KEM) are the transport's alone.
            boolean transport = c.contains("TransportMain");
            assertEquals(transport, holds(jars, "sshd-core"), c);
            assertEquals(transport, holds(jars, "bcprov-jdk18on"), c);
        }
    }

    /** The file names of the jars after -cp in a java command line. */
    private static List<String> classPathJars(String commandLine) {
        List<String> words = List.of(commandLine.split(" "));
        return Arrays.stream(words.get(words.indexOf("-cp") + 1).split(":"))
                .map(entry -> Path.of(entry).getFileName().toString()).toList();
    }

    /** Whether the jars include an artifact's main jar, whatever its version (not a classified jar like -shared). */
    private static boolean holds(List<String> jars, String artifact) {
        return jars.stream().anyMatch(jar -> jar.matches(Pattern.quote(artifact) + "-[0-9][^-]*(-SNAPSHOT)?\\.jar"));
    }

    private static String commandLine(long pid) throws IOException {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (java.nio.file.NoSuchFileException e) {
            return "";
        }
    }

    /** The next scrape once no connection is open: each one's end (and its bytes) is counted by then. */
    private static Scrape awaitConnectionsClosed() {
        Poll.until(() -> Scrape.of(URL).value("sftpd_connections_open{}") == 0, () -> "connections still open");
        return Scrape.of(URL);
    }

    private static double increase(Scrape before, Scrape after, String sample) {
        return after.value(sample) - before.value(sample);
    }
}
