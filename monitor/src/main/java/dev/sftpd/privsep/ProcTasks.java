// The threads of this process and their status, from /proc by path, or through a /proc descriptor kept across a chroot.
package dev.sftpd.privsep;

import static dev.sftpd.privsep.Libc.C;

import dev.sftpd.sftp.posix.Errno;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** How {@link PrivilegeDrop} reads each thread's credentials. */
interface ProcTasks {
    /** /proc as every process sees it. */
    ProcTasks PATHS = new ProcTasks() {
        private final Path tasks = Path.of("/proc/self/task");

        @Override
        public List<String> list() throws IOException {
            List<String> names = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(tasks)) {
                entries.forEach(task -> names.add(task.getFileName().toString()));
            }
            return names;
        }

        @Override
        public Optional<List<String>> status(String task) throws IOException {
            try {
                // Latin-1 because the Name: line is whatever bytes the thread named itself.
                return Optional.of(Files.readAllLines(tasks.resolve(task).resolve("status"),
                        StandardCharsets.ISO_8859_1));
            } catch (NoSuchFileException exited) {
                return Optional.empty();
            }
        }
    };

    /** The thread ids. */
    List<String> list() throws IOException;

    /** A thread's status lines; empty when it has exited. */
    Optional<List<String>> status(String task) throws IOException;

    /**
     * /proc through {@code procDir}, a descriptor of /proc opened before a chroot (the jail has no
     * /proc). The caller must close it before the process serves anyone: a directory descriptor
     * from outside is a way out of a chroot.
     */
    static ProcTasks at(int procDir) {
        return new ProcTasks() {
            /** struct dirent's d_name on Linux x86_64 and aarch64: after d_ino, d_off, d_reclen, d_type. */
            private static final int D_NAME = 19;

            @Override
            public List<String> list() throws IOException {
                int fd = open("self/task", OpenFlags.O_DIRECTORY);
                long dir = C.fdopendir(fd);
                if (dir == 0) {
                    C.close(fd);
                    throw new IOException("fdopendir self/task: " + Errno.describe(Libc.errno()));
                }
                List<String> names = new ArrayList<>();
                try {
                    for (long entry; (entry = C.readdir(dir)) != 0; ) {
                        String name = new String(Libc.MEMORY.getZeroTerminatedByteArray(entry + D_NAME, 256),
                                StandardCharsets.US_ASCII);
                        if (!name.startsWith(".")) {
                            names.add(name);
                        }
                    }
                } finally {
                    C.closedir(dir);
                }
                return names;
            }

            @Override
            public Optional<List<String>> status(String task) throws IOException {
                int fd;
                try {
                    fd = open("self/task/" + task + "/status", 0);
                } catch (IOException exited) {
                    return Optional.empty();
                }
                try {
                    ByteArrayOutputStream content = new ByteArrayOutputStream();
                    byte[] chunk = new byte[4096];
                    for (int n; (n = Sockets.read(fd, chunk, 0, chunk.length)) > 0; ) {
                        content.write(chunk, 0, n);
                    }
                    return Optional.of(content.toString(StandardCharsets.ISO_8859_1).lines().toList());
                } catch (SysCallException e) {
                    throw new IOException(e.getMessage(), e);
                } finally {
                    C.close(fd);
                }
            }

            private int open(String path, int flags) throws IOException {
                try {
                    return (int) Libc.call("openat " + path,
                            () -> C.openat(procDir, Libc.cstring(path), flags | OpenFlags.O_CLOEXEC, 0));
                } catch (SysCallException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        };
    }

    /** open(2) flags of Linux. */
    final class OpenFlags {
        static final int O_DIRECTORY = 0200000;
        static final int O_CLOEXEC = 02000000;

        private OpenFlags() {}
    }
}
