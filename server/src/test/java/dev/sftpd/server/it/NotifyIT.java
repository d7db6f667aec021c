// systemd's notify protocol against a real AF_UNIX datagram socket: READY=1, RELOADING=1 then READY=1, STOPPING=1.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NotifyIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig();

    @Test
    void readyArrivesOnceThePortAcceptsWithTheMainPid() throws IOException {
        try (NotifySocket notify = NotifySocket.bind(sftpd.dir().resolve("notify-ready").toString())) {
            DaemonProcess daemon = sftpd.spawnDaemon(Map.of("NOTIFY_SOCKET", notify.address()));

            String ready = notify.await(d -> d.contains("READY=1"), "with READY=1");

            try (Socket client = new Socket(InetAddress.getByName("127.0.0.1"), daemon.port())) {
                assertTrue(client.isConnected(), "the port accepts when READY=1 arrives");
            }
            assertEquals(Optional.of(Long.toString(daemon.pid())), field(ready, "MAINPID"), ready);
            assertEquals(Optional.of("Listening on 127.0.0.1 port " + daemon.port()), field(ready, "STATUS"), ready);
            for (long child : daemon.children()) {
                assertFalse(environment(child).contains("NOTIFY_SOCKET="), "child " + child + " has NOTIFY_SOCKET");
            }
        }
    }

    @Test
    void hupSendsReloadingWithTheMonotonicClockThenReady() throws IOException {
        try (NotifySocket notify = NotifySocket.bind(sftpd.dir().resolve("notify-reload").toString())) {
            DaemonProcess daemon = sftpd.startDaemon(Map.of("NOTIFY_SOCKET", notify.address()));
            notify.await(d -> d.contains("READY=1"), "with READY=1 at start");
            daemon.rewriteConfig("MaxAuthTries 3");

            long before = System.nanoTime() / 1000;
            daemon.hangUp();
            String reloading = notify.await(d -> d.contains("RELOADING=1"), "with RELOADING=1");
            long after = System.nanoTime() / 1000;
            String ready = notify.await(d -> d.contains("READY=1"), "with READY=1 after the reload");

            long monotonic = Long.parseLong(field(reloading, "MONOTONIC_USEC").orElseThrow());
            assertTrue(before <= monotonic && monotonic <= after,
                    "MONOTONIC_USEC " + monotonic + " is CLOCK_MONOTONIC between " + before + " and " + after);
            assertTrue(daemon.logText().contains("Reloaded "), "READY=1 comes once the reload is done");
            assertEquals(Optional.of("Listening on 127.0.0.1 port " + daemon.port()), field(ready, "STATUS"), ready);
        }
    }

    @Test
    void aRefusedReloadAlsoEndsWithReadyAndSaysSo() throws IOException {
        try (NotifySocket notify = NotifySocket.bind(sftpd.dir().resolve("notify-refused").toString())) {
            DaemonProcess daemon = sftpd.startDaemon(Map.of("NOTIFY_SOCKET", notify.address()));
            notify.await(d -> d.contains("READY=1"), "with READY=1 at start");
            daemon.rewriteConfig("NoSuchOption yes");

            daemon.hangUp();
            notify.await(d -> d.contains("RELOADING=1"), "with RELOADING=1");
            String ready = notify.await(d -> d.contains("READY=1"), "with READY=1 after the refused reload");

            assertTrue(field(ready, "STATUS").orElse("").startsWith("Configuration not reloaded"), ready);
        }
    }

    @Test
    void sigtermSendsStopping() throws IOException, InterruptedException {
        try (NotifySocket notify = NotifySocket.bind(sftpd.dir().resolve("notify-stop").toString())) {
            DaemonProcess daemon = sftpd.startDaemon(Map.of("NOTIFY_SOCKET", notify.address()));
            notify.await(d -> d.contains("READY=1"), "with READY=1 at start");

            Run.checked("kill", "-TERM", Long.toString(daemon.pid()));

            notify.await(d -> d.contains("STOPPING=1"), "with STOPPING=1");
            assertTrue(daemon.process().waitFor(30, TimeUnit.SECONDS), "the daemon ends");
        }
    }

    @Test
    void anAbstractSocketAddressWorksToo() throws IOException {
        try (NotifySocket notify = NotifySocket.bind("@sftpd-notify-" + UUID.randomUUID())) {
            DaemonProcess daemon = sftpd.spawnDaemon(Map.of("NOTIFY_SOCKET", notify.address()));

            String ready = notify.await(d -> d.contains("READY=1"), "with READY=1");

            assertEquals(Optional.of(Long.toString(daemon.pid())), field(ready, "MAINPID"), ready);
        }
    }

    private static Optional<String> field(String datagram, String name) {
        return Arrays.stream(datagram.split("\n")).filter(l -> l.startsWith(name + "="))
                .map(l -> l.substring(name.length() + 1)).findFirst();
    }

    private static String environment(long pid) throws IOException {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")),
                    StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        }
    }
}
