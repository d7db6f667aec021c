// A JVM that confines itself and prints, one line per attempt, what the filter let through; SeccompProbeIT runs it.
package dev.sftpd.transport;

import dev.sftpd.transport.Probes.Attempt;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

final class SeccompProbe {
    private static final int PID = (int) ProcessHandle.current().pid();
    private static final int PARENT = (int) ProcessHandle.current().parent().orElseThrow().pid();

    // Native arguments live in static fields, so nothing frees them while a syscall reads them.
    private static final long TMPFS = Probes.cstring("tmpfs");
    private static final long NO_SUCH_DIR = Probes.cstring("/nonexistent/sftpd-seccomp-probe");
    private static final long THREAD_NAME = Probes.cstring("seccomp-probe");

    private static final int PR_SET_DUMPABLE = 4;
    private static final int PR_SET_NAME = 15;
    private static final int PR_GET_NO_NEW_PRIVS = 39;
    private static final int PR_CAP_AMBIENT = 47;
    private static final int PR_CAP_AMBIENT_IS_SET = 1;
    private static final int PR_CAP_AMBIENT_RAISE = 2;
    private static final int CAP_SYS_ADMIN = 21;
    private static final int PTRACE_SEIZE = 0x4206;
    private static final int CLONE_FS = 0x200;
    private static final int CLONE_NEWUSER = 0x10000000;
    private static final int SIGCHLD = 17;
    private static final int KEYCTL_GET_KEYRING_ID = 0;
    private static final int KEY_SPEC_SESSION_KEYRING = -3;
    private static final int X32_GETPID = 0x40000000 | 39;

    /**
     * Where a call the filter let through would fail anyway, its arguments make it fail harmlessly and with
     * an errno other than EPERM (mount on a missing directory, clone with CLONE_NEWUSER|CLONE_FS), so that
     * "denied errno=1" can only come from the filter and a broken filter does no damage.
     */
    private static Map<String, Attempt> attempts() {
        Map<String, Attempt> a = new LinkedHashMap<>();
        a.put("setuid", () -> Probes.setuid(0));
        a.put("setresuid", () -> Probes.setresuid(0, 0, 0));
        a.put("setgroups", () -> Probes.setgroups(0));
        // Every capability the bounding set allows: what root could raise, so that only the filter refuses it.
        a.put("capset", () -> Probes.capset(Long.parseUnsignedLong(ownStatus("CapBnd"), 16)));
        // The capset refused above left the inheritable set empty, so the kernel too would refuse this raise with
        // EPERM; the harmless query after it shows that the filter refuses the option whatever the operation.
        a.put("prctl-cap-ambient-raise", () -> Probes.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SYS_ADMIN));
        a.put("prctl-cap-ambient-is-set", () -> Probes.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_SYS_ADMIN));
        a.put("prctl-set-dumpable", () -> Probes.prctl(PR_SET_DUMPABLE, 1, 0));
        a.put("processbuilder-id", () -> Probes.processBuilder("/usr/bin/id"));
        a.put("execve", () -> Probes.execve("/usr/bin/id"));
        a.put("kill-init", () -> Probes.kill(1, 0));
        a.put("kill-parent", () -> Probes.kill(PARENT, 0));
        // SEIZE rather than ATTACH: were the filter broken, the test JVM would not be stopped.
        a.put("ptrace-parent", () -> Probes.syscall("ptrace", PTRACE_SEIZE, PARENT, 0, 0));
        // EINVAL if let through: we have threads.
        a.put("unshare-newuser", () -> Probes.syscall("unshare", CLONE_NEWUSER));
        a.put("clone-newuser", () -> Probes.syscall("clone", CLONE_NEWUSER | CLONE_FS | SIGCHLD, 0, 0, 0, 0));
        a.put("clone3", () -> Probes.syscall("clone3", 0, 0));
        a.put("mount", () -> Probes.syscall("mount", TMPFS, NO_SUCH_DIR, TMPFS, 0, 0));
        a.put("bpf", () -> Probes.syscall("bpf", 0, 0, 0));
        a.put("io_uring_setup", () -> Probes.syscall("io_uring_setup", 1, 0));
        a.put("userfaultfd", () -> Probes.syscall("userfaultfd", 0));
        a.put("keyctl", () -> Probes.syscall("keyctl", KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
        a.put("tkill-self", () -> Probes.syscall("tkill", Probes.gettid(), 0));
        a.put("kill-self-upper-half-set", () -> Probes.syscall("kill", (1L << 32) | PID, 0));
        a.put("x32-getpid", () -> Probes.syscall(X32_GETPID));
        a.put("kill-self", () -> Probes.kill(PID, 0));
        a.put("tgkill-self", () -> Probes.tgkill(PID, Probes.gettid(), 0));
        // Options other than the few the filter refuses stay allowed: HotSpot and glibc use some.
        a.put("prctl-set-name", () -> Probes.prctl(PR_SET_NAME, THREAD_NAME, 0));
        a.put("50-threads", SeccompProbe::fiftyThreads);
        a.put("temp-file", SeccompProbe::tempFile);
        a.put("tcp-loopback", SeccompProbe::tcpLoopback);
        a.put("nio-close-wakes-reader", SeccompProbe::closeWakesReader);
        return a;
    }

    public static void main(String[] args) throws Exception {
        System.out.println("no_new_privs before confine: " + Probes.prctlResult(PR_GET_NO_NEW_PRIVS, 0, 0));
        CountDownLatch confined = new CountDownLatch(1);
        Thread early = new Thread(() -> {
            try {
                confined.await();
            } catch (InterruptedException e) {
                return; // nothing interrupts this probe; a missing "early" line would show it did
            }
            attemptAll("early");
        }, "early");
        early.start();

        Seccomp.confine();
        System.out.println("confined");
        confined.countDown();
        early.join();
        Thread late = new Thread(() -> attemptAll("late"), "late");
        late.start();
        late.join();
        report("main/gc-and-safepoints", SeccompProbe::gcAndSafepoints);

        // Started under the filter and alive while the test reads /proc, so inheritance shows there too.
        Thread parked = new Thread(LockSupport::park, "parked");
        parked.setDaemon(true);
        parked.start();
        System.out.println("ready");
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }

    private static void attemptAll(String thread) {
        attempts().forEach((name, attempt) -> report(thread + "/" + name, attempt));
    }

    private static void report(String name, Attempt attempt) {
        System.out.println("probe " + name + ": " + Probes.outcome(attempt));
    }

    private static String fiftyThreads() throws InterruptedException {
        AtomicInteger ran = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Thread t = new Thread(ran::incrementAndGet);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        return ran.get() == 50 ? "ALLOWED" : "FAILED only " + ran.get() + " of 50 threads ran";
    }

    private static String tempFile() throws IOException {
        Path file = Files.createTempFile("sftpd-seccomp-probe", "");
        try {
            Files.writeString(file, "written under seccomp");
            return Files.readString(file).equals("written under seccomp") ? "ALLOWED" : "FAILED read back differs";
        } finally {
            Files.delete(file);
        }
    }

    private static String tcpLoopback() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket(0, 1, loopback);
                Socket client = new Socket(loopback, server.getLocalPort());
                Socket accepted = server.accept()) {
            OutputStream out = client.getOutputStream();
            out.write("ping".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = accepted.getInputStream();
            String got = new String(in.readNBytes(4), StandardCharsets.US_ASCII);
            return got.equals("ping") ? "ALLOWED" : "FAILED read " + got;
        }
    }

    /** Closing a channel another thread reads from makes the JDK signal that thread: MINA's NIO2 relies on it. */
    private static String closeWakesReader() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            SocketChannel client = SocketChannel.open(server.getLocalAddress());
            try (SocketChannel accepted = server.accept()) {
                FutureTask<String> read = new FutureTask<>(() -> {
                    try {
                        client.read(ByteBuffer.allocate(1));
                        return "FAILED read returned";
                    } catch (AsynchronousCloseException e) {
                        return "ALLOWED";
                    }
                });
                Thread reader = new Thread(read, "reader");
                reader.start();
                while (!blockedInRead(reader)) {
                    Thread.sleep(10);
                }
                client.close(); // under the reader's feet: the point of this attempt
                String outcome = read.get(10, TimeUnit.SECONDS);
                return accepted.read(ByteBuffer.allocate(1)) == -1 ? outcome : "FAILED the peer saw no close";
            }
        }
    }

    private static boolean blockedInRead(Thread t) {
        StackTraceElement[] stack = t.getStackTrace();
        return stack.length > 0 && stack[0].isNativeMethod() && Arrays.stream(stack)
                .anyMatch(f -> f.getClassName().endsWith("SocketChannelImpl") && f.getMethodName().equals("read"));
    }

    /** HotSpot's GC threads, safepoints and stack walks of other threads, with every thread under the filter. */
    private static String gcAndSafepoints() {
        List<byte[]> keep = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            keep.add(new byte[16 * 1024]);
            if (keep.size() > 500) {
                keep.clear();
            }
        }
        System.gc();
        int stacks = Thread.getAllStackTraces().size();
        return stacks > 1 ? "ALLOWED" : "FAILED saw " + stacks + " thread stacks";
    }

    /** A field of /proc/self/status, such as "NoNewPrivs". */
    static String ownStatus(String field) {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(field + ":"))
                    .map(l -> l.substring(field.length() + 1).trim()).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
