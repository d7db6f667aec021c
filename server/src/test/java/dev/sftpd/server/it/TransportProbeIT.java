// A live transport, set up as the daemon sets it up, can neither become root nor reach another process nor the host key.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.Poll;
import dev.sftpd.testkit.ProcFs;
import dev.sftpd.testkit.Sftpd;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/** The daemon's transports are ProbingTransport: real ones, which probe once the test names a sibling. */
class TransportProbeIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withTransportMain(ProbingTransport.class);
    /** A probe's line, which the monitor logs with " [preauth]" as the transport has a client by then. */
    private static final Pattern PROBE = Pattern.compile("(?m)^probe (.+?): (.+?)(?: \\[preauth\\])?$");
    private static final String EPERM = "denied errno=1";
    private static final String ENOENT = "denied errno=2";

    @AfterEach
    void unprobedTransportsAgain() throws Exception {
        Files.deleteIfExists(ProbingTransport.siblingFile());
    }

    /**
     * What the transport's own confinement answers: the filter refuses identity changes, capabilities,
     * programs and every other process (EPERM), and the jail holds neither the host key nor /etc nor /proc
     * (ENOENT); the monitor's root-only classes are not on its class path. Run as root without the
     * confinement, each of these is allowed.
     */
    private static Map<String, String> expected() {
        Map<String, String> e = new LinkedHashMap<>();
        ProbingTransport.ROOT_ONLY_CLASSES.forEach(name -> e.put("load " + name, "absent"));
        Stream.of("setuid", "setresuid", "setgroups", "capset", "prctl-cap-ambient-raise", "prctl-set-dumpable",
                "execve-su", "processbuilder-su", "kill-monitor", "kill-init", "kill-sibling", "ptrace-sibling")
                .forEach(name -> e.put(name, EPERM));
        Stream.of("open " + sftpd.hostKey(), "open /etc/shadow", "open /proc/1/status")
                .forEach(name -> e.put(name, ENOENT));
        return e;
    }

    @Test
    void aTransportAfterItsRealSetUpCannotBecomeRootNorReachAnotherProcessNorTheHostKey() throws Exception {
        DaemonProcess daemon = sftpd.daemon();
        try (Socket siblingClient = connect(daemon)) {
            // Once it sent its banner, the sibling has looked for the file and found none: it only serves.
            assertSshBanner(siblingClient);
            long sibling = daemon.awaitTransport(siblingClient.getLocalPort());
            Files.writeString(ProbingTransport.siblingFile(), sibling + "\n" + sftpd.hostKey() + "\n");

            try (Socket probedClient = connect(daemon)) {
                long probed = daemon.awaitTransport(probedClient.getLocalPort());
                daemon.awaitLog(ProbingTransport.DONE);
                Map<String, String> outcomes = new LinkedHashMap<>();
                daemon.logMatches(PROBE).forEach(m -> outcomes.put(m.group(1), m.group(2)));

                Map<String, String> expected = expected();
                Stream<Executable> each = expected.entrySet().stream().map(probe -> () ->
                        assertEquals(probe.getValue(), outcomes.get(probe.getKey()), "probe " + probe.getKey()));
                assertAll(Stream.concat(each, Stream.of(
                        () -> assertEquals(expected.keySet(), outcomes.keySet(), "the probes that ran"),
                        () -> assertEquals(Optional.of(daemon.pid()), parent(probed),
                                "kill-monitor aimed at the transport's parent, the monitor"),
                        () -> assertTrue(ProcFs.exists(sibling), "the sibling lives on"),
                        () -> assertTrue(daemon.isAlive(), "the monitor lives on"),
                        () -> assertSshBanner(probedClient))));
            }
        }
    }

    private static Socket connect(DaemonProcess daemon) throws IOException {
        Socket client = new Socket(InetAddress.getLoopbackAddress(), daemon.port());
        client.setSoTimeout((int) Poll.WAIT.toMillis());
        return client;
    }

    /** The transport serves SSH: its first line is its version. */
    private static void assertSshBanner(Socket client) throws IOException {
        String banner = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII))
                .readLine();
        assertTrue(banner != null && banner.startsWith("SSH-2.0-"), "an SSH banner: " + banner);
    }

    private static Optional<Long> parent(long pid) {
        return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid);
    }
}
