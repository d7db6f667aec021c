// What installing and purging the package changes outside a test's scratch directory, recorded before and put back after.
package dev.sftpd.server.it;

import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The repository's own test daemons share these with the package: the {@code sftpd} account (its
 * transports' uid), /etc/pam.d/sftpd (installed by the kit's Sftpd), /var/cache/sftpd (their
 * class-data archives) and /etc/sftpd. A purge removes all of them, so the package test copies
 * them first ({@link #record}) and puts back what it found ({@link #restore}): the same account
 * with the same ids, the same files with their modes and times.
 */
final class MachineState {
    static final List<Path> PATHS = List.of(Path.of("/etc/sftpd"), Path.of("/etc/pam.d/sftpd"),
            Path.of("/var/cache/sftpd"));

    private final Optional<String> account;
    private final Optional<String> group;
    private final Path copies;

    private MachineState(Optional<String> account, Optional<String> group, Path copies) {
        this.account = account;
        this.group = group;
        this.copies = copies;
    }

    /** Copies what exists of {@link #PATHS} into {@code copies} (an empty directory) and notes the account. */
    static MachineState record(Path copies) {
        for (Path p : PATHS) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                copyTree(p, copies.resolve(p.toString().substring(1)));
            }
        }
        return new MachineState(getent("passwd"), getent("group"), copies);
    }

    /**
     * Puts back each recorded path (removing what the test left in its place) and the account
     * (removing one the test left, recreating one it removed with its old ids); a path that did
     * not exist is removed.
     */
    void restore() {
        for (Path p : PATHS) {
            deleteTree(p);
            Path copy = copies.resolve(p.toString().substring(1));
            if (Files.exists(copy, LinkOption.NOFOLLOW_LINKS)) {
                copyTree(copy, p);
            }
        }
        if (!account.equals(getent("passwd")) || !group.equals(getent("group"))) {
            if (getent("passwd").isPresent()) {
                Run.checked("userdel", "sftpd");
            }
            if (getent("group").isPresent()) {
                Run.checked("groupdel", "sftpd");
            }
            group.ifPresent(g -> Run.checked("groupadd", "--system", "-g", g.split(":")[2], "sftpd"));
            account.ifPresent(a -> {
                String[] f = a.split(":", -1);
                Run.checked("useradd", "--system", "--no-create-home", "-u", f[2], "-g", f[3], "-c", f[4], "-d", f[5],
                        "-s", f[6], "sftpd");
            });
        }
    }

    /** The account's or group's line, as getent prints it. */
    static Optional<String> getent(String database) {
        Outcome o = Run.run(List.of("getent", database, "sftpd"), new byte[0]);
        return o.exitCode() == 0 ? Optional.of(o.stdout().strip()) : Optional.empty();
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            Files.createDirectories(to.getParent());
            for (Path p : paths.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                        LinkOption.NOFOLLOW_LINKS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("copying " + from + " to " + to, e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + root, e);
        }
    }
}
