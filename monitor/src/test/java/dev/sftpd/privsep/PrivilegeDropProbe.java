// A child JVM for PrivilegeDropTest: drops privileges (or only verifies) and reports what every thread then is.
package dev.sftpd.privsep;

import dev.sftpd.sftp.posix.Errno;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Never run in the surefire JVM: dropping privileges there would break the build.
 * Usage: drop UID GID USER | verify UID GID USER. Output lines:
 * "task TID Uid:...", "task TID Gid:...", "task TID Groups:...", "setuid(0): ...",
 * "/etc/shadow: ...", or "failed: MESSAGE" (exit status 1).
 */
public final class PrivilegeDropProbe {
    private PrivilegeDropProbe() {}

    public static void main(String[] args) throws Exception {
        int uid = Integer.parseInt(args[1]);
        int gid = Integer.parseInt(args[2]);
        String user = args[3];
        loadClassesWhileRoot();
        try {
            if (args[0].equals("verify")) {
                PrivilegeDrop.verify(uid, gid, user);
                System.out.println("verified");
            } else {
                dropWithThreadsRunning(uid, gid, user);
            }
        } catch (PrivilegeDropException e) {
            System.out.println("failed: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * The class path lies partly under /root (the Maven repository), unreadable once the
     * process is the user; the jars used later must be opened now.
     */
    private static void loadClassesWhileRoot() throws Exception {
        new SysCallException("warm-up", Errno.EPERM).getMessage();
        new PrivilegeDropException("warm-up").getMessage();
        PrivilegeDrop.groupList("root", 0);
    }

    /** Idle threads and one blocked in read(2) must all change with the thread that drops. */
    private static void dropWithThreadsRunning(int uid, int gid, String user) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        Fd[] pair = Sockets.socketpair();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            threads.add(new Thread(() -> awaitQuietly(done), "probe-idle-" + i));
        }
        threads.add(new Thread(() -> readQuietly(pair[0]), "probe-blocked-in-read"));
        threads.forEach(Thread::start);
        Thread.sleep(100);

        PrivilegeDrop.drop(uid, gid, user);

        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                for (String line : Files.readAllLines(task.resolve("status"), StandardCharsets.ISO_8859_1)) {
                    if (line.startsWith("Uid:") || line.startsWith("Gid:") || line.startsWith("Groups:")) {
                        System.out.println("task " + task.getFileName() + " " + line);
                    }
                }
            }
        }
        System.out.println("setuid(0): " + (Libc.C.setuid(0) == 0 ? "succeeded" : Errno.describe(Libc.errno())));
        System.out.println("/etc/shadow: " + tryToRead(Path.of("/etc/shadow")));

        done.countDown();
        pair[1].close();
        for (Thread t : threads) {
            t.join();
        }
    }

    private static String tryToRead(Path file) throws IOException {
        try {
            Files.readAllBytes(file);
            return "read";
        } catch (AccessDeniedException e) {
            return "denied";
        }
    }

    private static void awaitQuietly(CountDownLatch done) {
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void readQuietly(Fd fd) {
        try {
            Sockets.read(fd.fd(), new byte[1], 0, 1);
        } catch (SysCallException e) {
            System.out.println("read: " + e.getMessage());
        }
    }
}
