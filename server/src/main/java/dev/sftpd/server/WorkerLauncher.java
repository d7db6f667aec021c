// How the monitor starts a worker: this same JVM installation and class path, in the worker role.
package dev.sftpd.server;

import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.Spawner;
import dev.sftpd.sftp.posix.SysCallException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A JVM cannot fork: as OpenSSH re-executes itself per connection, we spawn a fresh JVM. */
final class WorkerLauncher {
    private final List<String> argv;

    WorkerLauncher(boolean logToStderr) {
        List<String> a = new ArrayList<>();
        a.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        a.addAll(List.of("-XX:+UseSerialGC", "-Xmx128m", "-XX:-UsePerfData",
                "--enable-native-access=ALL-UNNAMED", "-Xshare:auto"));
        // The worker's main class can be replaced by tests that play a misbehaving worker.
        a.addAll(List.of("-cp", System.getProperty("java.class.path"),
                System.getProperty("sftpd.worker.main", "dev.sftpd.worker.WorkerMain")));
        if (logToStderr) {
            a.add("-e");
        }
        argv = List.copyOf(a);
    }

    /** The worker's pid; it gets the client on fd 0 and its end of the monitor channel on fd 3. */
    int spawn(Fd client, Fd channel) throws SysCallException {
        return Spawner.spawn(argv, Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8"), client.fd(), channel.fd());
    }
}
