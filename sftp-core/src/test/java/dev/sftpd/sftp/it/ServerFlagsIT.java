package dev.sftpd.sftp.it;

import static dev.sftpd.sftp.it.Requests.FXF_CREAT;
import static dev.sftpd.sftp.it.Requests.FXF_READ;
import static dev.sftpd.sftp.it.Requests.FXF_TRUNC;
import static dev.sftpd.sftp.it.Requests.FXF_WRITE;
import static dev.sftpd.sftp.it.Requests.close;
import static dev.sftpd.sftp.it.Requests.copyData;
import static dev.sftpd.sftp.it.Requests.fsetstat;
import static dev.sftpd.sftp.it.Requests.fsync;
import static dev.sftpd.sftp.it.Requests.hardlink;
import static dev.sftpd.sftp.it.Requests.lsetstat;
import static dev.sftpd.sftp.it.Requests.mkdir;
import static dev.sftpd.sftp.it.Requests.open;
import static dev.sftpd.sftp.it.Requests.opendir;
import static dev.sftpd.sftp.it.Requests.posixRename;
import static dev.sftpd.sftp.it.Requests.read;
import static dev.sftpd.sftp.it.Requests.readdir;
import static dev.sftpd.sftp.it.Requests.realpath;
import static dev.sftpd.sftp.it.Requests.remove;
import static dev.sftpd.sftp.it.Requests.rename;
import static dev.sftpd.sftp.it.Requests.rmdir;
import static dev.sftpd.sftp.it.Requests.setstat;
import static dev.sftpd.sftp.it.Requests.stat;
import static dev.sftpd.sftp.it.Requests.symlink;
import static dev.sftpd.sftp.it.Requests.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The command-line switches that change what a session may do: -P, -p, -R, and -Q's listings. */
class ServerFlagsIT {
    /** Every request that writes, plus reads that must still work, against a server that may refuse them. */
    private static Script writesAndReads() {
        return new Script().add(
                open("hello.txt", FXF_READ).as("r"), read("r", 0, 100), fsetstat("r", Attrs.NONE.perms(0600)),
                fsync("r"), close("r"),
                open("new.txt", FXF_WRITE | FXF_CREAT), open("hello.txt", FXF_READ | FXF_WRITE),
                open("hello.txt", FXF_WRITE | FXF_TRUNC), open("hello.txt", FXF_READ | FXF_TRUNC),
                open("empty", FXF_WRITE).as("w"), write("w", 0, "x"), close("w"),
                remove("hello.txt"), mkdir("newdir", Attrs.NONE), rmdir("emptydir"),
                setstat("hello.txt", Attrs.NONE.perms(0600)), setstat("hello.txt", Attrs.NONE),
                lsetstat("link-to-hello", Attrs.NONE.times(1, 2)), rename("hello.txt", "renamed.txt"),
                posixRename("hello.txt", "renamed.txt"), symlink("hello.txt", "newlink"),
                hardlink("hello.txt", "hard.txt"),
                open("hello.txt", FXF_READ).as("src"), open("numbers.txt", FXF_READ).as("dst"),
                copyData("src", 0, 0, "dst", 0), close("src"), close("dst"),
                stat("hello.txt"), realpath("."), Requests.statvfs("."), Requests.limits(),
                opendir("dir").as("d"), readdir("d"), close("d"));
    }

    @Test
    void deniedRequestsAreNotAdvertisedAndAreRefused() throws Exception {
        Differential.assertSameReplies(writesAndReads(), "-P", "remove,copy-data");
    }

    @Test
    void allowListPermitsOnlyTheNamedRequests() throws Exception {
        Differential.assertSameReplies(writesAndReads(), "-p", "open,close,read,stat,realpath,limits,posix-rename");
    }

    @Test
    void readOnlyServerRefusesEveryWriteAndChangesNothing() throws Exception {
        for (Differential.Transcript t : Differential.assertSameReplies(writesAndReads(), "-R")) {
            assertEquals(t.fsBefore(), t.fsAfter(), t.server().label() + " changed the file system in read-only mode");
        }
    }

    @Test
    void startDirectoryBecomesTheWorkingDirectory() throws Exception {
        Script s = new Script().add(realpath("."), stat("inner.txt"), Requests.expandPath(""));
        Differential.assertSameReplies(s, "-d", "dir");
        Differential.assertSameReplies(s, "-d", "nodir");
        Differential.assertSameReplies(s, "-d", "%d");
        Differential.assertSameReplies(s, "-d", "/tmp/%u/..");
    }

    @Test
    void umaskFlagAppliesToCreatedFilesAndDirectories() throws Exception {
        Differential.assertSameReplies(new Script().add(
                open("new.txt", FXF_WRITE | FXF_CREAT).as("n"), close("n"), stat("new.txt"),
                open("wide.txt", FXF_WRITE | FXF_CREAT, Attrs.NONE.perms(0777)).as("w"), close("w"), stat("wide.txt"),
                mkdir("newdir", Attrs.NONE), stat("newdir")), "-u", "027");
    }

    @Test
    void queryHelpAndBadFlagsExitLikeOpenSsh() throws Exception {
        StringBuilder differences = new StringBuilder();
        for (String[] args : new String[][] {{"-Q", "requests"}, {"-Q", "foo"}, {"-h"}, {"-z"}, {"-l", "NOSUCH"},
                {"-f", "NOSUCH"}, {"-u", "999"}, {"-u", "x"}, {"-P", "nosuch"}, {"-p", "nosuch"}}) {
            String expected = runAlone(Server.OPENSSH, args);
            String actual = runAlone(Server.ours().command().get(0), args);
            if (!expected.equals(actual)) {
                differences.append("sftp-server ").append(String.join(" ", args)).append("\n  expected (OpenSSH): ")
                        .append(Differential.indent(expected)).append("\n  actual (ours):      ")
                        .append(Differential.indent(actual)).append('\n');
            }
        }
        assertEquals("", differences.toString(), "with no input, and stdin closed");
    }

    /** Exit code and stdout of the program run with these arguments and no input. */
    private static String runAlone(String program, String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(program));
        command.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(ServerProcess.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                return "still running";
            }
            return "exit " + p.exitValue() + (out.isEmpty() ? "" : ", stdout:\n" + out);
        } finally {
            p.destroyForcibly();
        }
    }
}
