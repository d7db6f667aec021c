package dev.sftpd.sftp.it;

import static dev.sftpd.sftp.it.Requests.FXF_APPEND;
import static dev.sftpd.sftp.it.Requests.FXF_CREAT;
import static dev.sftpd.sftp.it.Requests.FXF_EXCL;
import static dev.sftpd.sftp.it.Requests.FXF_READ;
import static dev.sftpd.sftp.it.Requests.FXF_TRUNC;
import static dev.sftpd.sftp.it.Requests.FXF_WRITE;
import static dev.sftpd.sftp.it.Requests.close;
import static dev.sftpd.sftp.it.Requests.copyData;
import static dev.sftpd.sftp.it.Requests.expandPath;
import static dev.sftpd.sftp.it.Requests.extended;
import static dev.sftpd.sftp.it.Requests.fsetstat;
import static dev.sftpd.sftp.it.Requests.fstat;
import static dev.sftpd.sftp.it.Requests.fstatvfs;
import static dev.sftpd.sftp.it.Requests.fsync;
import static dev.sftpd.sftp.it.Requests.hardlink;
import static dev.sftpd.sftp.it.Requests.homeDirectory;
import static dev.sftpd.sftp.it.Requests.limits;
import static dev.sftpd.sftp.it.Requests.lsetstat;
import static dev.sftpd.sftp.it.Requests.lstat;
import static dev.sftpd.sftp.it.Requests.mkdir;
import static dev.sftpd.sftp.it.Requests.open;
import static dev.sftpd.sftp.it.Requests.opendir;
import static dev.sftpd.sftp.it.Requests.posixRename;
import static dev.sftpd.sftp.it.Requests.raw;
import static dev.sftpd.sftp.it.Requests.read;
import static dev.sftpd.sftp.it.Requests.readdir;
import static dev.sftpd.sftp.it.Requests.readlink;
import static dev.sftpd.sftp.it.Requests.realpath;
import static dev.sftpd.sftp.it.Requests.remove;
import static dev.sftpd.sftp.it.Requests.rename;
import static dev.sftpd.sftp.it.Requests.rmdir;
import static dev.sftpd.sftp.it.Requests.setstat;
import static dev.sftpd.sftp.it.Requests.stat;
import static dev.sftpd.sftp.it.Requests.symlink;
import static dev.sftpd.sftp.it.Requests.usersGroupsById;
import static dev.sftpd.sftp.it.Requests.write;

import com.sun.security.auth.module.UnixSystem;
import dev.sftpd.testkit.Root;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The same byte-level request scripts go to OpenSSH 9.2's sftp-server and to ours, each running in an
 * identical fixture tree as its working directory; every reply must be the same, handles and run-time
 * timestamps aside (see {@link View}), and so must the file system the script leaves behind.
 */
class SftpDifferentialIT {
    private static final UnixSystem ME = new UnixSystem();
    private static final long UID = ME.getUid();
    private static final long GID = ME.getGid();

    /** Within six months: long names show the time of day instead of the year. */
    private static final long RECENT = System.currentTimeMillis() / 1000 - 10 * 86400;
    /** Past 2^31: a server that treats SFTP's uint32 times as signed gets this wrong. */
    private static final long FUTURE = 4_000_000_000L;

    /** Someone else who exists on every Debian system, and their home as NSS has it. */
    private static final String OTHER_USER = Root.isRoot() ? "daemon" : "root";
    private static final String HOME_OF_OTHER_USER = homeOf(OTHER_USER);

    private static final String LATIN1_NAME = "caf\u00e9";
    private static final String UTF8_NAME = Wire.utf8("café.txt");

    private static final String[] STAT_PATHS = {
        "hello.txt", "empty", "numbers.txt", "tool", "secret", "readonly.txt", "linked.txt", LATIN1_NAME, UTF8_NAME,
        "with space.txt", "dir", "dir/", "dir/sub", "sticky", "lockeddir", "lockeddir/x", "link-to-hello",
        "link-to-dir", "link-to-dir/inner.txt", "dangling", "abs-dangling", "loop1", "missing", "hello.txt/x",
        "nodir/x", "", ".", "..", "dir/../hello.txt", "hello.txt/", "/", "<ROOT>/hello.txt", "<ROOT>/dir/../link-to-dir",
        "x".repeat(255), "x".repeat(256), "d/".repeat(2100),
    };

    private static String homeOf(String user) {
        try {
            Process p = new ProcessBuilder("getent", "passwd", user).redirectErrorStream(true).start();
            String line = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor();
            return line.split(":")[5];
        } catch (IOException | InterruptedException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalStateException("no passwd entry for " + user, e);
        }
    }

    @Test
    void versionAdvertisesTheSameExtensionsInTheSameOrder() throws Exception {
        Differential.assertSameReplies(new Script());
    }

    @Test
    void realpathResolvesLikeOpenSsh() throws Exception {
        Differential.assertSameReplies(new Script().add(
                realpath(""), realpath("."), realpath(".."), realpath("/"), realpath("missing"),
                realpath("nodir/missing"), realpath("dir/sub/../inner.txt"), realpath("link-to-dir"),
                realpath("link-to-hello"), realpath("link-to-dir/inner.txt"), realpath("dangling"),
                realpath("abs-dangling"), realpath("loop1"), realpath("hello.txt/x"), realpath("//dir//sub/"),
                realpath("dir/./sub/."), realpath(LATIN1_NAME), realpath("lockeddir/x"), realpath("/.."),
                realpath("<ROOT>/dir/../link-to-dir/sub"), realpath("<ROOT>/missing/x"), realpath("hello.txt/"),
                realpath("x".repeat(256)), realpath("d/".repeat(2100))));
    }

    @Test
    void statAndLstatReportTheSameAttributesAndErrors() throws Exception {
        Script s = new Script();
        for (String path : STAT_PATHS) {
            s.add(stat(path), lstat(path));
        }
        Differential.assertSameReplies(s);
    }

    @Test
    void fstatWorksOnFileHandlesOnly() throws Exception {
        Differential.assertSameReplies(new Script().add(
                open("hello.txt", FXF_READ).as("f"), fstat("f"),
                open("link-to-hello", FXF_READ).as("l"), fstat("l"), close("l"),
                opendir("dir").as("d"), fstat("d"), close("d"),
                close("f"), fstat("f")));
    }

    @Test
    void readsReturnDataThenEndOfFile() throws Exception {
        Differential.assertSameReplies(new Script().add(
                open("hello.txt", FXF_READ).as("r"),
                read("r", 0, 100), read("r", 7, 5), read("r", 12, 10), read("r", 13, 10), read("r", 1000, 10),
                read("r", 0, 0), read("r", 0, 1), write("r", 0, "x"), close("r"),
                open("empty", FXF_READ).as("e"), read("e", 0, 10), read("e", 0, 0), close("e"),
                open("numbers.txt", FXF_READ).as("n"), read("n", 0, 300_000), read("n", 100_000, 1_000_000),
                read("n", 348_000, 10_000), read("n", 1L << 40, 10), close("n"),
                open("secret", FXF_READ).as("s"), read("s", 0, 10), close("s"),
                open("link-to-hello", FXF_READ).as("l"), read("l", 0, 100), close("l"),
                open("hello.txt", 0).as("z"), read("z", 0, 5), close("z"),
                open(LATIN1_NAME, FXF_READ).as("b"), read("b", 0, 100), close("b"),
                open("<ROOT>/dir/inner.txt", FXF_READ).as("abs"), read("abs", 0, 100), close("abs"),
                open("dir", FXF_READ).as("dirfile"), read("dirfile", 0, 10), close("dirfile")));
    }

    @Test
    void openFailsLikeOpenSsh() throws Exception {
        Differential.assertSameReplies(new Script().add(
                open("missing", FXF_READ), open("missing", FXF_WRITE), open("nodir/new", FXF_WRITE | FXF_CREAT),
                open("hello.txt/x", FXF_READ), open("", FXF_READ), open("loop1", FXF_READ),
                open("dir", FXF_WRITE), open("dir", FXF_READ | FXF_WRITE | FXF_CREAT),
                open("hello.txt", FXF_WRITE | FXF_CREAT | FXF_EXCL), open("dangling", FXF_WRITE | FXF_CREAT | FXF_EXCL),
                open("lockeddir/new", FXF_WRITE | FXF_CREAT),
                open("readonly.txt", FXF_READ | FXF_WRITE).as("ro"), close("ro")));
    }

    @Test
    void writesCreateTruncateAndAppend() throws Exception {
        Differential.assertSameReplies(new Script().add(
                open("new.txt", FXF_WRITE | FXF_CREAT, Attrs.NONE.perms(0640)).as("w"),
                write("w", 0, "abc"), write("w", 10, "XY"), write("w", 0, ""), fstat("w"), read("w", 0, 10), close("w"),
                stat("new.txt"),
                open("new.txt", FXF_READ).as("r"), read("r", 0, 100), close("r"),
                open("excl.txt", FXF_WRITE | FXF_CREAT | FXF_EXCL, Attrs.NONE.perms(0600)).as("x"), close("x"),
                stat("excl.txt"),
                open("plain.txt", FXF_READ | FXF_WRITE | FXF_CREAT).as("p"), write("p", 0, "rw"), read("p", 0, 10),
                close("p"), stat("plain.txt"),
                open("modes.txt", FXF_WRITE | FXF_CREAT, Attrs.NONE.perms(07777)).as("m"), close("m"), stat("modes.txt"),
                open("linked.txt", FXF_WRITE | FXF_TRUNC).as("t"), fstat("t"), close("t"), stat("linked-alias.txt"),
                open("append.txt", FXF_WRITE | FXF_CREAT | FXF_APPEND).as("a"),
                write("a", 0, "first;"), write("a", 0, "second;"), write("a", 100, "third;"), close("a"),
                open("append.txt", FXF_READ).as("ar"), read("ar", 0, 100), close("ar"),
                open("hello.txt", FXF_WRITE | FXF_APPEND).as("ha"), write("ha", 0, "more\n"), close("ha"),
                open("hello.txt", FXF_READ | FXF_APPEND).as("hr"), read("hr", 0, 100), close("hr"),
                open("dangling", FXF_WRITE | FXF_CREAT).as("dc"), write("dc", 0, "via link"), close("dc"),
                lstat("dangling"), stat("nowhere"),
                open("tool", FXF_WRITE).as("tw"), write("tw", 0, "S"), close("tw"), stat("tool"),
                open("hello.txt", FXF_WRITE | FXF_TRUNC).as("ht"), fstat("ht"), close("ht"),
                open("ignored-attrs.txt", FXF_WRITE | FXF_CREAT,
                        Attrs.NONE.size(100).ids(12345, 12345).perms(0604).times(1, 2)).as("ia"),
                fstat("ia"), close("ia"),
                open("big.txt", FXF_READ | FXF_WRITE | FXF_CREAT).as("big"), write("big", 0, "0123456789".repeat(25_000)),
                read("big", 0, 300_000), read("big", 249_990, 100), write("big", 3_000_000_000L, "far"),
                fstat("big"), read("big", 3_000_000_000L, 10), fsetstat("big", Attrs.NONE.size(10)), close("big"),
                open("x".repeat(255), FXF_WRITE | FXF_CREAT).as("long"), close("long"),
                open("x".repeat(256), FXF_WRITE | FXF_CREAT),
                open("script.sh", FXF_READ | FXF_TRUNC).as("rt"), close("rt"), stat("script.sh"),
                open("readonly.txt", FXF_WRITE | FXF_EXCL).as("we"), close("we"),
                open("with space.txt", FXF_READ | 0x40 | 0x100).as("odd"), read("odd", 0, 10), close("odd"),
                open("numbers.txt", FXF_WRITE | FXF_CREAT | FXF_TRUNC, Attrs.NONE.perms(0600)).as("nt"),
                fstat("nt"), close("nt")));
    }

    @Test
    void setstatChangesSizeModeTimesAndOwner() throws Exception {
        Differential.assertSameReplies(new Script().add(
                setstat("hello.txt", Attrs.NONE.size(5)), stat("hello.txt"),
                setstat("hello.txt", Attrs.NONE.size(20)), stat("hello.txt"),
                open("hello.txt", FXF_READ).as("r"), read("r", 0, 100), close("r"),
                setstat("hello.txt", Attrs.NONE.perms(0600)), stat("hello.txt"),
                setstat("hello.txt", Attrs.NONE.perms(04755)), stat("hello.txt"),
                setstat("hello.txt", Attrs.NONE.perms(07777)), stat("hello.txt"),
                setstat("hello.txt", Attrs.NONE.perms(0100640)), stat("hello.txt"),
                setstat("dir", Attrs.NONE.perms(03775)), stat("dir"),
                setstat("hello.txt", Attrs.NONE.times(1_500_000_000L, 1_500_000_100L)), stat("hello.txt"),
                setstat("hello.txt", Attrs.NONE.times(FUTURE, FUTURE + 1)), stat("hello.txt"),
                setstat("hello.txt", Attrs.NONE.ids(UID, GID)), stat("hello.txt"),
                setstat("empty", Attrs.NONE.ids(12345, 12346)), stat("empty"),
                setstat("empty", Attrs.NONE.size(3).perms(0604).times(1_400_000_000L, 1_400_000_001L)), stat("empty"),
                setstat("empty", Attrs.NONE), stat("empty"),
                setstat("empty", new Attrs(Attrs.EXTENDED, 0, 0, 0, 0, 0, 0, java.util.List.of("x@example.com", "v"))),
                setstat("empty", new Attrs(0x10, 0, 0, 0, 0, 0, 0, java.util.List.of())), stat("empty"),
                setstat("missing", Attrs.NONE.size(0)), setstat("hello.txt/x", Attrs.NONE.perms(0600)),
                setstat("dir", Attrs.NONE.size(0)), setstat("dangling", Attrs.NONE.times(1, 2)),
                setstat("link-to-hello", Attrs.NONE.perms(0640)), lstat("link-to-hello"), stat("link-to-hello"),
                setstat("readonly.txt", Attrs.NONE.size(1)), stat("readonly.txt"),
                setstat("dir/inner.txt", Attrs.NONE.times(RECENT, RECENT)), stat("dir/inner.txt"),
                opendir("dir").as("d"), new ReaddirAll("d"), close("d")));
    }

    @Test
    void fsetstatWorksThroughAnOpenHandle() throws Exception {
        Differential.assertSameReplies(new Script().add(
                open("empty", FXF_WRITE).as("f"),
                fsetstat("f", Attrs.NONE.size(3)), fsetstat("f", Attrs.NONE.perms(02755)),
                fsetstat("f", Attrs.NONE.times(1_300_000_000L, 1_300_000_500L)), fsetstat("f", Attrs.NONE.ids(UID, GID)),
                fstat("f"), fsetstat("f", Attrs.NONE.size(1).perms(04600).times(FUTURE, FUTURE)), fstat("f"),
                fsetstat("f", Attrs.NONE), close("f"), stat("empty"), fsetstat("f", Attrs.NONE.perms(0600)),
                open("hello.txt", FXF_READ).as("r"), fsetstat("r", Attrs.NONE.size(1)),
                fsetstat("r", Attrs.NONE.perms(0604)), fstat("r"), close("r"),
                opendir("dir").as("d"), fsetstat("d", Attrs.NONE.perms(0700)), close("d"), stat("dir")));
    }

    @Test
    void lsetstatChangesTheLinkItself() throws Exception {
        Differential.assertSameReplies(new Script().add(
                lsetstat("link-to-hello", Attrs.NONE.times(1_400_000_000L, 1_400_000_100L)),
                lstat("link-to-hello"), stat("link-to-hello"),
                lsetstat("link-to-hello", Attrs.NONE.size(0)), lstat("link-to-hello"), stat("hello.txt"),
                lsetstat("link-to-hello", Attrs.NONE.perms(0600)), lstat("link-to-hello"),
                lsetstat("link-to-hello", Attrs.NONE.ids(UID, GID)), lstat("link-to-hello"),
                lsetstat("dangling", Attrs.NONE.times(1_400_000_000L, 1_400_000_200L)), lstat("dangling"),
                lsetstat("missing", Attrs.NONE.times(1, 2)),
                lsetstat("hello.txt", Attrs.NONE.times(1_400_000_000L, 1_400_000_300L).perms(0640)), stat("hello.txt"),
                lsetstat("empty", Attrs.NONE.size(0))));
    }

    @Test
    void readdirListsTheSameEntries() throws Exception {
        Differential.assertSameReplies(new Script().add(
                opendir(".").as("d"), new ReaddirAll("d"), readdir("d"), close("d"),
                opendir("dir").as("d2"), new ReaddirAll("d2"), close("d2"),
                opendir("emptydir").as("d3"), new ReaddirAll("d3"), close("d3"),
                opendir("link-to-dir").as("d4"), new ReaddirAll("d4"), close("d4"),
                opendir("dir/").as("d5"), new ReaddirAll("d5"), close("d5"),
                opendir("lockeddir").as("d6"), new ReaddirAll("d6"), close("d6"),
                opendir("many").as("d7"), new ReaddirAll("d7"), close("d7"),
                opendir("<ROOT>/dir/sub").as("d8"), new ReaddirAll("d8"), close("d8"),
                opendir("dir/sub").as("gone"), rmdir("dir/sub"), new ReaddirAll("gone"), close("gone"),
                opendir("missing"), opendir("hello.txt"), opendir(""), opendir("dangling"), opendir("loop1"),
                open("hello.txt", FXF_READ).as("f"), readdir("f"), close("f"), readdir("f"), readdir("d")));
    }

    @Test
    void removeMkdirAndRmdirChangeTheTreeLikeOpenSsh() throws Exception {
        Differential.assertSameReplies(new Script().add(
                remove("hello.txt"), stat("hello.txt"), remove("hello.txt"), remove("dir"), remove("link-to-dir"),
                lstat("link-to-dir"), stat("dir"), remove("dangling"), remove(""), remove("dir/inner.txt/x"),
                remove("lockeddir/x"), remove("linked.txt"), stat("linked-alias.txt"),
                mkdir("newdir", Attrs.NONE), stat("newdir"), mkdir("private", Attrs.NONE.perms(0700)), stat("private"),
                mkdir("setgid", Attrs.NONE.perms(02775)), stat("setgid"), mkdir("sticky2", Attrs.NONE.perms(01777)),
                stat("sticky2"), mkdir("timed", Attrs.NONE.times(1_000_000_000L, 1_000_000_000L)), stat("timed"),
                mkdir("newdir", Attrs.NONE), mkdir("empty", Attrs.NONE), mkdir("nodir/x", Attrs.NONE),
                mkdir("", Attrs.NONE), mkdir("abs-dangling", Attrs.NONE), mkdir("lockeddir/x", Attrs.NONE),
                mkdir("owned", Attrs.NONE.ids(12345, 12345).size(7)), stat("owned"), mkdir("dangling", Attrs.NONE),
                mkdir("<ROOT>/absdir", Attrs.NONE.perms(0751)), stat("absdir"),
                rmdir("dir"), rmdir("missing"), rmdir("empty"), rmdir("emptydir"), stat("emptydir"), rmdir("link-to-hello"),
                rmdir("."), rmdir(""), rmdir("newdir"), rmdir("dir/sub/"),
                opendir(".").as("d"), new ReaddirAll("d"), close("d")));
    }

    @Test
    void renameRefusesToReplaceWhilePosixRenameReplaces() throws Exception {
        Differential.assertSameReplies(new Script().add(
                rename("hello.txt", "hello2.txt"), stat("hello.txt"), stat("hello2.txt"),
                rename("hello2.txt", "empty"), stat("empty"), rename("empty", "empty"),
                rename("dir", "dir-renamed"), stat("dir-renamed/inner.txt"), rename("dir-renamed", "emptydir"),
                rename("missing", "x"), rename("link-to-hello", "link-renamed"), lstat("link-renamed"),
                rename("dangling", "dangling-renamed"), lstat("dangling-renamed"), rename("empty", "nodir/x"),
                rename("linked.txt", "linked-alias.txt"), rename("readonly.txt", LATIN1_NAME),
                rename("sticky", "sticky/inside"),
                posixRename("hello2.txt", "empty"), stat("empty"), stat("hello2.txt"),
                posixRename("dir-renamed", "emptydir"), stat("emptydir/inner.txt"),
                posixRename("numbers.txt", "emptydir"), posixRename("missing", "x"),
                posixRename("sticky", "sticky/inside"), posixRename("linked.txt", "linked-alias.txt"),
                stat("linked.txt"), posixRename("tool", "nodir/x"),
                opendir(".").as("d"), new ReaddirAll("d"), close("d")));
    }

    @Test
    void linksAreReadAndMadeLikeOpenSsh() throws Exception {
        Differential.assertSameReplies(new Script().add(
                readlink("link-to-hello"), readlink("link-to-dir"), readlink("dangling"), readlink("abs-dangling"),
                readlink("loop1"), readlink("hello.txt"), readlink("dir"), readlink("missing"), readlink(""),
                symlink("hello.txt", "newlink"), readlink("newlink"), lstat("newlink"), stat("newlink"),
                symlink("nowhere-else", "newdangling"), readlink("newdangling"), stat("newdangling"),
                symlink("hello.txt", "empty"), symlink("hello.txt", "nodir/link"), symlink("", "emptylink"),
                symlink(LATIN1_NAME, "to-latin1"), readlink("to-latin1"),
                symlink("<ROOT>/hello.txt", "absolute"), readlink("absolute"), stat("absolute"),
                symlink("hello.txt", "dangling"), symlink("x".repeat(5000), "long-target"), readlink("long-target"),
                hardlink("hello.txt", "hard.txt"), stat("hard.txt"), hardlink("hello.txt", "empty"),
                hardlink("dir", "dirlink"), hardlink("missing", "x"), hardlink("link-to-hello", "hardsym"),
                lstat("hardsym"), hardlink("hello.txt", "nodir/x"), hardlink("hello.txt", "dangling"),
                hardlink("dangling", "hard-dangling"), lstat("hard-dangling"),
                opendir(".").as("d"), new ReaddirAll("d"), close("d")));
    }

    @Test
    void statvfsFsyncAndLimitsAgree() throws Exception {
        Differential.assertSameReplies(new Script().add(
                Requests.statvfs("."), Requests.statvfs("dir"), Requests.statvfs("missing"), Requests.statvfs(""),
                Requests.statvfs("hello.txt"), Requests.statvfs("dangling"), Requests.statvfs("/"),
                open("hello.txt", FXF_READ).as("f"), fstatvfs("f"), fsync("f"),
                open("empty", FXF_WRITE).as("w"), fsync("w"), close("w"),
                opendir("dir").as("d"), fstatvfs("d"), fsync("d"), close("d"),
                close("f"), fsync("f"), fstatvfs("f"), limits()));
    }

    @Test
    void expandPathResolvesTildesAndRelativePaths() throws Exception {
        Differential.assertSameReplies(new Script().add(
                expandPath(""), expandPath("~"), expandPath("~/x"), expandPath("x"), expandPath("~root"),
                expandPath("~root/x"), expandPath("~nosuchuser"), expandPath("."), expandPath("dir/../hello.txt"),
                expandPath("/"), expandPath("link-to-dir"), expandPath("nodir/x"), expandPath("~/"),
                expandPath("~root/"), expandPath("~//x"), expandPath("<ROOT>/dir/../x"), expandPath("missing")));
    }

    @Test
    void copyDataCopiesBetweenDistinctFiles() throws Exception {
        Differential.assertSameReplies(new Script().add(
                open("hello.txt", FXF_READ).as("src"), open("copy.txt", FXF_WRITE | FXF_CREAT | FXF_TRUNC).as("dst"),
                copyData("src", 0, 0, "dst", 0), copyData("src", 7, 5, "dst", 100), copyData("src", 1000, 10, "dst", 0),
                copyData("src", 0, 3, "dst", 200), fstat("dst"), close("dst"),
                open("copy.txt", FXF_READ).as("back"), read("back", 0, 300), close("back"),
                copyData("src", 0, 0, "src", 0),
                open("hello.txt", FXF_WRITE).as("same"), copyData("src", 0, 0, "same", 0), close("same"),
                open("copy.txt", FXF_READ).as("ro"), copyData("src", 0, 0, "ro", 0), close("ro"),
                opendir("dir").as("d"), copyData("d", 0, 0, "src", 0), copyData("src", 0, 0, "d", 0), close("d"),
                open("empty", FXF_WRITE).as("wo"), copyData("wo", 0, 0, "src", 0), close("wo"),
                close("src"), copyData("src", 0, 0, "src", 0), stat("hello.txt")));
    }

    /**
     * OpenBSD's sftp-server (rev 1.154) refuses copy-data between two handles on the same inode, as ours
     * does; OpenSSH 9.2 compares only handle numbers and path names, so it lets a hard link alias through.
     */
    @Test
    void copyDataRefusesAHardLinkAliasOfTheSource() throws Exception {
        Differential.assertSameReplies(new Script().add(
                open("linked.txt", FXF_READ).as("src"), open("linked-alias.txt", FXF_WRITE).as("alias"),
                new KnownDeviation(copyData("src", 0, 21, "alias", 0),
                        "same inode through a hard link: ours refuses like OpenBSD 1.154, OpenSSH 9.2 copies",
                        "STATUS 4 \"Failure\" lang=\"\""),
                close("alias"), close("src"),
                setstat("linked.txt", Attrs.NONE.times(1_615_000_000L, 1_615_000_000L)),
                open("linked.txt", FXF_READ).as("back"), read("back", 0, 100), close("back")));
    }

    @Test
    void homeDirectoryAndUserNamesComeFromTheSystemDatabase() throws Exception {
        Differential.assertSameReplies(new Script().add(
                homeDirectory(ME.getUsername()),
                new KnownDeviation(homeDirectory(OTHER_USER),
                        "another user's home: OpenSSH 9.2 answers with the current user's (fixed in OpenSSH 9.5)",
                        "NAME 1\n  " + HOME_OF_OTHER_USER + " | " + HOME_OF_OTHER_USER + " | flags=0x0"),
                homeDirectory("nosuchuser"), homeDirectory(""),
                usersGroupsById(new long[] {0, UID, 4_000_000_000L}, new long[] {0, GID, 4_000_000_000L}),
                usersGroupsById(new long[0], new long[0]), usersGroupsById(new long[] {UID}, new long[0]),
                usersGroupsById(new long[] {1, 65534, 12345}, new long[] {1, 65534, 12345})));
    }

    @Test
    void oddRequestsGetTheSameAnswers() throws Exception {
        byte[] longHandle = new byte[300];
        Differential.assertSameReplies(new Script().add(
                extended("nosuch@example.com", "", (o, s) -> o.string("payload")),
                raw("packet type 150", 150, (o, s) -> o.string("ignored")).noReply(), realpath("."),
                open("hello.txt", FXF_READ).as("h"), close("h"), close("h"), read("h", 0, 10),
                raw("CLOSE with a 3-byte handle", Requests.CLOSE, (o, s) -> o.string("abc")),
                raw("READ with a 3-byte handle", Requests.READ, (o, s) -> o.string("abc").u64(0).u32(10)),
                raw("FSTAT with a 300-byte handle", Requests.FSTAT, (o, s) -> o.string(longHandle)),
                raw("STAT with trailing bytes", Requests.STAT, (o, s) -> o.string("hello.txt").u32(7).u32(7)),
                raw("EXTENDED with an empty name", Requests.EXTENDED, (o, s) -> o.string("")),
                Requests.init(), stat("hello.txt")));
    }

    /** Handles are captured from replies, so a pipelined request can only use one opened by an earlier step. */
    @Test
    void requestsMaySplitOrShareReads() throws Exception {
        Differential.assertSameReplies(new Script().add(
                open("hello.txt", FXF_READ).as("h"),
                Together.pipelined(stat("dir"), realpath("."), lstat("missing"), read("h", 0, 5), read("h", 5, 5),
                        read("h", 10, 5), read("h", 15, 5), close("h"), open("hello.txt", FXF_READ)),
                Together.inPieces(1, stat("hello.txt")),
                Together.inPieces(3, open("numbers.txt", FXF_READ | FXF_WRITE).as("n"), stat("empty")),
                Together.inPieces(7, read("n", 0, 20), write("n", 0, "x".repeat(40)), read("n", 0, 50), close("n")),
                open("out.txt", FXF_WRITE | FXF_CREAT).as("o"),
                Together.pipelined(write("o", 0, "a".repeat(100_000)), write("o", 100_000, "b".repeat(100_000)),
                        write("o", 200_000, "c".repeat(50_000)), fstat("o"), close("o")),
                open("out.txt", FXF_READ).as("o2"),
                Together.pipelined(read("o2", 0, 261_120), read("o2", 100_000, 10), read("o2", 250_000, 10),
                        close("o2"))));
    }
}
