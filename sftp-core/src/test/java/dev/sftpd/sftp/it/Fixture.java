package dev.sftpd.sftp.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fresh directory tree, the same for both servers, built by one shell script so that it can hold byte
 * names, modes no umask allows and times set on symlinks themselves. Every time in it is explicit and
 * years in the past, so replies about untouched fixture files compare exactly.
 */
final class Fixture implements AutoCloseable {
    /** Times from the run itself (see {@link View}) lie within this long after the fixture was built. */
    private static final long RUN_WINDOW_SECONDS = 3600;

    static final String SCRIPT = """
            umask 022
            printf 'hello, world\\n' > hello.txt
            : > empty
            seq 1 60000 > numbers.txt
            printf '#!/bin/sh\\necho hi\\n' > script.sh; chmod 0755 script.sh
            printf 'setuid\\n' > tool; chmod 04755 tool
            printf 'secret\\n' > secret
            printf 'read only\\n' > readonly.txt; chmod 0444 readonly.txt
            printf 'one inode, two names\\n' > linked.txt; ln linked.txt linked-alias.txt
            printf 'latin-1 name\\n' > "$(printf 'caf\\351')"
            printf 'utf-8 name\\n' > "$(printf 'caf\\303\\251.txt')"
            printf 'spaced\\n' > 'with space.txt'
            mkdir dir dir/sub emptydir sticky lockeddir
            printf 'inner\\n' > dir/inner.txt
            mkdir many; for i in $(seq 1 150); do printf '%s\\n' "$i" > "many/f$i"; done
            chmod 0700 emptydir; chmod 01777 sticky
            ln -s hello.txt link-to-hello
            ln -s dir link-to-dir
            ln -s nowhere dangling
            ln -s /nonexistent-sftpd-it abs-dangling
            ln -s loop2 loop1; ln -s loop1 loop2
            chmod 0000 secret lockeddir
            """;

    /**
     * Distinct, explicit times for every path, in byte order of the names. Run again after each snapshot,
     * because reading the tree for a snapshot moves atimes and directory access times.
     */
    static final String TIMES = """
            i=0
            find . | LC_ALL=C sort | while IFS= read -r f; do
              touch -h -d "@$((1615000000 + i * 604800))" "$f"
              touch -h -a -d "@$((1600000000 + i * 3600))" "$f"
              i=$((i + 1))
            done
            """;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path base;
    private final Path root;
    private final long runStart;

    private Fixture(Path base, Path root, long runStart) {
        this.base = base;
        this.root = root;
        this.runStart = runStart;
    }

    static Fixture create() throws IOException, InterruptedException {
        long runStart = System.currentTimeMillis() / 1000 - 1;
        Path base = freshBase();
        Path root = Files.createDirectory(base.resolve("root"));
        shell(root, SCRIPT);
        shell(root, TIMES);
        return new Fixture(base, root, runStart);
    }

    /**
     * A new directory under the system temp dir whose path has the same length for every fixture, so that
     * replies which count the root's bytes (the size of a symlink to an absolute path) compare too.
     */
    private static Path freshBase() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toRealPath();
        while (true) {
            try {
                return Files.createDirectory(tmp.resolve(String.format("sftpd-it-%016x", RANDOM.nextLong())),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                // try another name
            }
        }
    }

    private static void shell(Path cwd, String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-euc", script).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("fixture script in " + cwd + " failed:\n" + script + "\n" + out);
        }
    }

    Path root() {
        return root;
    }

    View view() {
        return new View(root.toString(), root.getParent().toString(), runStart, runStart + RUN_WINDOW_SECONDS);
    }

    /**
     * Everything a request could change, except atimes: type, mode, owner, size, mtime, links, content;
     * the root and mtimes of the run itself are shown as the {@link View} shows them.
     */
    String snapshot() throws IOException {
        List<Path> paths = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                paths.add(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                paths.add(file);
                return FileVisitResult.CONTINUE;
            }

            /** A directory we may not read (mode 0000 when not root) is still described, unopened. */
            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                paths.add(file);
                return FileVisitResult.CONTINUE;
            }
        });
        paths.sort(null);
        StringBuilder s = new StringBuilder();
        for (Path p : paths) {
            s.append(describe(p)).append('\n');
        }
        return view().text(s.toString());
    }

    /** The fixture as built, then its times restored, so that the snapshot leaves no trace in replies. */
    String snapshotOfFreshFixture() throws IOException, InterruptedException {
        String s = snapshot();
        shell(root, TIMES);
        return s;
    }

    private String describe(Path p) throws IOException {
        LinkOption nofollow = LinkOption.NOFOLLOW_LINKS;
        String rel = root.relativize(p).toString();
        int mode = (Integer) Files.getAttribute(p, "unix:mode", nofollow);
        String line = String.format("%s mode=0%o uid=%s gid=%s nlink=%s size=%d mtime=%s", rel.isEmpty() ? "." : rel,
                mode, Files.getAttribute(p, "unix:uid", nofollow), Files.getAttribute(p, "unix:gid", nofollow),
                Files.getAttribute(p, "unix:nlink", nofollow), Files.getAttribute(p, "size", nofollow),
                view().time(Files.getLastModifiedTime(p, nofollow).to(TimeUnit.SECONDS)));
        if (Files.isSymbolicLink(p)) {
            return line + " -> " + Files.readSymbolicLink(p);
        }
        if (Files.isRegularFile(p, nofollow)) {
            try {
                return line + " sha256=" + HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
            } catch (IOException e) {
                return line + " content unreadable";
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return line;
    }

    @Override
    public void close() throws IOException {
        Process p = new ProcessBuilder("sh", "-c", "chmod -R u+rwX \"$0\" && rm -rf \"$0\"", base.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        try {
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
