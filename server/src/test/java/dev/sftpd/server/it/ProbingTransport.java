// A transport set up as the real one that tries to become root and to reach other processes and the host key, then serves.
package dev.sftpd.server.it;

import dev.sftpd.log.SshLog;
import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.transport.Probes;
import dev.sftpd.transport.TransportMain;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daemon runs it as its transports' main class for TransportProbeIT: it stands for a transport whose
 * SSH code an attacker took over. It probes only when the file "probe-sibling" beside its class names
 * another transport's pid, then the host keys' paths, a line each (the test writes it there, as
 * MonitorProtocolIT its script: HELLO does not tell a transport where the keys are); otherwise it is
 * the real transport, and so is the sibling. Every answer goes to the monitor's log as an INFO line
 * "probe NAME: denied errno=N" (or "ALLOWED"), then "probe done".
 */
public final class ProbingTransport {
    static final String SIBLING = "probe-sibling";
    static final String DONE = "probe done";

    private static final SshLog log = SshLog.get(ProbingTransport.class);

    private static final int CAP_DAC_OVERRIDE = 1;
    private static final int CAP_KILL = 5;
    private static final int CAP_SETGID = 6;
    private static final int CAP_SETUID = 7;
    /** What would undo the other refusals; all in the bounding set of a container's root, so root could raise them. */
    private static final long UNDOING_CAPS =
            1L << CAP_DAC_OVERRIDE | 1L << CAP_KILL | 1L << CAP_SETGID | 1L << CAP_SETUID;
    private static final int PR_SET_DUMPABLE = 4;
    private static final int PR_CAP_AMBIENT = 47;
    private static final int PR_CAP_AMBIENT_RAISE = 2;
    private static final int PTRACE_SEIZE = 0x4206;
    /** Setuid root, and on the jail's /usr: were exec let through, nosuid would still keep it from root. */
    private static final String SETUID_PROGRAM = "/usr/bin/su";

    /**
     * PAM, shadow, host-key and login-record code, the configuration's parser and access rules:
     * the monitor's alone, never on a transport's class path (HELLO gives it settings, not a
     * configuration to parse).
     */
    static final List<String> ROOT_ONLY_CLASSES = List.of("dev.sftpd.monitor.auth.Pam",
            "dev.sftpd.monitor.auth.ShadowPasswords", "dev.sftpd.monitor.HostKeys",
            "dev.sftpd.monitor.login.LoginRecorder", "dev.sftpd.monitor.MonitorSession",
            "dev.sftpd.server.config.ConfigParser", "dev.sftpd.monitor.auth.AccessRules");

    private ProbingTransport() {}

    /** "absent" when the class is nowhere the transport can load it from. */
    private static String load(String className) {
        try {
            Class.forName(className, false, ProbingTransport.class.getClassLoader());
            return "ALLOWED";
        } catch (ClassNotFoundException e) {
            return "absent";
        }
    }

    public static void main(String[] args) throws Exception {
        MonitorCalls monitor = new MonitorCalls(MonitorCalls.CHANNEL_FD);
        MonitorCalls.Hello hello = monitor.hello();
        TransportMain.Prepared prepared = TransportMain.prepare(monitor, hello);
        MonitorCalls.Connection connection = monitor.awaitConnection();
        Path siblingFile = siblingFile();
        if (Files.exists(siblingFile)) {
            List<String> lines = Files.readAllLines(siblingFile);
            int sibling = Integer.parseInt(lines.get(0).strip());
            Map<String, Probes.Attempt> attempts =
                    attempts(sibling, lines.subList(1, lines.size()).stream().map(Path::of).toList());
            // Started after the filter went on, as MINA's threads are, which an attacker's code would run on.
            Thread probing = new Thread(() -> {
                attempts.forEach((name, attempt) -> log.info("probe %s: %s", name, Probes.outcome(attempt)));
                log.info("%s", DONE);
            }, "probing");
            probing.start();
            probing.join();
        }
        TransportMain.serve(prepared, connection);
    }

    /** Each attempt by name, in the order they run: capset before the ambient raise that would need it. */
    private static Map<String, Probes.Attempt> attempts(int sibling, List<Path> hostKeys) {
        Map<String, Probes.Attempt> a = new LinkedHashMap<>();
        for (String rootOnly : ROOT_ONLY_CLASSES) {
            a.put("load " + rootOnly, () -> load(rootOnly));
        }
        a.put("setuid", () -> Probes.setuid(0));
        a.put("setresuid", () -> Probes.setresuid(0, 0, 0));
        a.put("setgroups", () -> Probes.setgroups(0));
        a.put("capset", () -> Probes.capset(UNDOING_CAPS));
        a.put("prctl-cap-ambient-raise", () -> Probes.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SETUID));
        a.put("prctl-set-dumpable", () -> Probes.prctl(PR_SET_DUMPABLE, 1, 0));
        a.put("execve-su", () -> Probes.execve(SETUID_PROGRAM, "-c", "true"));
        a.put("processbuilder-su", () -> Probes.processBuilder(SETUID_PROGRAM, "-c", "true"));
        a.put("kill-monitor", () -> Probes.kill(Probes.getppid(), 0));
        a.put("kill-init", () -> Probes.kill(1, 0));
        a.put("kill-sibling", () -> Probes.kill(sibling, 0));
        // SEIZE rather than ATTACH: were it let through, the sibling would not be stopped.
        a.put("ptrace-sibling", () -> Probes.syscall("ptrace", PTRACE_SEIZE, sibling, 0, 0));
        for (Path key : hostKeys) {
            a.put("open " + key, () -> Probes.open(key.toString()));
        }
        a.put("open /etc/shadow", () -> Probes.open("/etc/shadow"));
        a.put("open /proc/1/status", () -> Probes.open("/proc/1/status"));
        return a;
    }

    /** Beside this class, in the test classes' directory, which the jail holds read-only. */
    static Path siblingFile() throws URISyntaxException {
        return Path.of(ProbingTransport.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(SIBLING);
    }
}
