// How the monitor starts what it pools: the transport (jailed, unprivileged from its first instruction) and the engine (under its session's shell).
package dev.sftpd.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.ContextBase;
import dev.sftpd.log.LogbackProvider;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.privsep.Processes;
import dev.sftpd.privsep.Spawner;
import dev.sftpd.sftp.SftpServerMain;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jnr.constants.platform.Errno;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.SshServer;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.slf4j.LoggerFactory;

/**
 * A JVM cannot fork, and no process that reads a client's bytes may ever have been root: so
 * each process is a fresh JVM, and the transport's privileges are shed by small trusted
 * programs before the JVM runs its first instruction (OpenSSH 10's sshd-auth, spawned).
 */
final class Launcher {
    /** The daemon's runtime directory (systemd's RuntimeDirectory=sftpd). */
    static final Path RUNTIME_DIR = Path.of("/run/sftpd");
    /** Root-owned and empty: the transport's root directory, with a tmpfs over it in its own namespace. */
    private static final Path EMPTY = RUNTIME_DIR.resolve("empty");
    /** jffi's native stub, where a jailed JVM can load it (it cannot unpack it to /tmp as usual). */
    private static final Path NATIVE = RUNTIME_DIR.resolve("native");
    /**
     * How a child calls C through jnr-ffi: jffi's stub from where a jailed JVM can load it, and
     * calls made through reflection rather than a class jnr-ffi generates with ASM for every
     * method of an interface as it binds it. The generation cost a pooled engine 0.08 s of its
     * 0.41 s of CPU before its session (the transport's start did not change beyond noise), and a
     * 1 GiB get, one engine pread per request, took no longer (docs/BENCHMARKS.md).
     */
    static final List<String> NATIVE_CALLS = List.of("-Djffi.boot.library.path=" + NATIVE);
    private static final String TRANSPORT_MAIN = "dev.sftpd.transport.TransportMain";
    private static final String ENGINE_MAIN = "dev.sftpd.engine.EngineMain";
    /**
     * The libraries every child runs on, each named by one of its classes. Not on a child's class
     * path: the root-only code (server.jar: the daemon; monitor.jar: PAM, shadow, host keys, login
     * records), the Prometheus client, jnr-ffi and what it needs to generate code (ASM and its
     * assemblers: children call C through jffi directly, sftp-core's CFunction), jffi's native jar
     * (unpacked into /run/sftpd/native), and what no child calls (jnr-posix, commons-logging's
     * bridge); the engine has neither MINA's server nor Bouncy Castle. jnr-constants stays: strerror's text
     * for SysCallException. An engine opens every jar of its class path before it drops
     * privileges, and every JVM opens each one when java.util.logging (which jffi starts) looks
     * through the class path for a System.LoggerFinder: opening one took 0.3-1.6 ms of CPU, Bouncy
     * Castle's 7.7-9.1 ms (6,149 entries), so leaving these out saves a transport about 6 ms and an
     * engine about 16.
     */
    private static final List<Class<?>> CHILD_LIBRARIES = List.of(SftpServerMain.class, MonitorCalls.class,
            Buffer.class, com.kenai.jffi.Library.class, Errno.class, LoggerFactory.class,
            LoggerContext.class, ContextBase.class);
    /**
     * And what the transport alone runs on: MINA's server, and Bouncy Castle for its ML-KEM key
     * exchanges (and sntrup761 where libcrypto does not load: dev.sftpd.transport.Libcrypto.kex).
     */
    private static final List<Class<?>> TRANSPORT_LIBRARIES = List.of(SshServer.class, BouncyCastleProvider.class);
    /**
     * The engine does file I/O, not cryptography, so C1 alone serves it as well (bench/sftpd-vs-sshd:
     * the same get and put times) with 3 MiB less PSS. Its class-data archive is mapped where it
     * was dumped (relocation mode 0), so its pages are shared by every engine instead of each
     * engine patching a private copy: 14 MiB of PSS down to 8 with five sessions. That fixes the
     * archive's address in the engine, which runs as the user and reads nothing before it becomes
     * the user: what a fixed address could help an exploit of it reach is the user's own. The
     * transport, which parses SSH from anyone, keeps the JDK's default: relocated, randomised.
     */
    private static final List<String> ENGINE_FLAGS = List.of("-XX:TieredStopAtLevel=1",
            "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0");

    /**
     * The transport compiles with C1 alone. A transport is a fresh JVM per connection, and C2
     * spent a third of its CPU compiling in the first seconds of a transfer while the
     * transfer waited for it; with the ciphers and MACs in libcrypto (dev.sftpd.transport.Libcrypto)
     * what is left to compile is MINA's packet path, which C1 serves as fast
     * (docs/BENCHMARKS.md, 2026-12-06: a 1 GiB aes128-gcm get 3.2-3.3 s to 2.4-2.8 s, a pooled
     * transport's start 0.54-0.66 to 0.45-0.48 CPU-seconds). And it compiles a method only after
     * three times the usual calls and loop iterations: most of what its start runs, runs once
     * (a pooled transport's start 0.64 to 0.59 CPU-seconds, 2026-12-07), while MINA's packet path
     * still compiles in a transfer's first milliseconds (512 MiB gets and puts took as long). Not
     * the engine: there it saved 0.02 s and cost a 1 GiB stdio get 0.13 s.
     */
    private static final List<String> TRANSPORT_FLAGS = List.of("-XX:TieredStopAtLevel=1",
            "-XX:CompileThresholdScaling=3");
    /** Priority.BACKGROUND: the command that starts the exec chain at SCHED_IDLE, and the autogroup's nice value. */
    private static final List<String> IDLE_SCHEDULING = List.of("/usr/bin/chrt", "--idle", "0");
    private static final int BACKGROUND_AUTOGROUP_NICE = 19;

    /** The devices a JVM opens: bound over empty files of the jail's /dev. */
    private static final List<String> DEVICES = List.of("null", "random", "urandom");

    /**
     * Runs as root in a private mount namespace (unshare): a read-only tmpfs root holding only
     * what the JVM reads (the mounts of {@link #jailTable}: the directories given, read-only,
     * nosuid, nodev; /dev/null and the random devices), chroot into it, then setpriv: the
     * unprivileged ids, no groups, empty inheritable and bounding sets, no_new_privs. stderr
     * stays the daemon's until the JVM, which gets /dev/null: its log lines go to the monitor.
     * Five programs before chroot, however many directories: every mount is made by one
     * `mount -a` (each program run costs a transport some 3 ms of CPU; the jail took 30 of them).
     */
    private static final String JAIL = """
            set -eu
            root=$1 uid=$2 gid=$3 table=$4 inet6=$5
            shift 5
            mount -n -t tmpfs -o mode=0755,size=64k,nosuid,nodev,noexec sftpd-transport "$root"
            # The JDK takes a socket for IPv6 only if it can read /proc/net/if_inet6, and there is no
            # /proc here: the loopback's line of that file, so that a client of an IPv6 address is served.
            if [ -n "$inet6" ]; then
                mkdir -p "$root/dev" "$root/proc/net"
                printf '%s\\n' "$inet6" > "$root/proc/net/if_inet6"
            else
                mkdir "$root/dev"
            fi
            for dev in DEVICES; do
                : > "$root/dev/$dev"
            done
            mount -n -a -T "$table"
            mount -n -o remount,ro "$root"
            exec chroot "$root" /usr/bin/setpriv --reuid="$uid" --regid="$gid" --clear-groups \\
                --inh-caps=-all --bounding-set=-all --no-new-privs -- /bin/sh -c 'exec "$@" >/dev/null 2>&1' sh "$@"
            """.replace("DEVICES", String.join(" ", DEVICES));
    /**
     * The root's program and library directories, each bound where it is: on a merged /usr they
     * are symbolic links, and the bind mount of one is the directory it names.
     */
    private static final List<String> ROOT_DIRECTORIES = List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32");

    /**
     * The session's process (root, a few hundred KiB): starts the engine JVM, waits for the
     * monitor to name the user on stdin, sets its own audit loginuid (only a process's main
     * thread can, which a JVM never runs Java on), then waits for the engine and exits with
     * its status. last(1) believes a login whose process carries the user's loginuid.
     */
    private static final String SESSION = """
            "$@" 0</dev/null &
            engine=$!
            exec 3<&-
            if IFS= read -r uid; then
                echo "$uid" 2>/dev/null >/proc/self/loginuid || :
            fi
            exec 0</dev/null
            wait "$engine"
            """;

    private final Path javaHome;
    private final List<String> transportClassPath;
    private final List<String> engineClassPath;
    private final int uid;
    private final int gid;
    private final Fd devNull;
    private final int logFd;
    /** The jail's mount table, by whether the class-data archives' directory exists. */
    private final Map<Boolean, Path> jailTables = new ConcurrentHashMap<>();

    private Launcher(Path javaHome, List<String> transportClassPath, List<String> engineClassPath, int uid, int gid,
                     Fd devNull, int logFd) {
        this.javaHome = javaHome;
        this.transportClassPath = transportClassPath;
        this.engineClassPath = engineClassPath;
        this.uid = uid;
        this.gid = gid;
        this.devNull = devNull;
        this.logFd = logFd;
    }

    /**
     * Makes the runtime directory and what a transport needs in it; uid/gid are the unprivileged
     * account's. With logToStderr engines log to the daemon's stderr, else to syslog themselves.
     */
    static Launcher prepare(int uid, int gid, boolean logToStderr) throws IOException, SysCallException {
        for (Path dir : List.of(RUNTIME_DIR, EMPTY, NATIVE)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        unpackJffi();
        Path javaHome = Path.of(System.getProperty("java.home")).toRealPath();
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            classPath.add(Path.of(entry).toRealPath().toString());
        }
        List<String> transportClassPath = classPathOf("transport", classPath);
        List<String> engineClassPath = classPathOf("engine", classPath);
        Fd devNull = Spawner.openDevNull();
        return new Launcher(javaHome, transportClassPath, engineClassPath, uid, gid, devNull,
                logToStderr ? 2 : devNull.fd());
    }

    /** How a child competes for the CPU. */
    enum Priority {
        /** As the daemon: for a connection or session waiting for it. */
        FOREGROUND,
        /**
         * Only on CPU that would otherwise be idle: ahead of need, while sessions are served.
         * SCHED_IDLE from its first instruction (chrt, before the exec chain; threads inherit
         * it) and, for an engine, which leads a session of its own, that session's autogroup at
         * nice 19: where autogroups are on, the kernel shares the CPU between sessions before
         * it looks at the threads of each. Processes.toForeground ends both.
         */
        BACKGROUND
    }

    /** A transport for connections of this family on this channel: fds 0, 1 and 2 /dev/null, 3 the channel. */
    Child spawnTransport(Fd channel, Family family, Priority priority) throws SysCallException {
        List<String> argv = new ArrayList<>(priority == Priority.BACKGROUND ? IDLE_SCHEDULING : List.of());
        argv.addAll(List.of("/usr/bin/unshare", "--mount", "--propagation", "private", "--",
                "/bin/sh", "-c", JAIL, "sftpd-jail", EMPTY.toString(), Integer.toString(uid), Integer.toString(gid),
                jailTable().toString(), loopbackInet6()));
        // Tests replace the transport's main class with one that misbehaves on purpose.
        argv.addAll(java(System.getProperty("sftpd.transport.main", TRANSPORT_MAIN), transportClassPath,
                Stream.concat(TRANSPORT_FLAGS.stream(), family.jvmFlags.stream()).toList()));
        // The jail's own errors go to the daemon's stderr; the JVM gets /dev/null on 1 and 2.
        return Child.watch(Spawner.spawn(argv, environment(), devNull.fd(), 2, channel.fd(), false));
    }

    /**
     * An engine under its session's shell, in a session of its own (so that one signal to the
     * group ends both); stdin is where the monitor writes the user's uid for the loginuid.
     */
    Child spawnEngine(Fd channel, Fd loginUid, Priority priority) throws SysCallException {
        List<String> argv = new ArrayList<>(priority == Priority.BACKGROUND ? IDLE_SCHEDULING : List.of());
        argv.addAll(List.of("/bin/sh", "-c", SESSION, "sftpd-session"));
        argv.addAll(java(ENGINE_MAIN, engineClassPath, ENGINE_FLAGS));
        int pid = Spawner.spawn(argv, environment(), loginUid.fd(), logFd, channel.fd(), true);
        if (priority == Priority.BACKGROUND) {
            // Its setsid happened before posix_spawn returned: glibc's returns once the child has exec'd.
            Processes.setAutogroupNice(pid, BACKGROUND_AUTOGROUP_NICE);
        }
        return Child.watch(pid);
    }

    /**
     * The service's stand-in main process while this daemon drains after MUX_C_STOP_LISTENING
     * (systemctl stop and restart run sftpd -O stop first, see systemd/sftpd.service): a shell that
     * reads its stdin, a pipe whose other end only the daemon holds, so that it ends when the
     * daemon does, or at once on the SIGTERM systemd sends the main process.
     */
    Child spawnStandIn(Fd daemonEnd) throws SysCallException {
        return Child.watch(Spawner.spawn(List.of("/bin/sh", "-c", "read -r _", "sftpd-draining"), environment(),
                daemonEnd.fd(), devNull.fd(), devNull.fd(), false));
    }

    private List<String> java(String mainClass, List<String> classPath, List<String> flags) {
        List<String> argv = new ArrayList<>(List.of(javaHome.resolve("bin/java").toString(),
                // Short-lived, one session each: a small heap that grows if a transfer needs it, the
                // serial collector, JIT scratch memory handed back to the system, no attach.
                "-XX:+UseSerialGC", "-Xms4m", "-Xmx128m", "-XX:-UsePerfData", "-XX:+DisableAttachMechanism",
                "-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=5000", "-Xshare:auto"));
        argv.addAll(NATIVE_CALLS);
        argv.addAll(LogbackProvider.SYSTEM_PROPERTIES);
        argv.addAll(flags);
        argv.addAll(ClassArchives.flags(javaHome, classPath, mainClass));
        argv.addAll(List.of("-cp", String.join(":", classPath), mainClass));
        return argv;
    }

    private Map<String, String> environment() {
        // libjli is found through $ORIGIN, which glibc reads from /proc/self/exe: the jail has no /proc.
        Path jli = Files.exists(javaHome.resolve("lib/jli/libjli.so")) ? javaHome.resolve("lib/jli")
                : javaHome.resolve("lib");
        return Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "LANG", "C.UTF-8", "MALLOC_ARENA_MAX", "2",
                "LD_LIBRARY_PATH", jli.toString());
    }

    /**
     * What the jailed JVM reads, each once: /usr, the JDK (and the configuration its symlinks
     * point at, such as Debian's /etc/java-17-openjdk), the class-data archives if their
     * directory exists, the class path, jffi's stub.
     */
    private List<String> readOnlyDirectories(boolean archives) {
        Set<Path> dirs = new LinkedHashSet<>(List.of(Path.of("/usr"), javaHome, NATIVE));
        if (archives) {
            dirs.add(ClassArchives.DIR);
        }
        try (Stream<Path> files = Stream.concat(Files.list(javaHome.resolve("conf")), Files.list(javaHome.resolve("lib")))) {
            files.filter(Files::isSymbolicLink).forEach(link -> {
                try {
                    Path target = link.toRealPath();
                    dirs.add(Files.isDirectory(target) ? target : target.getParent());
                } catch (IOException e) {
                    // A dangling link (an optional library not installed) is not needed.
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + javaHome, e);
        }
        for (String entry : transportClassPath) {
            Path p = Path.of(entry);
            dirs.add(Files.isDirectory(p) ? p : p.getParent());
        }
        // A directory inside another one already bound needs no mount of its own.
        return dirs.stream().filter(d -> dirs.stream().noneMatch(o -> !o.equals(d) && d.startsWith(o)))
                .map(Path::toString).toList();
    }

    /**
     * The jail's mounts as an fstab(5) for one `mount -a`, each mount point made as it is mounted
     * (X-mount.mkdir): the root's program and library directories, {@link #readOnlyDirectories},
     * then the devices over the files the jail made. The one input that changes while the daemon
     * runs is whether the class-data archives' directory exists (ClassArchives makes it after
     * start), so there are at most two tables, each written once.
     */
    private Path jailTable() {
        return jailTables.computeIfAbsent(Files.isDirectory(ClassArchives.DIR), this::writeJailTable);
    }

    /**
     * Writes the table, as root, to the runtime directory, named for its content (another daemon
     * may share the directory), renamed into place whole so that a transport starting at the same
     * time reads either no table of this name or all of it.
     */
    private Path writeJailTable(boolean archives) {
        StringBuilder table = new StringBuilder();
        // The root's directories first: a directory given that lies in one is then mounted on top.
        List<String> dirs = new ArrayList<>(ROOT_DIRECTORIES.stream().map(d -> "/" + d)
                .filter(d -> Files.isDirectory(Path.of(d))).toList());
        dirs.addAll(readOnlyDirectories(archives));
        for (String dir : dirs) {
            table.append(fstabEntry(EMPTY.toString(), dir, "bind,ro,nosuid,nodev,X-mount.mkdir"));
        }
        for (String dev : DEVICES) {
            table.append(fstabEntry(EMPTY.toString(), "/dev/" + dev, "bind"));
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(table.toString().getBytes(StandardCharsets.UTF_8));
            Path file = RUNTIME_DIR.resolve("transport-jail-" + HexFormat.of().formatHex(digest, 0, 8) + ".fstab");
            Path tmp = Files.createTempFile(RUNTIME_DIR, "transport-jail-", ".tmp");
            Files.writeString(tmp, table);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("writing the transports' mount table in " + RUNTIME_DIR, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One fstab(5) line binding {@code dir} to the same path under {@code root}; blanks and backslashes octal-escaped. */
    static String fstabEntry(String root, String dir, String options) {
        return fstabField(dir) + " " + fstabField(root + dir) + " none " + options + " 0 0\n";
    }

    private static String fstabField(String path) {
        StringBuilder field = new StringBuilder();
        for (char c : path.toCharArray()) {
            if (c == ' ' || c == '\t' || c == '\n' || c == '\\') {
                field.append(String.format("\\%03o", (int) c));
            } else {
                field.append(c);
            }
        }
        return field.toString();
    }

    /** The loopback's lines of /proc/net/if_inet6 (the jail has no /proc), or "" where IPv6 is off. */
    private static String loopbackInet6() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/net/if_inet6"))) {
            return lines.filter(l -> l.endsWith(" lo")).collect(Collectors.joining("\n"));
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * A process kind's class path: sftp-core's jar, the kind's own jar beside server.jar
     * (server-transport.jar, server-engine.jar), then, in the daemon's order, the jars of the libraries the kind is
     * written against and no other jar of the daemon's. A directory on the daemon's class path is
     * kept: the packaged daemon has none, and the tests put their stand-in transports
     * (sftpd.transport.main) in one.
     */
    private static List<String> classPathOf(String kind, List<String> daemonClassPath) throws IOException {
        Path daemon = jarOf(SftpdMain.class);
        String name = daemon.getFileName().toString();
        Path own = daemon.resolveSibling(name.substring(0, name.length() - ".jar".length()) + "-" + kind + ".jar");
        if (!Files.isRegularFile(own)) {
            throw new IOException(own + " is missing: the " + kind + " has no class path (build with mvn package)");
        }
        Set<String> libraries = new HashSet<>();
        for (Class<?> library : kind.equals("transport")
                ? Stream.concat(CHILD_LIBRARIES.stream(), TRANSPORT_LIBRARIES.stream()).toList() : CHILD_LIBRARIES) {
            libraries.add(jarOf(library).toString());
        }
        // Only the jars the process needs: the JDK's logging, which jffi starts, looks for a
        // System.LoggerFinder through the class path, and that search opens every jar on it
        // (Bouncy Castle's, the largest, took 8 ms), wherever a provider is.
        String core = jarOf(SftpServerMain.class).toString();
        List<String> classPath = new ArrayList<>(List.of(core, own.toString()));
        daemonClassPath.stream().filter(entry -> !entry.equals(core))
                .filter(entry -> libraries.contains(entry) || Files.isDirectory(Path.of(entry)))
                .forEach(classPath::add);
        return List.copyOf(classPath);
    }

    private static Path jarOf(Class<?> c) throws IOException {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toRealPath();
        } catch (java.net.URISyntaxException e) {
            throw new IOException("where " + c.getName() + " was loaded from: " + e.getMessage(), e);
        }
    }

    /** Copies jffi's stub for this machine out of its jar, once per start, atomically. */
    private static void unpackJffi() throws IOException {
        String cpu = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64" -> "aarch64";
            default -> throw new IOException("no jffi stub for " + System.getProperty("os.arch"));
        };
        String resource = "jni/" + cpu + "-Linux/libjffi-1.2.so";
        try (InputStream in = Launcher.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the class path");
            }
            Path tmp = Files.createTempFile(NATIVE, ".jffi", ".so");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, NATIVE.resolve("libjffi-1.2.so"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** A spawned process and its end, reaped by a thread of its own. */
    record Child(int pid, CompletableFuture<String> exited) {
        static Child watch(int pid) {
            CompletableFuture<String> exited = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    exited.complete(Processes.waitpid(pid, true).map(Processes.ExitStatus::describe).orElse("gone"));
                } catch (SysCallException e) {
                    exited.complete("not waited for: " + e.getMessage());
                }
            }, "reap-" + pid);
            t.setDaemon(true);
            t.start();
            return new Child(pid, exited);
        }

        /** SIGKILL, to the process group too when the child leads one. */
        void kill(boolean group) {
            try {
                Processes.kill(group ? -pid : pid, 9);
            } catch (SysCallException e) {
                // Already gone.
            }
        }
    }
}
