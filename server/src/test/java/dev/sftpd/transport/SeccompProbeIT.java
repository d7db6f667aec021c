// The filter in a real kernel: a confined JVM cannot become root, run programs or reach other processes, and still runs.
package dev.sftpd.transport;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SeccompProbeIT {
    /** How the probe JVM is started: as the daemon starts the transport, and without help. */
    enum Launch {
        SETPRIV_NO_NEW_PRIVS("/usr/bin/setpriv", "--no-new-privs", "--"),
        PLAIN;

        final List<String> prefix;

        Launch(String... prefix) {
            this.prefix = List.of(prefix);
        }
    }

    /** What a probe thread, started before or after confine(), sees for each attempt. */
    private static final Map<String, String> EXPECTED = expected();
    private static final Map<Launch, Run> RUNS = new EnumMap<>(Launch.class);

    private static Map<String, String> expected() {
        Map<String, String> e = new LinkedHashMap<>();
        for (String denied : List.of("setuid", "setresuid", "setgroups", "capset", "prctl-cap-ambient-raise",
                "prctl-cap-ambient-is-set", "prctl-set-dumpable", "processbuilder-id", "execve", "kill-init",
                "kill-parent", "ptrace-parent", "unshare-newuser", "clone-newuser", "mount", "bpf", "io_uring_setup",
                "userfaultfd", "keyctl", "tkill-self", "kill-self-upper-half-set", "x32-getpid")) {
            e.put(denied, "denied errno=1");
        }
        e.put("clone3", "denied errno=38");
        for (String allowed : List.of("kill-self", "tgkill-self", "prctl-set-name", "50-threads", "temp-file",
                "tcp-loopback", "nio-close-wakes-reader")) {
            e.put(allowed, "ALLOWED");
        }
        return e;
    }

    /** The probe's report and, while it was still running, each thread's /proc status. */
    record Run(List<String> lines, Map<String, String> outcomes, Map<String, String> threadStatus) {}

    @ParameterizedTest
    @EnumSource(Launch.class)
    void threadsStartedBeforeAndAfterConfineGetTheSameAnswers(Launch launch) {
        Map<String, String> outcomes = run(launch).outcomes();
        for (String thread : List.of("early", "late")) {
            Map<String, String> seen = new LinkedHashMap<>();
            outcomes.forEach((name, outcome) -> {
                if (name.startsWith(thread + "/")) {
                    seen.put(name.substring(thread.length() + 1), outcome);
                }
            });
            assertEquals(EXPECTED, seen, "thread " + thread);
        }
    }

    @ParameterizedTest
    @EnumSource(Launch.class)
    void theJvmKeepsCollectingGarbageAndReachingSafepoints(Launch launch) {
        assertEquals("ALLOWED", run(launch).outcomes().get("main/gc-and-safepoints"));
    }

    @ParameterizedTest
    @EnumSource(Launch.class)
    void noNewPrivsComesFromSetprivOrElseFromConfine(Launch launch) {
        // Without setpriv the probe inherits this JVM's flag, and confine() has to set it when that is 0.
        String inherited = launch == Launch.SETPRIV_NO_NEW_PRIVS ? "1" : SeccompProbe.ownStatus("NoNewPrivs");
        List<String> lines = run(launch).lines();
        assertTrue(lines.contains("no_new_privs before confine: " + inherited), lines.toString());
    }

    @ParameterizedTest
    @EnumSource(Launch.class)
    void everyThreadHasTheFilterAndNoNewPrivs(Launch launch) {
        Map<String, String> threads = run(launch).threadStatus();
        assertTrue(threads.size() > 10, "a JVM runs many threads: " + threads.keySet());
        assertAll(threads.entrySet().stream().map(t -> () -> {
            assertTrue(t.getValue().contains("\nSeccomp:\t2\n"), "thread " + t.getKey() + ":\n" + t.getValue());
            assertTrue(t.getValue().contains("\nNoNewPrivs:\t1\n"), "thread " + t.getKey() + ":\n" + t.getValue());
        }));
    }

    private static synchronized Run run(Launch launch) {
        return RUNS.computeIfAbsent(launch, SeccompProbeIT::probe);
    }

    /** Runs SeccompProbe on this test's class path: its report up to "ready", then /proc, then it may exit. */
    private static Run probe(Launch launch) {
        List<String> command = new ArrayList<>(launch.prefix);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SeccompProbe.class.getName()));
        Path stderr = null;
        Process p = null;
        try {
            stderr = Files.createTempFile("sftpd-seccomp-probe", ".err");
            p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            Process probe = p;
            List<String> lines = CompletableFuture.supplyAsync(() -> untilReady(probe)).get(60, TimeUnit.SECONDS);
            if (!lines.contains("ready")) {
                fail(command + " stopped before it was ready: " + lines + "\n" + Files.readString(stderr));
            }
            Map<String, String> threadStatus = threadStatus(p.pid());
            try (OutputStream in = p.getOutputStream()) {
                in.write('\n');
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not exit");
            assertEquals(0, p.exitValue(), "probe's exit status; stderr:\n" + Files.readString(stderr));
            Map<String, String> outcomes = new LinkedHashMap<>();
            lines.stream().filter(l -> l.startsWith("probe ")).forEach(l ->
                    outcomes.put(l.substring("probe ".length(), l.indexOf(": ")), l.substring(l.indexOf(": ") + 2)));
            return new Run(lines, outcomes, threadStatus);
        } catch (TimeoutException e) {
            throw new AssertionError(command + " printed no \"ready\" within 60 s", e);
        } catch (Exception e) {
            throw new AssertionError("running " + command, e);
        } finally {
            if (p != null) {
                p.destroyForcibly();
            }
            if (stderr != null) {
                stderr.toFile().delete();
            }
        }
    }

    private static List<String> untilReady(Process p) {
        List<String> lines = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.add(line);
                if (line.equals("ready")) {
                    break;
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** /proc/<pid>/task/<tid>/status of each live thread, by tid. */
    private static Map<String, String> threadStatus(long pid) throws IOException {
        Map<String, String> threads = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    threads.put(task.getFileName().toString(), Files.readString(task.resolve("status")));
                } catch (NoSuchFileException e) {
                    // The thread ended after the listing, as a JVM's compiler threads come and go.
                }
            }
        }
        return threads;
    }
}
