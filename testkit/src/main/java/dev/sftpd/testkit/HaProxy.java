// A real HAProxy (Debian's haproxy) in TCP mode on a free port of 127.0.0.1, in front of daemons, sending PROXY headers.
package dev.sftpd.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Started in the foreground ({@code haproxy -db}), so its pid is the process's and closing stops
 * exactly it. Its servers are the daemons' ports on 127.0.0.1, taken in turn (round robin), each
 * connection preceded by the header {@code sendProxy} names: {@code send-proxy} (version 1, text)
 * or {@code send-proxy-v2} (binary). Clients reach it with {@link #clients()}, from another
 * loopback address with {@code -o BindAddress=127.0.0.2}.
 *
 * @param log what haproxy printed (its warnings and alerts)
 */
public record HaProxy(Process process, int port, Path config, Path log) implements AutoCloseable {
    /**
     * Starts haproxy with these backends and waits until it listens. {@code serverOptions} come
     * after each server line's address: the header ("send-proxy-v2"), and any other (e.g. "check").
     */
    public static HaProxy start(Path dir, List<Integer> backendPorts, String serverOptions) {
        int port = DaemonProcess.freePort();
        Path config = dir.resolve("haproxy-" + port + ".cfg");
        Path log = dir.resolve("haproxy-" + port + ".log");
        List<String> lines = new ArrayList<>(List.of(
                "global",
                "    maxconn 256",
                "defaults",
                "    mode tcp",
                "    timeout connect 5s",
                "    timeout client 5m",
                "    timeout server 5m",
                "frontend sftp",
                "    bind 127.0.0.1:" + port,
                "    default_backend sftpd",
                "backend sftpd",
                "    balance roundrobin"));
        for (int i = 0; i < backendPorts.size(); i++) {
            lines.add("    server sftpd" + i + " 127.0.0.1:" + backendPorts.get(i) + " " + serverOptions);
        }
        try {
            Files.write(config, lines);
            Process process = new ProcessBuilder("haproxy", "-db", "-f", config.toString())
                    .redirectInput(new File("/dev/null")).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            HaProxy haproxy = new HaProxy(process, port, config, log);
            try {
                Poll.until(() -> !process.isAlive() || listening(port),
                        () -> "haproxy does not listen on port " + port + ":\n" + Text.read(log));
            } catch (AssertionError e) {
                haproxy.close();
                throw e;
            }
            if (!process.isAlive()) {
                fail("haproxy exited: " + Text.read(log) + "\nits configuration:\n" + String.join("\n", lines));
            }
            return haproxy;
        } catch (IOException e) {
            throw new UncheckedIOException("starting haproxy", e);
        }
    }

    /**
     * Whether a socket listens on 127.0.0.1:port, read from /proc/net/tcp (local address
     * 0100007F:PORT, state 0A) rather than by connecting, which haproxy would pass on to a daemon.
     */
    private static boolean listening(int port) {
        String local = String.format(Locale.ROOT, "0100007F:%04X", port);
        try {
            return Files.readAllLines(Path.of("/proc/net/tcp")).stream().map(String::trim)
                    .map(l -> l.split("\\s+")).anyMatch(f -> f.length > 3 && f[1].equals(local) && f[3].equals("0A"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** OpenSSH's clients pointed at haproxy's port. */
    public OpenSsh clients() {
        return new OpenSsh(port);
    }

    /** SIGTERM to haproxy, by its pid; SIGKILL if it does not go within 10 s. */
    @Override
    public void close() {
        Run.terminate(process);
    }
}
