// What /proc says about a process: its threads' credentials, its descriptors, its children.
package dev.sftpd.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

public final class ProcFs {
    /** One connected AF_UNIX socket in `ss -xpnH`: local inode, peer inode (0 when the peer is gone). */
    private static final Pattern UNIX_SOCKET = Pattern.compile("^\\S+\\s+\\S+\\s+\\d+\\s+\\d+\\s+\\S+\\s+(\\d+)\\s+\\S+\\s+(\\d+)\\s");

    private ProcFs() {}

    /** The effective uid this test runs with. */
    public static int effectiveUid() {
        return Integer.parseInt(field(status(Path.of("/proc/self/status")).orElseThrow(), "Uid", 1));
    }

    /** Each thread's status lines ("Uid" -> "1002\t1002\t1002\t1002"), by thread id. */
    public static Map<Long, Map<String, String>> threadStatus(long pid) {
        Map<Long, Map<String, String>> threads = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                status(task.resolve("status"))
                        .ifPresent(s -> threads.put(Long.parseLong(task.getFileName().toString()), s));
            }
            return threads;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each thread's scheduling policy (sched(7): 0 SCHED_OTHER, 5 SCHED_IDLE), field 41 of its stat, by thread id. */
    public static Map<Long, Integer> schedulingPolicies(long pid) {
        Map<Long, Integer> threads = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (NoSuchFileException e) {
                    continue; // the thread ended meanwhile
                }
                // The fields after the command, which may hold spaces and parentheses, start with field 3.
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                threads.put(Long.parseLong(task.getFileName().toString()), Integer.parseInt(fields[41 - 3]));
            }
            return threads;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The nice value of the process's autogroup ("/autogroup-25 nice 19"), which the kernel weighs sessions by;
     * nothing for a process in init's session, which belongs to no autogroup and whose file is empty.
     */
    public static OptionalInt autogroupNice(long pid) {
        try {
            String line = Files.readString(Path.of("/proc", Long.toString(pid), "autogroup")).trim();
            if (line.isEmpty()) {
                return OptionalInt.empty();
            }
            String[] words = line.split("\\s+");
            return OptionalInt.of(Integer.parseInt(words[words.length - 1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The command line of a process, its arguments joined by spaces; empty once it is gone. */
    public static String commandLine(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** Field {@code index} (0-based) of a status line such as "Uid: real effective saved filesystem". */
    public static String field(Map<String, String> status, String name, int index) {
        String value = status.get(name);
        if (value == null) {
            throw new AssertionError("no " + name + " line in " + status);
        }
        return value.trim().split("\\s+")[index];
    }

    /** Where each open descriptor of the process points ("socket:[123]", "/usr/lib/..."), by number. */
    public static Map<Integer, String> descriptors(long pid) {
        Path dir = Path.of("/proc", Long.toString(pid), "fd");
        try (Stream<Path> fds = Files.list(dir)) {
            Map<Integer, String> links = new TreeMap<>();
            for (Path fd : fds.toList()) {
                try {
                    links.put(Integer.parseInt(fd.getFileName().toString()), Files.readSymbolicLink(fd).toString());
                } catch (NoSuchFileException e) {
                    // Closed between listing and reading: a descriptor the process no longer holds.
                }
            }
            return links;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For the process's connected unix sockets: socket inode -> its peer's inode, 0 when the peer closed. */
    public static Map<Long, Long> unixSocketPeers(long pid) {
        String owner = "pid=" + pid + ",";
        Map<Long, Long> peers = new TreeMap<>();
        for (String line : Run.checked("ss", "-xpnH").stdout().lines().filter(l -> l.contains(owner)).toList()) {
            Matcher m = UNIX_SOCKET.matcher(line);
            if (m.find()) {
                peers.put(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
            }
        }
        return peers;
    }

    /** The live children of a process; a reaped child is no longer listed. */
    public static List<Long> children(long pid) {
        return ProcessHandle.of(pid).stream().flatMap(ProcessHandle::children).map(ProcessHandle::pid).toList();
    }

    /** The audit loginuid of a process (-1 when unset or the process is gone). */
    public static long loginUid(long pid) {
        try {
            return (int) Long.parseLong(Files.readString(Path.of("/proc", Long.toString(pid), "loginuid")).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** The process's resident set (VmRSS), in KiB. */
    public static long rssKib(long pid) {
        Map<String, String> status = status(Path.of("/proc", Long.toString(pid), "status"))
                .orElseThrow(() -> new AssertionError("no process " + pid));
        return Long.parseLong(field(status, "VmRSS", 0));
    }

    /** Whether anything, even a zombie waiting to be reaped, still has this pid. */
    public static boolean exists(long pid) {
        return Files.exists(Path.of("/proc", Long.toString(pid)));
    }

    /** A status file as name -> value; empty when the thread or process ended meanwhile. */
    private static Optional<Map<String, String>> status(Path file) {
        try {
            return Optional.of(Files.readAllLines(file).stream().filter(l -> l.indexOf(':') > 0)
                    .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')),
                            l -> l.substring(l.indexOf(':') + 1).trim(), (a, b) -> a, TreeMap::new)));
        } catch (IOException e) {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            throw new UncheckedIOException(e);
        }
    }
}
