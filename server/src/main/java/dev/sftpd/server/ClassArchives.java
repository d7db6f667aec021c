// The class-data-sharing archive of each process kind the monitor spawns: made by the monitor, as root, from nothing a client sent.
package dev.sftpd.server;

import dev.sftpd.engine.EngineMain;
import dev.sftpd.log.LogbackProvider;
import dev.sftpd.log.SshLog;
import dev.sftpd.monitor.auth.Account;
import dev.sftpd.server.training.EngineTraining;
import dev.sftpd.server.training.TransportTraining;
import dev.sftpd.transport.TransportMain;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Every transport and engine is a fresh JVM. An AppCDS archive of the classes one loads, mapped
 * instead of parsed, makes it start faster and smaller (docs/BENCHMARKS.md). One archive per
 * kind, named for everything it depends on (the JDK's JVM and class image as installed, the
 * class path, each jar's size and time), made when missing, in two steps, both run by the
 * monitor as root:
 * <ol>
 * <li>training: the kind's training main (TransportTraining, EngineTraining) runs the real
 * main class through one connection or session that it drives itself, with
 * -XX:DumpLoadedClassList; the only client bytes it ever sees are its own;
 * <li>a static dump (-Xshare:dump) of those class names, from the class path's jars.
 * </ol>
 * Not -XX:ArchiveClassesAtExit in a daemon process, nor an archive any transport writes: an
 * archive made by a process that had parsed a client's bytes, then mapped by every later
 * transport, would carry whatever that client achieved into every later connection. Not at build
 * time either: the archive belongs to the JDK it is made with and the jars' times, which only the
 * installed machine knows. The daemon does not wait: it starts without archives, logs why if one
 * cannot be made, and every process spawned after one exists maps it (-Xshare:auto, so that a
 * stale or unreadable archive never keeps a process from starting).
 */
final class ClassArchives {
    private static final SshLog log = SshLog.get(ClassArchives.class);
    /** Root's, 0755; bound read-only into every transport's jail. */
    static final Path DIR = Path.of("/var/cache/sftpd");
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    /** Archives kept per kind: the newest, for as many JDK and jar versions. */
    private static final int KEPT_PER_KIND = 3;
    private static final Set<PosixFilePermission> WRITABLE_BY_OTHERS = Set.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);

    /**
     * Each kind: its main class, its training main, and the classes only training loads: the
     * training itself and MINA's client, with the sntrup761 key pair and decapsulation it takes
     * from Bouncy Castle (the transport encapsulates with its own, dev.sftpd.transport.Sntrup761).
     * The few monitor classes training uses stay: the transport loads some of their packages'
     * classes too, and a stray class costs a page.
     */
    enum Kind {
        TRANSPORT(TransportMain.class.getName(), TransportTraining.class.getName(),
                List.of("dev/sftpd/server/training/", "dev/sftpd/server/config/", "org/apache/sshd/client/", "org/apache/sshd/common/kex/SNTRUP761",
                        "org/bouncycastle/pqc/crypto/ntruprime/")),
        ENGINE(EngineMain.class.getName(), EngineTraining.class.getName(), List.of("dev/sftpd/server/training/"));

        final String mainClass;
        final String trainingClass;
        final List<String> trainingOnly;

        Kind(String mainClass, String trainingClass, List<String> trainingOnly) {
            this.mainClass = mainClass;
            this.trainingClass = trainingClass;
            this.trainingOnly = trainingOnly;
        }

        static Optional<Kind> of(String mainClass) {
            return Stream.of(values()).filter(k -> k.mainClass.equals(mainClass)).findFirst();
        }
    }

    /** The account the engine's training becomes; none before prepare(), and so no archives made. */
    private static volatile Account trainingUser;
    /** Archives asked for in this run, made or failed: each is tried once. */
    private static final Set<Path> REQUESTED = ConcurrentHashMap.newKeySet();
    /** One at a time: two trainings at once would slow the pools' first processes down twice as much. */
    private static final ExecutorService MAKER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "class-archives");
        t.setDaemon(true);
        return t;
    });

    private ClassArchives() {}

    /**
     * At the daemon's start, before the first jail binds the archive directory: makes it, root's
     * and 0755; trainingUser is the unprivileged account the engine's training becomes.
     */
    static void prepare(Account trainingUser) {
        try {
            Files.createDirectories(DIR, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        } catch (IOException e) {
            log.error("cannot make %s: %s; no class-data archives", DIR, e.getMessage());
            return;
        }
        if (!isSound(DIR)) {
            log.error("%s is not root's alone: no class-data archives", DIR);
            return;
        }
        ClassArchives.trainingUser = trainingUser;
    }

    /**
     * The flags that map the archive of this main class's kind for this JDK and class path (the
     * spawned process's own), when a sound one exists: a regular file of root's that no one else
     * may write. When there is none, the first call starts making it in the background and the
     * process starts without (the JVM then maps the JDK's own archive).
     */
    static List<String> flags(Path javaHome, List<String> classPath, String mainClass) {
        Optional<Kind> kind = Kind.of(mainClass);
        Optional<Path> archive = kind.flatMap(k -> archive(k, javaHome, classPath));
        if (archive.isEmpty()) {
            return List.of();
        }
        if (isSound(archive.get())) {
            return List.of("-XX:SharedArchiveFile=" + archive.get());
        }
        Account user = trainingUser;
        if (user != null && REQUESTED.add(archive.get())) {
            MAKER.execute(() -> {
                try {
                    make(kind.get(), archive.get(), javaHome, classPath, user);
                } catch (Exception e) {
                    log.error("class-data archive %s not made: %s; %ss start without it", archive.get(), e.getMessage(),
                            kind.get().name().toLowerCase());
                }
            });
        }
        return List.of();
    }

    /**
     * Where the kind's archive for this JDK and class path is, made or not; empty when the class
     * path has a directory, which JDK 17 cannot archive from.
     */
    static Optional<Path> archive(Kind kind, Path javaHome, List<String> classPath) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<String> parts = new ArrayList<>(List.of(kind.name(), javaHome.toString()));
            for (String file : JDK_FILES) {
                Path p = javaHome.resolve(file);
                if (Files.exists(p)) {
                    parts.addAll(identity(file, Files.readAttributes(p, BasicFileAttributes.class)));
                }
            }
            for (String entry : classPath) {
                BasicFileAttributes a = Files.readAttributes(Path.of(entry), BasicFileAttributes.class);
                if (a.isDirectory()) {
                    return Optional.empty();
                }
                parts.addAll(identity(entry, a));
            }
            parts.forEach(p -> sha.update((p + "\0").getBytes(StandardCharsets.UTF_8)));
            String hash = HexFormat.of().formatHex(sha.digest(), 0, 8);
            return Optional.of(DIR.resolve(kind.name().toLowerCase() + "-" + hash + ".jsa"));
        } catch (IOException e) {
            return Optional.empty();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A file as it enters an archive's name: its name, size and modification time. */
    private static List<String> identity(String name, BasicFileAttributes a) {
        return List.of(name, Long.toString(a.size()), Long.toString(a.lastModifiedTime().toMillis()));
    }

    /**
     * The JDK's files an archive depends on: the JVM, which refuses an archive another build made,
     * and the image of the JDK's classes. Read from disk at each spawn, because a package upgrade
     * replaces them under a running daemon: the daemon's own java.vm.version still names the JVM it
     * started with, while every process it spawns afterwards runs the new one, which would refuse
     * an archive named for the old and start each connection's JVMs without one.
     */
    private static final List<String> JDK_FILES = List.of("lib/server/libjvm.so", "lib/modules");

    /** Root's, and writable by no one else (a planted archive would run in every process of a kind). */
    private static boolean isSound(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) == 0
                    && Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).stream()
                    .noneMatch(WRITABLE_BY_OTHERS::contains);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Trains and dumps under a lock on the directory, so that daemons started together make
     * each archive once; the result appears atomically (rename), mode 0644, and replaces the
     * kind's older archives. Training runs on the daemon's class path, which holds the kind's
     * classes and the monitor's that training stands in for; the dump, on the kind's.
     */
    private static void make(Kind kind, Path archive, Path javaHome, List<String> classPath, Account trainingUser)
            throws IOException, InterruptedException {
        try (FileChannel lockFile = FileChannel.open(DIR.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
            if (isSound(archive)) {
                return;
            }
            // What a daemon stopped in the middle of a dump left.
            try (DirectoryStream<Path> partial = Files.newDirectoryStream(DIR, ".*.jsa.*")) {
                for (Path p : partial) {
                    Files.deleteIfExists(p);
                }
            }
            long start = System.nanoTime();
            // Outside DIR, which every jail can read.
            Path work = Files.createTempDirectory("sftpd-" + kind.name().toLowerCase() + "-training-");
            try {
                Path loaded = work.resolve("loaded.classlist");
                // Fd 3 is where the trained main class finds its monitor, so the JVM must not take it for a
                // file of its own: /dev/null holds it until the training puts its channel there.
                List<String> training = new ArrayList<>(List.of("/bin/sh", "-c", "exec \"$@\" 3</dev/null", "sh"));
                training.addAll(java(javaHome, List.of(System.getProperty("java.class.path").split(File.pathSeparator)),
                        List.of("-XX:DumpLoadedClassList=" + loaded), kind.trainingClass));
                if (kind == Kind.ENGINE) {
                    training.addAll(List.of(trainingUser.name(), home(work, trainingUser).toString()));
                }
                run(training, work.resolve("training.log"), kind.trainingClass);
                Path list = work.resolve("archive.classlist");
                Files.write(list, classList(Files.readAllLines(loaded), kind));
                Path tmp = DIR.resolve("." + archive.getFileName() + "." + Long.toUnsignedString(new SecureRandom()
                        .nextLong(), 36));
                try {
                    run(java(javaHome, classPath, List.of("-Xshare:dump", "-XX:SharedClassListFile=" + list,
                            "-XX:SharedArchiveFile=" + tmp), null), work.resolve("dump.log"), "java -Xshare:dump");
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
                    Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            } finally {
                deleteTree(work);
            }
            log.verbose("Made class-data archive %s in %.1f s", archive, (System.nanoTime() - start) / 1e9);
            prune(kind);
        }
    }

    /** The session's home for the engine's training: its user's, in a directory only root may list. */
    private static Path home(Path work, Account user) throws IOException {
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
        Path home = Files.createDirectory(work.resolve("home"));
        Files.setAttribute(home, "unix:gid", user.gid());
        Files.setAttribute(home, "unix:uid", user.uid());
        return home;
    }

    /**
     * The JVM's list, less the classes only training loads (the client, the stand-in monitor),
     * and less any class a custom loader defined ("source:" lines name a file to read it from):
     * the archive holds classes from the JDK and the class path only.
     */
    static List<String> classList(List<String> loaded, Kind kind) {
        return loaded.stream().filter(line -> !line.startsWith("#") && !line.contains(" source:")).filter(line -> {
            String[] words = line.split(" ");
            String name = words[0].equals("@lambda-proxy") && words.length > 1 ? words[1] : words[0];
            return kind.trainingOnly.stream().noneMatch(name::startsWith);
        }).toList();
    }

    /** A JVM as the pools start one (class path, collector, native calls, logging), with these flags. */
    private static List<String> java(Path javaHome, List<String> classPath, List<String> flags, String mainClass) {
        List<String> argv = new ArrayList<>(List.of(javaHome.resolve("bin/java").toString(), "-XX:+UseSerialGC",
                "-XX:-UsePerfData"));
        argv.addAll(Launcher.NATIVE_CALLS);
        argv.addAll(LogbackProvider.SYSTEM_PROPERTIES);
        argv.addAll(flags);
        argv.addAll(List.of("-cp", String.join(File.pathSeparator, classPath)));
        if (mainClass != null) {
            argv.add(mainClass);
        }
        return argv;
    }

    /** Runs a JVM to its end, its output in a file; one that fails or hangs fails with its last line. */
    private static void run(List<String> argv, Path output, String what) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "LANG", "C.UTF-8"));
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new IOException(what + " did not finish in " + TIMEOUT.toSeconds() + " s");
        }
        if (p.exitValue() != 0) {
            List<String> lines = Files.readAllLines(output);
            throw new IOException(what + " exited with status " + p.exitValue()
                    + (lines.isEmpty() ? "" : ": " + lines.get(lines.size() - 1)));
        }
    }

    /**
     * Archives of this kind for other JDKs or jars, past the newest few: an upgraded daemon's
     * old ones go, while another daemon still running from other jars (an old one draining, a
     * second installation) keeps its own. A process that maps one deleted here keeps its pages.
     */
    private static void prune(Kind kind) throws IOException {
        List<Path> archives = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(DIR, kind.name().toLowerCase() + "-*.jsa")) {
            found.forEach(archives::add);
        }
        archives.sort(Comparator.comparing(ClassArchives::modified).reversed());
        for (Path old : archives.subList(Math.min(KEPT_PER_KIND, archives.size()), archives.size())) {
            Files.deleteIfExists(old);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
        } catch (IOException e) {
            return 0; // gone already: first in line to go
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
